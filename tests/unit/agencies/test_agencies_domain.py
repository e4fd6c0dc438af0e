"""Agencies: fee schedules, the champion/challenger split, eligibility and scorecards."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from arrears.domain.agencies.assignment import (
    AgencyLoad,
    Arm,
    arm_for,
    assignment_point,
    choose_agency,
)
from arrears.domain.agencies.economics import agency_alternative
from arrears.domain.agencies.model import Agency, FeeStep, Placement, parse_fees
from arrears.domain.agencies.policy import default_agency_policy
from arrears.domain.agencies.remittance import commission_due
from arrears.domain.agencies.scorecard import Collected, scorecard
from arrears.errors import RuleViolation

FEES = parse_fees("0:0.20,181:0.28,366:0.35")


def agency(code: str, *, tier: int = 1, challenger: bool = False, states=("MA",), capacity=10,
           active: bool = True) -> Agency:  # fmt: skip
    return Agency(code=code, name=code, tier=tier, fees=FEES, capacity=capacity,
                  states=frozenset(states), challenger=challenger, active=active,
                  id=hash(code) % 1000)  # fmt: skip


def test_the_rate_depends_on_the_age_of_the_debt() -> None:
    a = agency("A")
    assert [a.rate_for(d) for d in (0, 180, 181, 365, 366, 2000)] == [
        Decimal("0.20"), Decimal("0.20"), Decimal("0.28"), Decimal("0.28"), Decimal("0.35"),
        Decimal("0.35"),
    ]  # fmt: skip


def test_commission_rounds_half_to_even_once() -> None:
    """$300.00 × 35% = $105.00; $0.05 × 30% = 1.5 cents → 2; $0.25 × 30% = 7.5 → 8."""
    assert commission_due(30_000, Decimal("0.35")) == 10_500
    assert commission_due(5, Decimal("0.30")) == 2
    assert commission_due(25, Decimal("0.30")) == 8


def test_a_bad_agency_is_refused_with_every_problem() -> None:
    with pytest.raises(RuleViolation) as refused:
        Agency(code="a b", name="x", tier=0, fees=(FeeStep(10, Decimal("1.2")),), capacity=-1,
               states=frozenset())  # fmt: skip
    message = str(refused.value)
    for part in ("letters, digits", "tiers start at 1", "capacity", "starts at age 0",
                 "between 0 and 1", "at least one state"):  # fmt: skip
        assert part in message
    with pytest.raises(RuleViolation):
        parse_fees("zero:ten")


def test_the_split_is_a_pure_function_of_experiment_and_account() -> None:
    """SHA-256("agency-split:42")[:8] read big-endian; a 20% challenger share puts about one
    account in five in the challenger arm."""
    assert assignment_point("agency-split", 42) == assignment_point("agency-split", 42)
    arms = Counter(arm_for("agency-split", n, challenger_share=Decimal("0.2")) for n in range(5000))
    assert 900 < arms[Arm.CHALLENGER] < 1100
    assert all(arm_for("x", n, challenger_share=Decimal(0)) is Arm.CHAMPION for n in range(200))


def test_choosing_an_agency_respects_tier_licence_capacity_and_arm() -> None:
    champion, challenger = agency("CHAMP"), agency("CHALL", challenger=True)
    loads = [AgencyLoad(champion, 0), AgencyLoad(challenger, 0), AgencyLoad(agency("T2", tier=2), 0),
             AgencyLoad(agency("TX", states=("TX",)), 0), AgencyLoad(agency("FULL", capacity=1), 1)]  # fmt: skip
    share = Decimal("0.2")
    for loan_id in range(50):
        choice = choose_agency(loan_id=loan_id, state="MA", tier=1, loads=loads,
                               experiment="e", challenger_share=share)  # fmt: skip
        expected = (
            challenger
            if arm_for("e", loan_id, challenger_share=share) is Arm.CHALLENGER
            else champion
        )
        assert choice.agency == expected
    nobody = choose_agency(loan_id=1, state="NV", tier=1, loads=loads, experiment="e",
                           challenger_share=share)  # fmt: skip
    assert nobody.agency is None
    assert "licensed in NV" in nobody.reason


def test_the_agency_alternative_by_hand() -> None:
    """$5,000.00 at 400 days: 9% liquidation = 45,000 collected; 35% commission = 15,750;
    29,250 net in 12 months: 29,250 / 1.01**12 (1.12682503) = 25,957.9 → 25,958."""
    found = agency_alternative(balance_minor=500_000, dpd=400, policy=default_agency_policy(),
                               annual_rate=Decimal("0.12"))  # fmt: skip
    assert (found.expected_gross_minor, found.costs_minor, found.epv_minor) == (45_000, 15_750,
                                                                                25_958)  # fmt: skip


def test_a_scorecard_by_hand() -> None:
    """ACME: two placements of $1,000.00 and $3,000.00 in 2026-11; $800.00 collected with
    $224.00 commission and one complaint → liquidation 800/4,000 = 20%, cost 224/800 = 28%,
    complaints 50 per 100 placements."""
    placements = [
        Placement(loan_id=1, agency_id=1, placed_on=date(2026, 11, 2), recall_due_on=date(2027, 5, 1),
                  age_days=200, commission_rate=Decimal("0.28"), balance_minor=100_000,
                  currency="USD", id=1),
        Placement(loan_id=2, agency_id=1, placed_on=date(2026, 11, 20), recall_due_on=date(2027, 5, 1),
                  age_days=200, commission_rate=Decimal("0.28"), balance_minor=300_000,
                  currency="USD", id=2),
    ]  # fmt: skip
    (row,) = scorecard(placements, [Collected(1, 50_000, 14_000), Collected(2, 30_000, 8_400)],
                       {2: 1}, group_of={1: "ACME", 2: "ACME"})  # fmt: skip
    assert (row.group, row.vintage, row.placements, row.placed_minor) == ("ACME", "2026-11", 2,
                                                                           400_000)  # fmt: skip
    assert row.liquidation_rate == Decimal("0.2000")
    assert row.cost_rate == Decimal("0.2800")
    assert row.complaints_per_100 == Decimal("50.0000")
