"""Why a requested settlement offer is refused: its terms, and its amount against the floor,
the ladder and the balance. Each problem is ``(rule, why)``; the rules are ``settlement.terms``,
``settlement.amount``, ``settlement.floor`` and ``settlement.ladder``."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any

from arrears.domain.money import Money
from arrears.domain.settlements.inputs import OfferRequest, PricingFacts
from arrears.domain.settlements.offers import OfferType
from arrears.domain.settlements.policy import SettlementPolicy


def shape_problems(
    facts: PricingFacts, request: OfferRequest, policy: SettlementPolicy
) -> list[tuple[str, str]]:
    n, kind = request.installments, request.offer_type
    problems: list[tuple[str, str]] = []
    if facts.balances.total <= 0:
        problems.append(("settlement.terms", "nothing is owed: there is nothing to settle"))
    if kind is OfferType.LUMP_SUM and n != 1:
        problems.append(("settlement.terms", "a lump sum is one payment"))
    if kind in {OfferType.STRUCTURED, OfferType.INTEREST_FREEZE} and n < 2:
        problems.append(
            ("settlement.terms", f"a {kind.value.replace('_', ' ')} needs at least 2 installments")
        )
    if n > policy.max_installments:
        problems.append(("settlement.terms", f"at most {policy.max_installments} installments"))
    if kind is OfferType.FEE_WAIVER and facts.balances.fees + facts.balances.penalties == 0:
        problems.append(("settlement.terms", "there are no fees or penalties to waive"))
    if kind is OfferType.INTEREST_FREEZE and facts.annual_rate <= 0:
        problems.append(("settlement.terms", "the loan bears no interest to freeze"))
    if request.amount_minor is not None and kind in {
        OfferType.FEE_WAIVER,
        OfferType.INTEREST_FREEZE,
    }:
        problems.append(
            ("settlement.terms", f"a {kind.value.replace('_', ' ')} sets its own amount")
        )
    return problems


def amount_problems(
    facts: PricingFacts, request: OfferRequest, *, amount: int, waived: int, floor: int,
    floor_basis: str, ladder: int, ladder_discount: Decimal,
) -> list[tuple[str, str]]:  # fmt: skip
    balance = facts.balances.total
    money = money_format(facts.currency)
    problems: list[tuple[str, str]] = []
    if amount <= 0:
        problems.append(("settlement.amount", "the amount must be positive"))
    elif amount > balance:
        problems.append(
            ("settlement.amount", f"{money(amount)} is more than the balance {money(balance)}")
        )
    if 0 < amount < floor:
        problems.append(
            (
                "settlement.floor",
                f"{money(amount)} is below the floor {money(floor)} set by {floor_basis}",
            )
        )
    if request.offer_type is not OfferType.INTEREST_FREEZE and 0 < amount < ladder:
        problems.append(
            (
                "settlement.ladder",
                f"{money(amount)} is beyond the ladder: at most {pct(ladder_discount)} off "
                f"({money(ladder)}) at {facts.dpd} days past due"
                + (" (charged off)" if facts.charged_off else ""),
            )
        )
    if request.offer_type is OfferType.INTEREST_FREEZE and share(waived, balance) > ladder_discount:
        problems.append(
            (
                "settlement.ladder",
                f"the interest given up is beyond the ladder ({pct(ladder_discount)})",
            )
        )
    return problems


def share(part: int, whole: int) -> Decimal:
    """``part / whole`` to 6 decimal places (a discount as a share of the balance)."""
    if whole <= 0:
        return Decimal(0)
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.000001"), rounding=ROUND_CEILING)


def pct(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.01')).normalize():f}%"


def money_format(currency: str) -> Any:
    return lambda minor: Money(minor, currency).format()
