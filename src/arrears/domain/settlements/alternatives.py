"""The in-house and collateral alternatives to a settlement (the agency and legal ones are
computed by their own workflows: ``agencies.economics`` and ``legal.economics``).

In-house:   EPV = recovery × balance × D(months) − cost per month × months
Collateral: EPV = min(balance, recovery share × valuation − costs) × D(months)

with ``D`` the monthly-compounded discount factor and the assumptions from the settlement
policy's delinquency band. Collateral is only an alternative for a secured loan with a
valuation, and not while a hold forbids repossession (bankruptcy stay, SCRA…).
"""

from __future__ import annotations

from decimal import Decimal

from arrears.domain.alternatives import Alternative, AlternativeKind, percent
from arrears.domain.money import Money
from arrears.domain.present_value import discounted, to_minor
from arrears.domain.settlements.policy import SettlementPolicy


def in_house_alternative(
    *, balance_minor: int, dpd: int, policy: SettlementPolicy, currency: str = "USD"
) -> Alternative:
    band = policy.in_house_for(dpd)
    costs = band.cost_per_month_minor * band.months
    value = discounted(
        balance_minor, probability=band.recovery, annual_rate=policy.discount_rate,
        months=band.months,
    )  # fmt: skip
    return Alternative(
        kind=AlternativeKind.IN_HOUSE,
        available=True,
        epv_minor=to_minor(value - costs),
        expected_gross_minor=to_minor(balance_minor * band.recovery),
        costs_minor=costs,
        months=band.months,
        assumptions={
            "recovery": percent(band.recovery),
            "cost per month": Money(band.cost_per_month_minor, currency).format(),
            "discount rate": percent(policy.discount_rate),
        },
    )


def collateral_alternative(
    *,
    balance_minor: int,
    valuation_minor: int | None,
    policy: SettlementPolicy,
    barred: tuple[str, ...] = (),
    currency: str = "USD",
) -> Alternative:
    kind = AlternativeKind.COLLATERAL
    if valuation_minor is None:
        return Alternative.unavailable(kind, "no collateral with a valuation secures the loan")
    if barred:
        return Alternative.unavailable(kind, "; ".join(barred))
    terms = policy.collateral
    net = Decimal(valuation_minor) * terms.recovery_share - terms.costs_minor
    applied = min(Decimal(balance_minor), net)
    value = discounted(
        max(applied, Decimal(0)), probability=Decimal(1), annual_rate=policy.discount_rate,
        months=terms.months,
    )  # fmt: skip
    if applied < 0:
        value = applied  # a sale that costs more than it fetches loses money now
    return Alternative(
        kind=kind,
        available=True,
        epv_minor=to_minor(value),
        expected_gross_minor=to_minor(
            min(Decimal(balance_minor), valuation_minor * terms.recovery_share)
        ),
        costs_minor=terms.costs_minor,
        months=terms.months,
        assumptions={
            "valuation": Money(valuation_minor, currency).format(),
            "realised at sale": percent(terms.recovery_share),
            "discount rate": percent(policy.discount_rate),
        },
    )
