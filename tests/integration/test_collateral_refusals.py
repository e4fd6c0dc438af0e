"""Bad input and blocked steps refuse with the rule cited and change nothing (both databases):
a repossession during a bankruptcy stay or under SCRA protection, a sale too soon after the
notice, negative costs or proceeds, a breach of the peace, a VIN with a bad check digit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.domain.holds import HoldKind
from arrears.domain.repossession.case import ExpenseKind, SaleMethod
from arrears.errors import RuleViolation
from arrears.services import collateral_registry as registry
from arrears.services import repossession as repo
from arrears.services import repossession_sale as sale
from arrears.services.collateral_commands import on_case
from arrears.services.collateral_timers import advance_cases
from arrears.services.holds import HoldRequest, place_hold
from integration.collateral_steps import Flow
from support.db import run_import
from support.portfolio import TODAY

pytestmark = pytest.mark.postgres

AFTER_CURE = date(2026, 12, 8)


@pytest.fixture
def flow(container: Container, portfolio_files: list[Path]) -> Flow:
    run_import(container, portfolio_files)
    flow = Flow(container, "L2")
    flow.run(
        lambda uow: repo.register_vendor(
            uow, code="ACME", name="Acme Recovery", actor="ops", at=flow.clock.now()
        )
    )
    return flow


def cure_expired(flow: Flow) -> int:
    """A case on L2 whose cure period (notice 2026-11-27) is over on 2026-12-08."""
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
    flow.on(AFTER_CURE)
    flow.run(lambda uow: advance_cases(uow, as_of=AFTER_CURE, at=flow.clock.now()))
    return case_id


def hold(flow: Flow, kind: HoldKind, **extra: str) -> None:
    place_hold(
        HoldRequest(
            kind=kind, reason="filed", set_by="ops", starts_on=AFTER_CURE, loan="L2", **extra
        ),
        uow_factory=flow.container.uow,
        clock=flow.clock,
    )


def refused(flow: Flow, step, *, rule_part: str, source_part: str) -> RuleViolation:  # type: ignore[no-untyped-def]
    before = flow.snapshot()
    owed = flow.owed()
    with pytest.raises(RuleViolation) as caught:
        flow.run(step)
    assert rule_part in caught.value.rule
    assert source_part in caught.value.source
    assert flow.snapshot() == before, "a refused step changes nothing"
    assert flow.owed() == owed
    return caught.value


def test_no_repossession_order_during_a_bankruptcy_stay(flow: Flow) -> None:
    case_id = cure_expired(flow)
    hold(flow, HoldKind.BANKRUPTCY, chapter="7")
    refused(
        flow,
        lambda uow: repo.assign_vendor(
            uow, case_id=case_id, vendor="ACME", on=AFTER_CURE, actor="ops", at=flow.clock.now()
        ),
        rule_part="bankruptcy",
        source_part="11 U.S.C. 362(a)",
    )


def test_no_repossession_recorded_during_a_bankruptcy_stay(flow: Flow) -> None:
    case_id = cure_expired(flow)
    flow.run(
        lambda uow: repo.assign_vendor(
            uow, case_id=case_id, vendor="ACME", on=AFTER_CURE, actor="ops", at=flow.clock.now()
        )
    )
    hold(flow, HoldKind.BANKRUPTCY, chapter="13")
    refused(
        flow,
        lambda uow: repo.record_repossession(
            uow,
            case_id=case_id,
            on=AFTER_CURE,
            location="lot",
            actor="acme",
            at=flow.clock.now(),
            as_of=AFTER_CURE,
            retaking_cost_minor=40_000,
        ),
        rule_part="bankruptcy",
        source_part="11 U.S.C. 362(a)",
    )


def test_scra_protection_blocks_the_repossession_order(flow: Flow) -> None:
    case_id = cure_expired(flow)
    hold(flow, HoldKind.MILITARY)
    refused(
        flow,
        lambda uow: repo.assign_vendor(
            uow, case_id=case_id, vendor="ACME", on=AFTER_CURE, actor="ops", at=flow.clock.now()
        ),
        rule_part="military",
        source_part="50 U.S.C.",
    )


def test_no_cure_notice_during_a_bankruptcy_stay(flow: Flow) -> None:
    flow.on(AFTER_CURE)
    case_id = flow.run(
        lambda uow: repo.open_case(
            uow, loan_id=flow.loan_id, on=AFTER_CURE, actor="ops", at=flow.clock.now()
        )
    )
    hold(flow, HoldKind.BANKRUPTCY, chapter="7")
    refused(
        flow,
        lambda uow: repo.send_cure_notice(
            uow,
            case_id=case_id,
            on=AFTER_CURE,
            actor="ops",
            at=flow.clock.now(),
            as_of=AFTER_CURE,
            messaging=flow.messaging,
        ),
        rule_part="bankruptcy",
        source_part="11 U.S.C. 362(a)",
    )


def test_no_repossession_inside_the_cure_period(flow: Flow) -> None:
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
    flow.on(date(2026, 12, 7))
    refused(
        flow,
        lambda uow: repo.assign_vendor(
            uow,
            case_id=case_id,
            vendor="ACME",
            on=date(2026, 12, 7),
            actor="ops",
            at=flow.clock.now(),
        ),
        rule_part="repossession.cure_period",
        source_part="lender policy",
    )


def held(flow: Flow) -> int:
    case_id = cure_expired(flow)
    flow.run(
        lambda uow: repo.assign_vendor(
            uow, case_id=case_id, vendor="ACME", on=AFTER_CURE, actor="ops", at=flow.clock.now()
        )
    )
    flow.run(
        lambda uow: repo.record_repossession(
            uow,
            case_id=case_id,
            on=AFTER_CURE,
            location="lot",
            actor="acme",
            at=flow.clock.now(),
            as_of=AFTER_CURE,
        )
    )
    return case_id


def test_a_sale_sooner_than_the_notice_allows_is_refused(flow: Flow) -> None:
    """CA: 15 days between the notice (2026-12-08) and the sale (Cal. Civ. Code 2983.2)."""
    case_id = held(flow)
    refused(
        flow,
        lambda uow: sale.send_disposition_notice(
            uow,
            case_id=case_id,
            on=AFTER_CURE,
            method=SaleMethod.PRIVATE,
            sale_on=date(2026, 12, 22),
            actor="ops",
            at=flow.clock.now(),
            as_of=AFTER_CURE,
            messaging=flow.messaging,
        ),
        rule_part="repossession.disposition_notice",
        source_part="9-612",
    )
    flow.run(
        lambda uow: sale.send_disposition_notice(
            uow,
            case_id=case_id,
            on=AFTER_CURE,
            method=SaleMethod.PRIVATE,
            sale_on=date(2026, 12, 23),
            actor="ops",
            at=flow.clock.now(),
            as_of=AFTER_CURE,
            messaging=flow.messaging,
        )
    )
    flow.on(date(2026, 12, 22))
    refused(
        flow,
        lambda uow: sale.record_sale(
            uow,
            case_id=case_id,
            on=date(2026, 12, 22),
            price_minor=900_000,
            buyer="x",
            actor="ops",
            at=flow.clock.now(),
            as_of=date(2026, 12, 22),
        ),
        rule_part="repossession.disposition_notice",
        source_part="2983.2",
    )


def test_negative_costs_and_proceeds_are_refused(flow: Flow) -> None:
    case_id = held(flow)
    refused(
        flow,
        lambda uow: repo.record_cost(
            uow,
            case_id=case_id,
            kind=ExpenseKind.STORAGE,
            amount_minor=-100,
            on=AFTER_CURE,
            actor="ops",
            at=flow.clock.now(),
            as_of=AFTER_CURE,
        ),
        rule_part="repossession.amount",
        source_part="9-615(a)(1)",
    )
    flow.run(
        lambda uow: sale.send_disposition_notice(
            uow,
            case_id=case_id,
            on=AFTER_CURE,
            method=SaleMethod.PRIVATE,
            sale_on=date(2026, 12, 23),
            actor="ops",
            at=flow.clock.now(),
            as_of=AFTER_CURE,
            messaging=flow.messaging,
        )
    )
    flow.on(date(2026, 12, 23))
    refused(
        flow,
        lambda uow: sale.record_sale(
            uow,
            case_id=case_id,
            on=date(2026, 12, 23),
            price_minor=-1,
            buyer="x",
            actor="ops",
            at=flow.clock.now(),
            as_of=date(2026, 12, 23),
        ),
        rule_part="repossession.amount",
        source_part="9-615(a)",
    )
    refused(
        flow,
        lambda uow: sale.record_sale(
            uow,
            case_id=case_id,
            on=date(2026, 12, 23),
            price_minor=900_000,
            buyer="x",
            actor="ops",
            at=flow.clock.now(),
            as_of=date(2026, 12, 23),
            costs=[(ExpenseKind.SELLING, -5)],
        ),
        rule_part="repossession.amount",
        source_part="9-615(a)(1)",
    )


def test_after_a_breach_of_the_peace_the_vendor_cannot_repossess(flow: Flow) -> None:
    case_id = cure_expired(flow)
    flow.run(
        lambda uow: repo.assign_vendor(
            uow, case_id=case_id, vendor="ACME", on=AFTER_CURE, actor="ops", at=flow.clock.now()
        )
    )
    flow.run(
        lambda uow: repo.record_breach_of_peace(
            uow,
            case_id=case_id,
            on=AFTER_CURE,
            reason="borrower objected",
            actor="acme",
            at=flow.clock.now(),
        )
    )
    refused(
        flow,
        lambda uow: repo.record_repossession(
            uow,
            case_id=case_id,
            on=AFTER_CURE,
            location="x",
            actor="acme",
            at=flow.clock.now(),
            as_of=AFTER_CURE,
        ),
        rule_part="repossession.breach_of_peace",
        source_part="9-609(b)(2)",
    )


def test_a_vin_with_a_bad_check_digit_is_refused(flow: Flow) -> None:
    refused(
        flow,
        lambda uow: registry.register_vehicle(
            uow,
            loan_id=flow.loan_id,
            external_id="C9",
            vin="1HGCM82643A004352",
            year=2023,
            make="Honda",
            model="Civic",
            actor="ops",
            at=flow.clock.now(),
            as_of=TODAY,
        ),
        rule_part="collateral.vin",
        source_part="49 CFR 565.15",
    )


def test_a_refused_command_is_kept_in_the_audit_trail(flow: Flow) -> None:
    """The command wrapper rolls the step back and records the refusal with its rule."""
    cure_expired(flow)
    hold(flow, HoldKind.BANKRUPTCY, chapter="7")
    with pytest.raises(RuleViolation):
        on_case(
            "L2",
            lambda uow, case_id: repo.assign_vendor(
                uow, case_id=case_id, vendor="ACME", on=AFTER_CURE, actor="ops", at=flow.clock.now()
            ),
            action="repossession_order",
            actor="ops",
            uow_factory=flow.container.uow,
            clock=flow.clock,
        )
    with flow.container.engine.connect() as connection:
        from sqlalchemy import text

        rows = connection.execute(
            text("SELECT details FROM audit_log WHERE action = 'collateral.refused'")
        ).all()
    assert len(rows) == 1
    assert "hold.bankruptcy" in rows[0][0]
    assert "repossession_order" in rows[0][0]


def test_no_voluntary_surrender_taken_during_a_bankruptcy_stay(flow: Flow) -> None:
    """Taking possession is an act against the estate's property (11 U.S.C. 362(a)(3))."""
    flow.on(AFTER_CURE)
    case_id = flow.run(
        lambda uow: repo.open_case(
            uow, loan_id=flow.loan_id, on=AFTER_CURE, actor="ops", at=flow.clock.now()
        )
    )
    hold(flow, HoldKind.BANKRUPTCY, chapter="7")
    refused(
        flow,
        lambda uow: repo.record_repossession(
            uow,
            case_id=case_id,
            on=AFTER_CURE,
            location="branch",
            actor="ops",
            at=flow.clock.now(),
            as_of=AFTER_CURE,
            voluntary=True,
        ),
        rule_part="bankruptcy",
        source_part="11 U.S.C. 362(a)",
    )
