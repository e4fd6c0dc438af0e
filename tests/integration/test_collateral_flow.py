"""An auto loan of the small portfolio (L2, California, co-borrower B3) from default to the
deficiency letter — and the same sale with a surplus — on both databases, with the ledger
checked after every step and every number on the letters tied to the ledger.

Hand-checked figures of the deficiency flow (minor units in the code, dollars here):

    owed on 2026-11-27 after the import (16 good payments, 1 returned)   13,875.87
    + interest of the installment due 2026-12-01                          +   78.75
    = owed on 2026-12-10, when the vehicle is repossessed                 13,954.62
    + retaking 400.00 (12-10) + storage 300.00 (12-11)                    + 700.00
    + preparing 250.00 + selling 500.00 (sale day, 12-26)                 + 750.00
    = owed on the sale day before the proceeds                            15,404.62
    − proceeds of the sale (9-615(a)(1)-(2): all to expenses and debt)    − 9,000.00
    = deficiency                                                           6,404.62

    9-616 explanation, calculated as of the day of possession (12-10):
    obligation 13,954.62 − proceeds 9,000.00 = 4,954.62; + expenses 1,450.00 (retaking 400,
    storage 300, preparing 250, selling 500); + later charges 0; − credits 0 = 6,404.62.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.domain.repossession.case import ExpenseKind, SaleMethod
from arrears.domain.repossession.stages import Event, Stage
from arrears.ledger.accounts import Account
from arrears.services import repossession as repo
from arrears.services import repossession_explanation as explaining
from arrears.services import repossession_sale as sale
from arrears.services.collateral_timers import advance_cases
from arrears.services.repossession_cases import load_case
from integration.collateral_steps import Flow
from support.db import run_import
from support.portfolio import TODAY

pytestmark = pytest.mark.postgres

CURE_ENDS = date(2026, 12, 7)  # CA: lender policy, 10 days after the 11-27 notice
REPOSSESSED = date(2026, 12, 10)
NOTICE = date(2026, 12, 11)
SALE = date(2026, 12, 26)  # CA: 15 days after the notice (Cal. Civ. Code 2983.2, verify)
EXPLAINED = date(2026, 12, 28)


@pytest.fixture
def flow(container: Container, portfolio_files: list[Path]) -> Flow:
    run_import(container, portfolio_files)
    flow = Flow(container, "L2")
    flow.run(
        lambda uow: repo.register_vendor(
            uow, code="ACME", name="Acme Recovery", actor="ops", at=flow.clock.now(), states=["CA"]
        )
    )
    return flow


def held(flow: Flow) -> int:
    """Open the case, send the cure notice, let the period pass, assign, repossess, charge
    storage: the vehicle is held on 2026-12-11. Returns the case id."""
    flow.on(TODAY)
    case_id = flow.run(
        lambda uow: repo.open_case(
            uow, loan_id=flow.loan_id, on=TODAY, actor="ops", at=flow.clock.now()
        )
    )
    flow.run(
        lambda uow: repo.send_cure_notice(
            uow,
            case_id=case_id,
            on=TODAY,
            actor="ops",
            at=flow.clock.now(),
            as_of=TODAY,
            messaging=flow.messaging,
        )
    )
    flow.on(date(2026, 12, 8))
    flow.run(lambda uow: advance_cases(uow, as_of=flow.today, at=flow.clock.now()))
    flow.run(
        lambda uow: repo.assign_vendor(
            uow, case_id=case_id, vendor="ACME", on=flow.today, actor="ops", at=flow.clock.now()
        )
    )
    flow.on(REPOSSESSED)
    flow.run(
        lambda uow: repo.record_repossession(
            uow,
            case_id=case_id,
            on=REPOSSESSED,
            location="Acme lot 4",
            actor="acme",
            at=flow.clock.now(),
            as_of=REPOSSESSED,
            property_items=["gym bag"],
            retaking_cost_minor=40_000,
        )
    )
    flow.on(NOTICE)
    flow.run(
        lambda uow: repo.record_cost(
            uow,
            case_id=case_id,
            kind=ExpenseKind.STORAGE,
            amount_minor=30_000,
            on=NOTICE,
            actor="acme",
            at=flow.clock.now(),
            as_of=NOTICE,
        )
    )
    return case_id


def notice_and_sell(flow: Flow, case_id: int, *, price_minor: int) -> None:
    flow.run(
        lambda uow: sale.send_disposition_notice(
            uow,
            case_id=case_id,
            on=NOTICE,
            method=SaleMethod.PRIVATE,
            sale_on=SALE,
            actor="ops",
            at=flow.clock.now(),
            as_of=NOTICE,
            messaging=flow.messaging,
        )
    )
    flow.on(SALE)
    flow.run(
        lambda uow: sale.record_sale(
            uow,
            case_id=case_id,
            on=SALE,
            price_minor=price_minor,
            buyer="Metro Auto Auction",
            actor="ops",
            at=flow.clock.now(),
            as_of=SALE,
            costs=[(ExpenseKind.SELLING, 50_000), (ExpenseKind.PREPARING, 25_000)],
        )
    )


def stage(flow: Flow, case_id: int) -> Stage:
    return flow.run(lambda uow: load_case(uow, case_id).state.stage)


def test_default_to_deficiency_letter_with_the_ledger_checked_at_every_step(flow: Flow) -> None:
    flow.on(TODAY)
    assert flow.owed() == 1_387_587
    case_id = flow.run(
        lambda uow: repo.open_case(
            uow, loan_id=flow.loan_id, on=TODAY, actor="ops", at=flow.clock.now()
        )
    )
    assert flow.owed() == 1_387_587, "opening a case moves no money"

    # Right-to-cure notice: to the borrower and the co-borrower, figures from the ledger.
    flow.run(
        lambda uow: repo.send_cure_notice(
            uow,
            case_id=case_id,
            on=TODAY,
            actor="ops",
            at=flow.clock.now(),
            as_of=TODAY,
            messaging=flow.messaging,
        )
    )
    assert flow.owed() == 1_387_587
    cure = flow.letters("right_to_cure_notice")
    assert [(c["borrower_id"], c["status"]) for c in cure] == [(2, "queued"), (3, "queued")]
    figures = cure[0]["context"]["details"]["cure"]
    assert figures["balance_minor"] == flow.owed(TODAY)
    assert figures["amount_minor"] == 35_634  # the installment due 2026-11-01, unpaid
    assert figures["last_day"] == CURE_ENDS.isoformat()
    assert "$356.34" in cure[0]["html"]
    assert "$13,875.87" in cure[0]["html"]

    # The cure period passes: the timer moves the case on, once.
    flow.on(date(2026, 12, 8))
    assert flow.owed() == 1_395_462  # + 78.75 interest of the 12-01 installment
    first = flow.run(lambda uow: advance_cases(uow, as_of=flow.today, at=flow.clock.now()))
    again = flow.run(lambda uow: advance_cases(uow, as_of=flow.today, at=flow.clock.now()))
    assert first.steps == {"cure_period_end": 1}
    assert first.reviews == {"assign_vendor": 1}
    assert not again.steps
    assert not again.reviews
    assert stage(flow, case_id) is Stage.CURE_EXPIRED
    assert flow.owed() == 1_395_462

    flow.run(
        lambda uow: repo.assign_vendor(
            uow, case_id=case_id, vendor="ACME", on=flow.today, actor="ops", at=flow.clock.now()
        )
    )
    assert flow.owed() == 1_395_462

    # Repossessed with a $400 retaking fee: a cost the borrower owes (9-615(a)(1)).
    flow.on(REPOSSESSED)
    flow.run(
        lambda uow: repo.record_repossession(
            uow,
            case_id=case_id,
            on=REPOSSESSED,
            location="Acme lot 4",
            actor="acme",
            at=flow.clock.now(),
            as_of=REPOSSESSED,
            property_items=["gym bag"],
            retaking_cost_minor=40_000,
        )
    )
    assert flow.owed() == 1_435_462
    assert flow.account(Account.COSTS) == 40_000
    flow.on(NOTICE)
    flow.run(
        lambda uow: repo.record_cost(
            uow,
            case_id=case_id,
            kind=ExpenseKind.STORAGE,
            amount_minor=30_000,
            on=NOTICE,
            actor="acme",
            at=flow.clock.now(),
            as_of=NOTICE,
        )
    )
    flow.run(
        lambda uow: repo.record_fact(
            uow,
            case_id=case_id,
            event=Event.RELEASE_PROPERTY,
            on=NOTICE,
            details={"released_to": "Tom Lee"},
            actor="ops",
            at=flow.clock.now(),
        )
    )
    assert flow.owed() == 1_465_462
    assert flow.account(Account.COSTS) == 70_000

    # Notice of disposition: the amount to redeem is the ledger's balance that day.
    flow.run(
        lambda uow: sale.send_disposition_notice(
            uow,
            case_id=case_id,
            on=NOTICE,
            method=SaleMethod.PRIVATE,
            sale_on=SALE,
            actor="ops",
            at=flow.clock.now(),
            as_of=NOTICE,
            messaging=flow.messaging,
        )
    )
    assert flow.owed() == 1_465_462
    notices = flow.letters("notice_of_disposition")
    assert len(notices) == 2
    redeem = notices[0]["context"]["details"]["redeem"]
    assert redeem["amount_minor"] == flow.owed(NOTICE) == 1_465_462
    assert "NOTICE OF OUR PLAN TO SELL PROPERTY" in notices[0]["html"]
    assert "$14,654.62" in notices[0]["html"]
    assert "December 26, 2026" in notices[0]["html"]

    # The sale: costs charged, proceeds applied, the deficiency is what the ledger says.
    flow.on(SALE)
    assert flow.owed() == 1_465_462
    flow.run(
        lambda uow: sale.record_sale(
            uow,
            case_id=case_id,
            on=SALE,
            price_minor=900_000,
            buyer="Metro Auto Auction",
            actor="ops",
            at=flow.clock.now(),
            as_of=SALE,
            costs=[(ExpenseKind.SELLING, 50_000), (ExpenseKind.PREPARING, 25_000)],
        )
    )
    assert flow.owed() == 640_462
    assert flow.account(Account.SALE_PROCEEDS) == 900_000
    assert flow.account(Account.COSTS_ADVANCED) == -145_000
    assert stage(flow, case_id) is Stage.SOLD

    # The explanation (9-616) and the deficiency letter, every figure from the ledger.
    flow.on(EXPLAINED)
    flow.run(
        lambda uow: explaining.send_explanation(
            uow,
            case_id=case_id,
            on=EXPLAINED,
            actor="ops",
            at=flow.clock.now(),
            as_of=EXPLAINED,
            messaging=flow.messaging,
        )
    )
    assert flow.owed() == 640_462
    [explanation, _] = flow.letters("surplus_deficiency_explanation")
    lines = {
        line["key"]: line["amount_minor"]
        for line in explanation["context"]["details"]["explanation"]["lines"]
    }
    assert lines == {
        "obligation": flow.owed(REPOSSESSED) - 40_000,  # 13,954.62, before this case's costs
        "proceeds": flow.account(Account.SALE_PROCEEDS),  # 9,000.00
        "balance": 495_462,
        "expense:retaking": 40_000,
        "expense:storage": 30_000,
        "expense:preparing": 25_000,
        "expense:selling": 50_000,
        "deficiency": flow.owed(SALE),  # 6,404.62
    }
    assert lines["obligation"] == 1_395_462
    for amount in (
        "$13,954.62",
        "$9,000.00",
        "$4,954.62",
        "$400.00",
        "$300.00",
        "$250.00",
        "$500.00",
        "$6,404.62",
    ):
        assert amount in explanation["html"]
    [demand, _] = flow.letters("deficiency_letter")
    assert demand["context"]["details"]["demand"]["amount_minor"] == flow.owed(EXPLAINED)
    assert "$6,404.62" in demand["html"]

    # Closed by the timer: the deficiency returns to collection (nothing written off).
    flow.run(lambda uow: advance_cases(uow, as_of=EXPLAINED, at=flow.clock.now()))
    assert stage(flow, case_id) is Stage.CLOSED
    assert flow.owed() == 640_462
    assert flow.account(Account.WRITTEN_OFF) == 0
    assert flow.entries_balance()


def test_a_surplus_pays_the_junior_that_demanded_then_the_borrower(flow: Flow) -> None:
    """Sold for $17,000.00 with a $1,000.00 second lien that demanded before distribution:

    17,000.00 − 1,450.00 expenses − 13,954.62 debt = 1,595.38 surplus;
    1,000.00 to Valley Credit Union (9-615(a)(3)), 595.38 to the borrower (9-615(d)(1)).
    """
    case_id = held(flow)
    flow.run(
        lambda uow: repo.record_fact(
            uow,
            case_id=case_id,
            event=Event.LIEN_DEMAND,
            on=NOTICE,
            details={"holder": "Valley Credit Union", "amount_minor": 100_000, "rank": 2},
            actor="ops",
            at=flow.clock.now(),
        )
    )
    notice_and_sell(flow, case_id, price_minor=1_700_000)
    assert flow.owed() == -59_538, "the borrower's surplus is held in suspense"
    assert flow.account(Account.SUSPENSE) == -59_538
    # 15,404.62 applied to expenses and debt + 1,000.00 paid to the junior + 595.38 held.
    assert flow.account(Account.SALE_PROCEEDS) == 1_540_462 + 100_000 + 59_538
    flow.on(EXPLAINED)
    flow.run(
        lambda uow: explaining.send_explanation(
            uow,
            case_id=case_id,
            on=EXPLAINED,
            actor="ops",
            at=flow.clock.now(),
            as_of=EXPLAINED,
            messaging=flow.messaging,
        )
    )
    assert flow.owed() == 0
    assert flow.account(Account.REFUNDS) == -59_538
    [letter, _] = flow.letters("surplus_deficiency_explanation")
    details = letter["context"]["details"]
    assert details["explanation"]["result"] == "surplus"
    assert details["explanation"]["amount_minor"] == 159_538
    assert details["surplus_to_you_minor"] == 59_538
    assert "$595.38" in letter["html"]
    assert "Valley Credit Union" in letter["html"]
    assert flow.letters("deficiency_letter") == []
    flow.run(lambda uow: advance_cases(uow, as_of=EXPLAINED, at=flow.clock.now()))
    assert stage(flow, case_id) is Stage.CLOSED
    assert flow.entries_balance()


def test_redemption_before_the_sale_returns_the_vehicle(flow: Flow) -> None:
    """9-623: paying everything owed (expenses included) before the sale ends the case."""
    case_id = held(flow)
    owed = flow.owed()
    assert owed == 1_465_462
    flow.run(
        lambda uow: sale.redeem(
            uow,
            case_id=case_id,
            on=NOTICE,
            amount_minor=owed,
            actor="ops",
            at=flow.clock.now(),
            as_of=NOTICE,
        )
    )
    assert flow.owed() == 0
    assert stage(flow, case_id) is Stage.REDEEMED


def test_a_deficiency_at_or_below_the_policy_threshold_is_written_off(flow: Flow) -> None:
    from arrears.domain.repossession.policy import DeficiencyPolicy

    case_id = held(flow)
    notice_and_sell(flow, case_id, price_minor=1_500_000)  # 15,404.62 − 15,000.00 = 404.62
    assert flow.owed() == 40_462
    flow.on(EXPLAINED)
    flow.run(
        lambda uow: explaining.send_explanation(
            uow,
            case_id=case_id,
            on=EXPLAINED,
            actor="ops",
            at=flow.clock.now(),
            as_of=EXPLAINED,
            messaging=flow.messaging,
        )
    )
    policy = DeficiencyPolicy(write_off_at_or_below_minor=50_000)
    flow.run(lambda uow: advance_cases(uow, as_of=EXPLAINED, at=flow.clock.now(), policy=policy))
    assert flow.owed() == 0
    assert flow.account(Account.WRITTEN_OFF) == 40_462
    assert stage(flow, case_id) is Stage.CLOSED
