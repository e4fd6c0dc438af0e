"""What placing an account with an agency is worth: the agency alternative.

    EPV = liquidation rate × balance × (1 − commission) × D(months)

with the liquidation rate, months and typical commission for the debt's age from the agency
policy, and ``D`` the monthly-compounded discount factor. Placement is not available while a
hold forbids it (dispute, bankruptcy, a legal proceeding…, arrears.domain.holds).
"""

from __future__ import annotations

from decimal import Decimal

from arrears.domain.agencies.policy import AgencyPolicy
from arrears.domain.alternatives import Alternative, AlternativeKind, percent
from arrears.domain.present_value import discounted, to_minor


def agency_alternative(
    *,
    balance_minor: int,
    dpd: int,
    policy: AgencyPolicy,
    annual_rate: Decimal,
    barred: tuple[str, ...] = (),
) -> Alternative:
    kind = AlternativeKind.AGENCY
    if barred:
        return Alternative.unavailable(kind, "; ".join(barred))
    band = policy.liquidation_for(dpd)
    collected = Decimal(balance_minor) * band.rate
    commission = collected * band.commission
    value = discounted(
        collected - commission, probability=Decimal(1), annual_rate=annual_rate, months=band.months
    )
    return Alternative(
        kind=kind,
        available=True,
        epv_minor=to_minor(value),
        expected_gross_minor=to_minor(collected),
        costs_minor=to_minor(commission),
        months=band.months,
        assumptions={
            "liquidation rate": percent(band.rate),
            "commission": percent(band.commission),
            "discount rate": percent(annual_rate),
        },
    )
