"""Settlement pricing never offers less than the best alternative, whatever the account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.agencies.policy import default_agency_policy
from arrears.domain.legal.policy import default_legal_policy
from arrears.domain.settlements.authority import authority_of
from arrears.domain.settlements.offers import OfferType
from arrears.domain.settlements.policy import default_settlement_policy
from arrears.domain.settlements.pricing import (
    Balances,
    OfferRequest,
    Policies,
    PricingFacts,
    price_offer,
)

POLICIES = Policies(default_settlement_policy(), default_legal_policy(), default_agency_policy())
cents = st.integers(min_value=0, max_value=5_000_000)


@st.composite
def accounts(draw: st.DrawFn) -> PricingFacts:
    return PricingFacts(
        loan_id=1,
        currency="USD",
        as_of=date(2026, 11, 27),
        balances=Balances(
            principal=draw(st.integers(min_value=1, max_value=10_000_000)),
            interest=draw(cents),
            fees=draw(cents),
            penalties=draw(cents),
            costs=draw(cents),
        ),
        dpd=draw(st.integers(min_value=0, max_value=3000)),
        charged_off=draw(st.booleans()),
        annual_rate=Decimal(draw(st.integers(min_value=0, max_value=360_000))) / 1_000_000,
        collateral_value_minor=draw(st.none() | st.integers(min_value=0, max_value=20_000_000)),
        legal_barred=draw(st.sampled_from([(), ("time-barred",)])),
    )


requests = st.builds(
    OfferRequest,
    offer_type=st.sampled_from([OfferType.LUMP_SUM, OfferType.STRUCTURED]),
    installments=st.integers(min_value=1, max_value=12),
    amount_minor=st.none() | st.integers(min_value=1, max_value=30_000_000),
)


@settings(max_examples=400)
@given(accounts(), requests)
def test_an_acceptable_offer_is_worth_at_least_the_best_alternative(
    facts: PricingFacts, request: OfferRequest
) -> None:
    pricing = price_offer(facts, request, POLICIES)
    if not pricing.acceptable:
        return
    balance = facts.balances.total
    assert pricing.floor_minor <= pricing.amount_minor <= balance
    assert pricing.amount_minor >= pricing.ladder_minor
    worth_today = Decimal(pricing.amount_minor) * pricing.value_factor
    if pricing.best is not None and pricing.amount_minor < balance:
        assert worth_today >= pricing.best.epv_minor - 1  # the floor is rounded up, once
    assert pricing.amount_minor >= balance * POLICIES.settlement.floor_share - 1
    assert pricing.waived_minor == balance - pricing.amount_minor
    assert authority_of(POLICIES.settlement, pricing.required_role) >= pricing.discount


@settings(max_examples=200)
@given(accounts())
def test_the_policys_own_lump_sum_is_always_acceptable(facts: PricingFacts) -> None:
    pricing = price_offer(facts, OfferRequest(OfferType.LUMP_SUM), POLICIES)
    assert pricing.acceptable, pricing.problems
    assert pricing.amount_minor % POLICIES.settlement.round_to_minor == 0 or (
        pricing.amount_minor == facts.balances.total
    )
