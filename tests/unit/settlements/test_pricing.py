"""Settlement pricing, worked by hand.

Policy figures used below (``settlement_policy.toml``, ``agency_policy.toml``,
``legal_policy.toml``): discount rate 12% a year, so 1% a month and D(m) = 1 / 1.01**m;
floor 40% of the balance; ladder at 180+ days 40% (lump sum) / 30% (structured); in-house at
180–364 days recovers 20% in 9 months at $20 a month; an agency at 181–365 days recovers 18% in
9 months for a 28% commission; a suit: 70% judgment × 45% collected, 14 months, $450 filing
(recoverable) and $750 attorney fees.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from arrears.domain.agencies.policy import default_agency_policy
from arrears.domain.legal.policy import default_legal_policy
from arrears.domain.settlements.offers import OfferType
from arrears.domain.settlements.policy import default_settlement_policy
from arrears.domain.settlements.pricing import (
    Balances,
    OfferRequest,
    Policies,
    PricingFacts,
    forgone_interest,
    price_offer,
    value_factor,
)

POLICIES = Policies(default_settlement_policy(), default_legal_policy(), default_agency_policy())
TODAY = date(2026, 11, 27)


def facts(**changes: object) -> PricingFacts:
    base: dict[str, object] = {
        "loan_id": 1, "currency": "USD", "as_of": TODAY,
        "balances": Balances(principal=400_000, interest=60_000, fees=25_000, penalties=15_000),
        "dpd": 200, "charged_off": False, "annual_rate": Decimal("0.18"),
    }  # fmt: skip
    base.update(changes)
    return PricingFacts(**base)  # type: ignore[arg-type]


def by_kind(pricing):  # type: ignore[no-untyped-def]
    return {a.kind.value: a for a in pricing.alternatives}


def test_the_alternatives_of_a_5000_dollar_balance_at_200_days() -> None:
    """Balance $5,000.00 = 500,000 cents.

    in-house: 500,000 × 20% = 100,000 in 9 months; 1.01**9 = 1.0936852726;
              100,000 / 1.0936852726 = 91,433.99 → 91,434; less 9 × 2,000 = 18,000 → 73,434
    agency:   500,000 × 18% = 90,000 collected; commission 28% = 25,200; net 64,800;
              64,800 / 1.0936852726 = 59,249.1 → 59,249
    suit:     (500,000 + 45,000) × 70% × 45% = 171,675; 1.01**14 = 1.1494742132;
              171,675 / 1.1494742132 = 149,351.1 → less 120,000 of costs → 29,351
    """
    found = by_kind(price_offer(facts(), OfferRequest(OfferType.LUMP_SUM), POLICIES))
    assert found["in_house"].epv_minor == 73_434
    assert (found["agency"].epv_minor, found["agency"].costs_minor) == (59_249, 25_200)
    assert (found["legal"].epv_minor, found["legal"].expected_gross_minor) == (29_351, 171_675)
    assert not found["collateral"].available


def test_a_lump_sum_is_the_ladder_amount_above_the_floor() -> None:
    """Floor: max(40% × 500,000 = 200,000, best alternative 73,434) = 200,000. Ladder at 200
    days: 40% off → 300,000. Offer: 300,000 ($3,000.00), 40% off: a manager approves."""
    pricing = price_offer(facts(), OfferRequest(OfferType.LUMP_SUM), POLICIES)
    assert (pricing.floor_minor, pricing.ladder_minor, pricing.amount_minor) == (
        200_000, 300_000, 300_000,
    )  # fmt: skip
    assert pricing.discount == Decimal("0.4")
    assert pricing.required_role == "manager"
    assert pricing.expires_on == date(2026, 12, 27)
    assert pricing.acceptable
    assert pricing.best is not None
    assert pricing.best.kind.value == "in_house"


def test_a_valuable_alternative_raises_the_floor_above_the_ladder() -> None:
    """Collateral valued at $12,000.00 on a $10,000.00 balance: 12,000 × 80% − 950 = $8,650.00
    in 4 months; 865,000 / 1.01**4 (1.04060401) = 831,247.55 → 831,248 = the floor; the offer
    rounds up to whole dollars: $8,313.00 (16.87% off → a supervisor)."""
    pricing = price_offer(
        facts(balances=Balances(principal=1_000_000), collateral_value_minor=1_200_000),
        OfferRequest(OfferType.LUMP_SUM), POLICIES,
    )  # fmt: skip
    assert pricing.best is not None
    assert pricing.best.kind.value == "collateral"
    assert pricing.floor_minor == 831_248
    assert pricing.amount_minor == 831_300
    assert pricing.required_role == "supervisor"


def test_a_structured_offer_values_installments_at_todays_money() -> None:
    """Three monthly installments: (1/1.01 + 1/1.01**2 + 1/1.01**3) / 3
    = (0.9900990 + 0.9802960 + 0.9705901) / 3 = 0.9803284. Ladder 30% → 350,000 in 3
    installments of 116,667 + 116,667 + 116,666."""
    request = OfferRequest(OfferType.STRUCTURED, installments=3)
    assert value_factor(request, POLICIES.settlement).quantize(Decimal("0.0000001")) == Decimal(
        "0.9803284"
    )
    pricing = price_offer(facts(), request, POLICIES)
    assert pricing.amount_minor == 350_000
    assert [part for _, part in pricing.schedule] == [116_667, 116_667, 116_666]
    assert pricing.required_role == "supervisor"


def test_a_fee_waiver_forgives_fees_and_penalties_only() -> None:
    pricing = price_offer(facts(), OfferRequest(OfferType.FEE_WAIVER), POLICIES)
    assert (pricing.amount_minor, pricing.waived_minor) == (460_000, 40_000)
    assert pricing.required_role == "agent"


def test_an_interest_freeze_gives_up_simple_interest_for_the_plan() -> None:
    """400,000 × 18% / 12 × 6 = 36,000 given up: 7.2% of the balance (an agent may approve)."""
    assert forgone_interest(facts(), 6) == 36_000
    pricing = price_offer(facts(), OfferRequest(OfferType.INTEREST_FREEZE, installments=6),
                          POLICIES)  # fmt: skip
    assert pricing.amount_minor == 500_000
    assert pricing.discount == Decimal("0.072")


@pytest.mark.parametrize(
    ("request_", "rule"),
    [
        (OfferRequest(OfferType.LUMP_SUM, amount_minor=150_000), "settlement.floor"),
        (OfferRequest(OfferType.LUMP_SUM, amount_minor=250_000), "settlement.ladder"),
        (OfferRequest(OfferType.LUMP_SUM, amount_minor=600_000), "settlement.amount"),
        (OfferRequest(OfferType.LUMP_SUM, installments=2), "settlement.terms"),
        (OfferRequest(OfferType.STRUCTURED, installments=1), "settlement.terms"),
        (OfferRequest(OfferType.STRUCTURED, installments=13), "settlement.terms"),
    ],
)
def test_offers_against_the_policy_are_refused_with_the_rule(
    request_: OfferRequest, rule: str
) -> None:
    problems = price_offer(facts(), request_, POLICIES).problems
    assert rule in {found for found, _ in problems}


def test_below_the_floor_says_what_sets_it() -> None:
    pricing = price_offer(facts(), OfferRequest(OfferType.LUMP_SUM, amount_minor=150_000),
                          POLICIES)  # fmt: skip
    (floor,) = [why for rule, why in pricing.problems if rule == "settlement.floor"]
    assert floor == (
        "$1,500.00 is below the floor $2,000.00 set by the policy floor (40% of the balance)"
    )


def test_a_blocked_alternative_does_not_set_the_floor() -> None:
    """A bankruptcy stay bars the suit and the agency: they are listed, not counted."""
    stay = ("bankruptcy hold: the automatic stay stops every act to collect [11 U.S.C. 362(a)]",)
    pricing = price_offer(facts(legal_barred=stay, agency_barred=stay),
                          OfferRequest(OfferType.LUMP_SUM), POLICIES)  # fmt: skip
    found = by_kind(pricing)
    assert not found["legal"].available
    assert "362(a)" in found["legal"].reason
    assert pricing.best is not None
    assert pricing.best.kind.value == "in_house"


def test_the_explanation_is_plain_data() -> None:
    shown = price_offer(facts(), OfferRequest(OfferType.LUMP_SUM), POLICIES).as_dict()
    assert shown["amount_minor"] == 300_000
    assert shown["best"] == "in_house"
    assert len(shown["alternatives"]) == 4
    assert shown["reasons"][0].startswith("Balance $5,000.00")
