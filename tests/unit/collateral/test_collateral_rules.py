"""Registry rules: VINs, the depreciation curve, LTV and equity, the 60% rule, foreclosure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from arrears.domain.collateral_registry.depreciation import Curve, estimate
from arrears.domain.collateral_registry.equity import Position
from arrears.domain.collateral_registry.facts import vehicle_problems
from arrears.domain.foreclosure.referral import (
    Exception120,
    Method,
    check_referral,
    default_methods,
)
from arrears.domain.repossession.sixty_percent import disposal_deadline, sixty_percent_test
from arrears.errors import RuleViolation

GOOD_VIN = "1HGCM82633A004352"
AS_OF = date(2026, 11, 27)


def test_a_good_vin_has_no_problem() -> None:
    assert vehicle_problems(vin=GOOD_VIN, year=2023, mileage=12_000, as_of=AS_OF) == []


def test_a_vin_with_a_bad_check_digit_is_named_with_its_rule() -> None:
    """Position 9 must be the weighted check digit (49 CFR 565.15)."""
    [problem] = vehicle_problems(vin="1HGCM82643A004352", year=2023, mileage=1, as_of=AS_OF)
    assert "check digit" in problem
    assert "565.15" in problem


def test_every_problem_is_reported_at_once() -> None:
    problems = vehicle_problems(vin="SHORT", year=1975, mileage=-4, as_of=AS_OF)
    assert len(problems) == 3


def test_depreciation_worked_example() -> None:
    """$20,000.00 on 2026-01-01 for a 2025 model (age year 2 keeps 85%), 73 days later:
    20,000.00 × (1 − 0.15 × 73/365) = 20,000.00 × 0.97 = 19,400.00."""
    assert estimate(value_minor=2_000_000, valued_on=date(2026, 1, 1),
                    as_of=date(2026, 3, 15), model_year=2025) == 1_940_000  # fmt: skip


def test_depreciation_across_a_year_boundary_compounds_each_year() -> None:
    """A full age year 2 (85%) then a full age year 3 (87%): 10,000 × 0.85 × 0.87 = 7,395."""
    value = estimate(value_minor=1_000_000, valued_on=date(2026, 1, 1), as_of=date(2028, 1, 1),
                     model_year=2025)  # fmt: skip
    assert value == 739_500


def test_a_value_is_never_estimated_backwards() -> None:
    assert estimate(value_minor=500, valued_on=AS_OF, as_of=date(2026, 1, 1),
                    model_year=2020) == 500  # fmt: skip


def test_a_custom_curve_is_data() -> None:
    curve = Curve((50,), "test")
    assert estimate(value_minor=1_000, valued_on=date(2026, 1, 1), as_of=date(2027, 1, 1),
                    model_year=2026, curve=curve) == 500  # fmt: skip


def test_ltv_and_equity_with_a_senior_lien() -> None:
    """Second lien of $50,000 behind $200,000 on a $300,000 house: CLTV 0.8333, equity $50,000."""
    position = Position(value_minor=30_000_000, balance_minor=5_000_000,
                        senior_liens_minor=20_000_000)  # fmt: skip
    assert position.ltv == Decimal("0.8333")
    assert position.equity_minor == 5_000_000
    assert Position(value_minor=None, balance_minor=1).ltv is None
    assert Position(value_minor=0, balance_minor=1).ltv is None


def test_sixty_percent_of_the_cash_price_paid_on_a_purchase_money_loan() -> None:
    """Cash price $20,000, financed $18,000 (down $2,000), principal repaid $10,000:
    paid 12,000 / 20,000 = 60% → must dispose."""
    test = sixty_percent_test(consumer_goods=True, purchase_money=True, principal_minor=1_800_000,
                              principal_repaid_minor=1_000_000, cash_price_minor=2_000_000)  # fmt: skip
    assert test.applies
    assert test.basis == "cash price"
    assert "60.0%" in test.explain()


def test_sixty_percent_on_principal_when_no_cash_price_is_known() -> None:
    below = sixty_percent_test(consumer_goods=True, purchase_money=True, principal_minor=1_800_000,
                               principal_repaid_minor=1_079_999)  # fmt: skip
    assert not below.applies
    assert below.basis == "loan principal"
    at = sixty_percent_test(consumer_goods=True, purchase_money=False, principal_minor=1_800_000,
                            principal_repaid_minor=1_080_000)  # fmt: skip
    assert at.applies


def test_the_rule_is_only_for_consumer_goods() -> None:
    test = sixty_percent_test(consumer_goods=False, purchase_money=False, principal_minor=100,
                              principal_repaid_minor=100)  # fmt: skip
    assert not test.applies


def test_disposal_deadline_is_90_days_or_the_agreed_later_day() -> None:
    assert disposal_deadline(repossessed_on=date(2027, 1, 27)) == date(2027, 4, 27)
    assert disposal_deadline(repossessed_on=date(2027, 1, 27),
                             extended_until=date(2027, 6, 1)) == date(2027, 6, 1)  # fmt: skip


@pytest.mark.parametrize("days", [0, 90, 120])
def test_no_foreclosure_referral_at_120_days_or_less(days: int) -> None:
    """12 CFR 1024.41(f)(1): more than 120 days delinquent."""
    with pytest.raises(RuleViolation) as refused:
        check_referral(days_delinquent=days)
    assert refused.value.rule == "foreclosure.respa_120_days"
    assert refused.value.source == "12 CFR 1024.41(f)(1)"


def test_referral_at_121_days_or_on_an_exception() -> None:
    check_referral(days_delinquent=121)
    check_referral(days_delinquent=30, exception=Exception120.DUE_ON_SALE)


def test_a_pending_loss_mitigation_application_blocks_the_referral() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_referral(days_delinquent=200, loss_mitigation_pending=True)
    assert refused.value.source == "12 CFR 1024.41(f)(2)"


@pytest.mark.parametrize(
    ("state", "method", "verify"),
    [("NY", Method.JUDICIAL, False), ("TX", Method.NON_JUDICIAL, False),
     ("ID", Method.BOTH, True), ("AR", Method.JUDICIAL, True), ("MD", Method.NON_JUDICIAL, True),
     ("PR", Method.JUDICIAL, True)],
)  # fmt: skip
def test_foreclosure_method_by_state_with_the_references_caveats(
    state: str, method: Method, verify: bool
) -> None:
    found = default_methods().for_state(state)
    assert (found.method, found.verify) == (method, verify)
    assert default_methods().for_state("CT").strict
