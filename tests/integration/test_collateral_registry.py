"""The registry (vehicles, property, facts, valuations, LTV and equity on a date), foreclosure
referral (RESPA's 120 days, the state's method, legal's queue) and the daily cycle moving cases
along their timers — on both databases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from arrears.bootstrap import Container
from arrears.domain.collateral import ValuationSource
from arrears.domain.collateral_registry.facts import (
    Coverage,
    InsuranceFacts,
    SaleFacts,
    TitleFacts,
    TitleStatus,
)
from arrears.domain.foreclosure.referral import Exception120
from arrears.errors import ConflictError, RuleViolation
from arrears.services import collateral_registry as registry
from arrears.services import repossession as repo
from arrears.services.cycle import CycleSettings, run_cycle
from arrears.services.foreclosure import refer_to_foreclosure
from arrears.services.repossession_cases import load_case
from integration.collateral_steps import Flow
from support.db import run_import
from support.portfolio import BORROWERS, COLLATERAL, LOANS, PAYMENTS, TODAY, VALUATIONS

pytestmark = pytest.mark.postgres

MORTGAGES = [
    {
        "loan_id": "L4",
        "borrower_id": "B1",
        "product": "mortgage",
        "principal": "250000",
        "annual_rate": "0.065",
        "term_months": "360",
        "origination_date": "2025-01-01",
        "first_due_date": "2025-02-01",
        "contract_state": "TX",
    },
    {
        "loan_id": "L5",
        "borrower_id": "B3",
        "product": "mortgage",
        "principal": "150000",
        "annual_rate": "0.07",
        "term_months": "360",
        "origination_date": "2026-07-01",
        "first_due_date": "2026-08-01",
        "contract_state": "TX",
    },
]
HOUSES = [
    {"collateral_id": "P4", "loan_id": "L4", "kind": "property", "address_line1": "1 Main St",
     "city": "Austin", "state": "TX", "zip": "78701", "value": "300000",
     "valued_on": "2025-01-01"},
    {"collateral_id": "P5", "loan_id": "L5", "kind": "property", "address_line1": "2 Main St",
     "city": "Austin", "state": "TX", "zip": "78701", "value": "200000",
     "valued_on": "2026-07-01"},
]  # fmt: skip


@pytest.fixture
def imported(container: Container, write_csv) -> Container:  # type: ignore[no-untyped-def]
    run_import(container, [
        write_csv("borrowers.csv", BORROWERS), write_csv("loans.csv", LOANS + MORTGAGES),
        write_csv("payments.csv", PAYMENTS), write_csv("collateral.csv", COLLATERAL + HOUSES),
        write_csv("valuations.csv", VALUATIONS),
    ])  # fmt: skip
    return container


def test_a_vehicle_is_registered_with_its_facts_and_values(imported: Container) -> None:
    """A second vehicle on L2 with title, insurance and a cash price; its value on a date is
    the latest valuation carried forward by the curve, and LTV/equity use the ledger."""
    flow = Flow(imported, "L2")
    flow.on(TODAY)
    now = flow.clock.now()
    collateral_id = flow.run(
        lambda uow: registry.register_vehicle(
            uow,
            loan_id=flow.loan_id,
            external_id="C2",
            vin="1M8GDM9AXKP042788",
            year=2025,
            make="Ford",
            model="Transit",
            actor="ops",
            at=now,
            as_of=TODAY,
            mileage=8_000,
            condition="good",
        )
    )
    flow.run(
        lambda uow: registry.record_facts(
            uow,
            collateral_id=collateral_id,
            actor="ops",
            at=now,
            title=TitleFacts(TitleStatus.ELECTRONIC_LIEN, title_state="CA", lienholder="Example"),
            insurance=InsuranceFacts(Coverage.FULL, "Acme Mutual", "P-1", date(2027, 6, 1), True),
            sale=SaleFacts(cash_price_minor=2_400_000),
            location="borrower's home",
        )
    )
    flow.run(
        lambda uow: registry.add_valuation(
            uow,
            collateral_id=collateral_id,
            valued_on=date(2026, 1, 1),
            amount_minor=2_000_000,
            source=ValuationSource.MARKET_GUIDE,
            actor="ops",
            at=now,
            valued_by="guide",
        )
    )
    with pytest.raises(ConflictError):
        flow.run(
            lambda uow: registry.add_valuation(
                uow,
                collateral_id=collateral_id,
                valued_on=date(2026, 1, 1),
                amount_minor=1,
                source=ValuationSource.MARKET_GUIDE,
                actor="ops",
                at=now,
            )
        )
    with pytest.raises(RuleViolation):
        flow.run(
            lambda uow: registry.add_valuation(
                uow,
                collateral_id=collateral_id,
                valued_on=date(2026, 2, 1),
                amount_minor=0,
                source=ValuationSource.APPRAISAL,
                actor="ops",
                at=now,
            )
        )
    # 2025 model, age year 2 keeps 85%: 20,000.00 × (1 − 0.15 × 73/365) = 19,400.00 on 03-15.
    views = flow.run(
        lambda uow: registry.collateral_views(uow, loan_id=flow.loan_id, as_of=date(2026, 3, 15))
    )
    view = next(v for v in views if v.record.external_id == "C2")
    assert view.value_minor == 1_940_000
    assert "depreciation curve" in view.value_basis
    owed = flow.owed(date(2026, 3, 15))
    assert view.position.balance_minor == owed
    assert view.ltv == (Decimal(owed) / Decimal(1_940_000)).quantize(Decimal("0.0001"))
    assert view.equity_minor == 1_940_000 - owed
    assert view.record.facts["insurance_coverage"] == "full"
    assert view.record.facts["cash_price_minor"] == 2_400_000
    imported_view = next(v for v in views if v.record.external_id == "C1")
    assert imported_view.value_basis.startswith("origination of 2025-06-01")


def test_a_property_with_a_senior_lien_has_a_combined_ltv(imported: Container) -> None:
    flow = Flow(imported, "L4")
    now = flow.clock.now()
    [house] = flow.run(lambda uow: uow.collateral.of_loan(flow.loan_id))
    flow.run(
        lambda uow: registry.record_facts(
            uow, collateral_id=house.id, actor="ops", at=now, senior_liens_minor=5_000_000
        )
    )
    [view] = flow.run(lambda uow: registry.collateral_views(uow, loan_id=flow.loan_id, as_of=TODAY))
    assert view.value_minor == 30_000_000
    assert view.equity_minor == 30_000_000 - 5_000_000 - flow.owed(TODAY)
    assert view.record.address[:4] == ("1 Main St", "", "Austin", "TX")


def test_foreclosure_referral_after_120_days_goes_to_legal(imported: Container) -> None:
    """L4 has never paid: far more than 120 days delinquent; TX forecloses non-judicially."""
    flow = Flow(imported, "L4")
    flow.on(TODAY)
    case_id = flow.run(
        lambda uow: refer_to_foreclosure(
            uow,
            loan_id=flow.loan_id,
            on=TODAY,
            actor="ops",
            at=flow.clock.now(),
            as_of=TODAY,
            messaging=flow.messaging,
        )
    )
    with imported.engine.connect() as connection:
        review = connection.execute(
            text("SELECT queue, treatment, category FROM actions WHERE loan_id = :loan"),
            {"loan": flow.loan_id},
        ).one()
        case = connection.execute(
            text("SELECT kind, stage FROM collateral_cases WHERE id = :id"), {"id": case_id}
        ).one()
    assert tuple(review) == ("legal", "foreclosure_referral", "foreclosure")
    assert tuple(case) == ("foreclosure", "referred")
    [letter] = flow.letters("foreclosure_referral_notice")
    details = letter["context"]["details"]["foreclosure"]
    assert details["method"] == "non_judicial"
    assert details["balance_minor"] == flow.owed(TODAY)
    assert details["days_delinquent"] > 120
    assert "ejecución extrajudicial" in letter["html"]  # B1 reads Spanish


def test_no_foreclosure_referral_at_120_days_or_less(imported: Container) -> None:
    """L5's first installment fell due 2026-08-01: 118 days on 11-27, 121 on 11-30."""
    flow = Flow(imported, "L5")
    flow.on(TODAY)
    before = flow.snapshot()
    with pytest.raises(RuleViolation) as refused:
        flow.run(
            lambda uow: refer_to_foreclosure(
                uow,
                loan_id=flow.loan_id,
                on=TODAY,
                actor="ops",
                at=flow.clock.now(),
                as_of=TODAY,
                messaging=flow.messaging,
            )
        )
    assert refused.value.rule == "foreclosure.respa_120_days"
    assert refused.value.source == "12 CFR 1024.41(f)(1)"
    assert flow.snapshot() == before
    with pytest.raises(RuleViolation) as pending:
        flow.run(
            lambda uow: refer_to_foreclosure(
                uow,
                loan_id=flow.loan_id,
                on=TODAY,
                actor="ops",
                at=flow.clock.now(),
                as_of=TODAY,
                exception=Exception120.NONE,
                loss_mitigation_pending=True,
            )
        )
    assert pending.value.source == "12 CFR 1024.41(f)(2)"
    flow.on(date(2026, 11, 30))
    flow.run(
        lambda uow: refer_to_foreclosure(
            uow,
            loan_id=flow.loan_id,
            on=flow.today,
            actor="ops",
            at=flow.clock.now(),
            as_of=flow.today,
        )
    )
    assert flow.snapshot() != before


def test_the_daily_cycle_moves_cases_along_their_timers(imported: Container) -> None:
    """The cycle of 2026-12-08 ends the cure period of the case noticed on 2026-11-27, once."""
    flow = Flow(imported, "L2")
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
    settings = CycleSettings(buckets=imported.buckets, policy=imported.policy)
    run_cycle(
        as_of=date(2026, 12, 8), uow_factory=imported.uow, clock=flow.clock, settings=settings
    )
    case = flow.run(lambda uow: load_case(uow, case_id))
    assert case.state.stage.value == "cure_expired"
    with imported.engine.connect() as connection:
        reviews = (
            connection.execute(
                text(
                    "SELECT treatment FROM actions WHERE loan_id = :loan AND queue = 'repossession' "
                    "AND run_id IS NULL"
                ),
                {"loan": flow.loan_id},
            )
            .scalars()
            .all()
        )
    assert reviews == ["repossession_assign_vendor"]
