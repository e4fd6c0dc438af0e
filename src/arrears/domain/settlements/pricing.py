"""Pricing a settlement offer: never less than the best realistic alternative.

For one account the alternatives are valued today (``Alternative``): keep collecting in-house,
place with an agency net of commission, sue (judgment probability, time, costs, enforcement),
liquidate the collateral. The **floor** is the most the lender could expect from the best of
them, expressed as an amount paid under the offer's terms — for a plan, the amount whose
installments are worth that much today — and never less than the policy's floor share of the
balance. The **ladder** caps the discount by delinquency stage. The offer is the larger of the
floor and the ladder amount, rounded up to the policy's unit; a requested amount is checked
against both. The result carries every figure and a sentence for each step, so the web app
can show why the offer is what it is (docs/settlements.md has a worked example).

Rounding happens at three named points only: the floor and the ladder amount are rounded up to
the minor unit (``ROUND_CEILING``, so rounding never lowers them), and the offer amount up to
``round_to_minor``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

from arrears.domain.agencies.economics import agency_alternative
from arrears.domain.alternatives import Alternative, best
from arrears.domain.dates import add_months
from arrears.domain.legal.economics import litigation_alternative
from arrears.domain.money import Money
from arrears.domain.present_value import PRECISION, discount_factor
from arrears.domain.settlements.alternatives import collateral_alternative, in_house_alternative
from arrears.domain.settlements.authority import required_role
from arrears.domain.settlements.inputs import Balances, OfferRequest, Policies, PricingFacts
from arrears.domain.settlements.offer_checks import (
    amount_problems,
    money_format,
    pct,
    shape_problems,
    share,
)
from arrears.domain.settlements.offers import OfferType
from arrears.domain.settlements.policy import SettlementPolicy

__all__ = [
    "Balances", "OfferRequest", "Policies", "Pricing", "PricingFacts", "alternatives_for",
    "forgone_interest", "price_offer", "value_factor",
]  # fmt: skip


@dataclass(frozen=True)
class Pricing:
    """An offer priced for one account, with everything needed to explain it."""

    loan_id: int
    offer_type: OfferType
    installments: int
    currency: str
    as_of: date
    balances: Balances
    alternatives: tuple[Alternative, ...]
    best: Alternative | None
    value_factor: Decimal  # today's value of one unit paid under the offer's terms
    floor_minor: int
    ladder_discount: Decimal
    ladder_minor: int
    amount_minor: int
    discount: Decimal
    required_role: str
    expires_on: date
    schedule: tuple[tuple[date, int], ...]
    reasons: tuple[str, ...]
    problems: tuple[tuple[str, str], ...] = field(default=())  # (rule, why)
    policy_version: int = 1

    @property
    def balance_minor(self) -> int:
        return self.balances.total

    @property
    def waived_minor(self) -> int:
        return self.balance_minor - self.amount_minor

    @property
    def acceptable(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """A plain structure for the web app and the offer record (amounts in minor units)."""
        return {
            "loan_id": self.loan_id,
            "offer_type": self.offer_type.value,
            "installments": self.installments,
            "currency": self.currency,
            "as_of": self.as_of.isoformat(),
            "balance_minor": self.balance_minor,
            "balances": {
                "principal": self.balances.principal, "interest": self.balances.interest,
                "fees": self.balances.fees, "penalties": self.balances.penalties,
                "costs": self.balances.costs,
            },
            "alternatives": [a.as_dict() for a in self.alternatives],
            "best": self.best.kind.value if self.best else None,
            "value_factor": str(self.value_factor.quantize(Decimal("0.000001"))),
            "floor_minor": self.floor_minor,
            "ladder_discount": str(self.ladder_discount),
            "ladder_minor": self.ladder_minor,
            "amount_minor": self.amount_minor,
            "waived_minor": self.waived_minor,
            "discount": str(self.discount),
            "required_role": self.required_role,
            "expires_on": self.expires_on.isoformat(),
            "schedule": [{"due_on": d.isoformat(), "amount_minor": a} for d, a in self.schedule],
            "reasons": list(self.reasons),
            "problems": [{"rule": rule, "message": why} for rule, why in self.problems],
            "policy_version": self.policy_version,
        }  # fmt: skip


def alternatives_for(facts: PricingFacts, policies: Policies) -> tuple[Alternative, ...]:
    """Every alternative, valued with the settlement policy's discount rate."""
    balance, currency = facts.balances.total, facts.currency
    rate = policies.settlement.discount_rate
    return (
        in_house_alternative(
            balance_minor=balance, dpd=facts.dpd, policy=policies.settlement, currency=currency
        ),
        agency_alternative(
            balance_minor=balance, dpd=facts.dpd, policy=policies.agency, annual_rate=rate,
            barred=facts.agency_barred,
        ),
        litigation_alternative(
            balance_minor=balance, policy=policies.legal, annual_rate=rate,
            barred=facts.legal_barred, currency=currency,
        ),
        collateral_alternative(
            balance_minor=balance, valuation_minor=facts.collateral_value_minor,
            policy=policies.settlement, barred=facts.collateral_barred, currency=currency,
        ),
    )  # fmt: skip


def price_offer(facts: PricingFacts, request: OfferRequest, policies: Policies) -> Pricing:
    """The offer for ``request`` on this account, or — when ``request.amount_minor`` is given —
    that amount checked against the floor, the ladder and the balance (``problems`` says why it
    is refused)."""
    policy = policies.settlement
    balance = facts.balances.total
    problems = list(shape_problems(facts, request, policy))
    alternatives = alternatives_for(facts, policies)
    top = best(alternatives)
    factor = value_factor(request, policy)
    floor, floor_basis = _floor(balance, top, factor, policy)
    step = policy.ladder_for(dpd=facts.dpd, charged_off=facts.charged_off)
    ladder_discount = step.structured if _instalments(request) else step.lump_sum
    ladder = _ceiling(Decimal(balance) * (1 - ladder_discount))
    amount, waived = _amount(facts, request, policy, floor=floor, ladder=ladder)
    problems += amount_problems(
        facts, request, amount=amount, waived=waived, floor=floor, floor_basis=floor_basis,
        ladder=ladder, ladder_discount=ladder_discount,
    )  # fmt: skip
    discount = share(waived, balance)
    schedule = _schedule(facts, request, policy, amount)
    if len(schedule) > 1 and min(part for _, part in schedule) < policy.min_installment_minor:
        minimum = Money(policy.min_installment_minor, facts.currency).format()
        problems.append(("settlement.terms", f"installments must be at least {minimum}"))
    reasons = _reasons(
        facts=facts,
        top=top,
        floor=floor,
        ladder=ladder,
        ladder_discount=ladder_discount,
        amount=amount,
        discount=discount,
        policy=policy,
    )
    return Pricing(
        loan_id=facts.loan_id, offer_type=request.offer_type, installments=request.installments,
        currency=facts.currency, as_of=facts.as_of, balances=facts.balances,
        alternatives=alternatives, best=top, value_factor=factor, floor_minor=floor,
        ladder_discount=ladder_discount, ladder_minor=ladder, amount_minor=amount,
        discount=discount, required_role=required_role(policy, min(discount, Decimal(1))),
        expires_on=facts.as_of + timedelta(days=policy.expiry_days), schedule=schedule,
        reasons=reasons, problems=tuple(problems), policy_version=policy.version,
    )  # fmt: skip


def value_factor(request: OfferRequest, policy: SettlementPolicy) -> Decimal:
    """Today's value of one unit paid under the offer: 1 for a lump sum (due within days);
    for ``n`` monthly installments from next month, ``(D(1) + … + D(n)) / n``."""
    n = request.installments
    if n <= 1:
        return Decimal(1)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        rate = policy.discount_rate
        factors = [discount_factor(annual_rate=rate, months=k) for k in range(1, n + 1)]
        return sum(factors, Decimal(0)) / n


def _instalments(request: OfferRequest) -> bool:
    return request.installments > 1 or request.offer_type in {
        OfferType.STRUCTURED, OfferType.INTEREST_FREEZE,
    }  # fmt: skip


def _floor(
    balance: int, top: Alternative | None, factor: Decimal, policy: SettlementPolicy
) -> tuple[int, str]:
    """The floor and what sets it. Named rounding point: rounded up to the minor unit."""
    policy_floor = Decimal(balance) * policy.floor_share
    alternative = Decimal(top.epv_minor) / factor if top and top.epv_minor > 0 else Decimal(0)
    if top is not None and alternative > policy_floor:
        basis = f"the best alternative ({top.label.lower()})"
    else:
        basis = f"the policy floor ({pct(policy.floor_share)} of the balance)"
    return min(_ceiling(max(policy_floor, alternative)), balance), basis


def _amount(
    facts: PricingFacts, request: OfferRequest, policy: SettlementPolicy, *, floor: int, ladder: int
) -> tuple[int, int]:
    """(amount to pay, amount waived) for the request."""
    balance = facts.balances.total
    if request.offer_type is OfferType.FEE_WAIVER:
        waived = facts.balances.fees + facts.balances.penalties
        return balance - waived, waived
    if request.offer_type is OfferType.INTEREST_FREEZE:
        return balance, forgone_interest(facts, request.installments)
    if request.amount_minor is not None:
        return request.amount_minor, balance - request.amount_minor
    unit = policy.round_to_minor
    rounded = -(-max(floor, ladder) // unit) * unit  # named rounding point: up to the unit
    amount = min(rounded, balance)
    return amount, balance - amount


def forgone_interest(facts: PricingFacts, installments: int) -> int:
    """Interest an interest freeze gives up: simple interest on the principal at the contract
    rate for the plan's months (named rounding point: half to even)."""
    value = Decimal(facts.balances.principal) * facts.annual_rate / 12 * installments
    return int(value.to_integral_value(rounding=ROUND_HALF_EVEN))


def _schedule(
    facts: PricingFacts, request: OfferRequest, policy: SettlementPolicy, amount: int
) -> tuple[tuple[date, int], ...]:
    """Installment dates and amounts if accepted today (the plan is built on acceptance)."""
    n = max(1, request.installments)
    if amount <= 0:
        return ()
    parts = Money(amount, facts.currency).allocate([1] * n)
    if n == 1:
        return ((facts.as_of + timedelta(days=policy.lump_sum_days), parts[0].minor),)
    return tuple((add_months(facts.as_of, k), part.minor) for k, part in enumerate(parts, 1))


def _reasons(
    *,
    facts: PricingFacts, top: Alternative | None, floor: int, ladder: int,
    ladder_discount: Decimal, amount: int, discount: Decimal, policy: SettlementPolicy,
) -> tuple[str, ...]:  # fmt: skip
    money = money_format(facts.currency)
    balance = facts.balances.total
    reasons = [f"Balance {money(balance)} at {facts.dpd} days past due"
               + (" (charged off)." if facts.charged_off else ".")]  # fmt: skip
    if top is None:
        reasons.append("No alternative can be pursued, so only the policy floor applies.")
    else:
        reasons.append(
            f"Best alternative: {top.label.lower()}, worth {money(top.epv_minor)} today."
        )
    reasons.append(
        f"Floor {money(floor)}: the larger of {pct(policy.floor_share)} of the balance and the "
        "amount that, paid on these terms, is worth as much as the best alternative."
    )
    reasons.append(
        f"The ladder allows up to {pct(ladder_discount)} off at this stage: {money(ladder)}."
    )
    reasons.append(f"Offer {money(amount)} ({pct(discount)} off the balance).")
    return tuple(reasons)


def _ceiling(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))
