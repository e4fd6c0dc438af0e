"""What suing is worth: the expected present value of a suit and the cost/benefit view.

    EPV = P(judgment) × enforcement recovery × (balance + recoverable costs) × D(months)
          − (filing costs + attorney fees)

Filing costs are advanced by the lender and, being taxed to the losing party, are added to the
judgment, so they come back in the same proportion as the balance; attorney fees come back only
where contract and state law allow (the policy's cost kinds say so per lender). ``D`` is the
monthly-compounded discount factor (``arrears.domain.present_value``). A suit is not available
on a time-barred debt (12 CFR 1006.26(b)), while a hold forbids legal action (bankruptcy stay,
dispute, SCRA…), or below the policy's minimum balance.
"""

from __future__ import annotations

from decimal import Decimal

from arrears.domain.alternatives import Alternative, AlternativeKind, percent
from arrears.domain.legal.policy import LegalPolicy
from arrears.domain.money import Money
from arrears.domain.present_value import discounted, to_minor


def litigation_alternative(
    *,
    balance_minor: int,
    policy: LegalPolicy,
    annual_rate: Decimal,
    barred: tuple[str, ...] = (),
    currency: str = "USD",
) -> Alternative:
    """Suing for ``balance_minor``; ``barred`` lists why legal action is not possible (the rule
    and its source), which makes the alternative unavailable."""
    kind = AlternativeKind.LEGAL
    if barred:
        return Alternative.unavailable(kind, "; ".join(barred))
    if balance_minor < policy.min_balance_minor:
        return Alternative.unavailable(
            kind, f"balance below the policy minimum for a suit ({policy.min_balance_minor})"
        )
    econ = policy.economics
    recoverable = econ.filing_costs_minor + (
        econ.attorney_fees_minor if _attorney_fees_recoverable(policy) else 0
    )
    costs = econ.filing_costs_minor + econ.attorney_fees_minor
    probability = econ.judgment_probability * econ.enforcement_recovery
    claim = balance_minor + recoverable
    value = discounted(claim, probability=probability, annual_rate=annual_rate, months=econ.months)
    return Alternative(
        kind=kind,
        available=True,
        epv_minor=to_minor(value - costs),
        expected_gross_minor=to_minor(claim * probability),
        costs_minor=costs,
        months=econ.months,
        assumptions={
            "judgment probability": percent(econ.judgment_probability),
            "collected of the judgment": percent(econ.enforcement_recovery),
            "recoverable costs": Money(recoverable, currency).format(),
            "discount rate": percent(annual_rate),
        },
    )


def _attorney_fees_recoverable(policy: LegalPolicy) -> bool:
    kind = policy.costs.get("attorney_fee")
    return bool(kind and kind.recoverable)
