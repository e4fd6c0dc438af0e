"""Repayment schedules: what falls due when, split into principal, interest and fees."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from arrears.domain.components import Component
from arrears.domain.dates import add_months
from arrears.domain.money import Money
from arrears.domain.rates import Rate


@dataclass(frozen=True, slots=True)
class Installment:
    """One scheduled installment (``seq`` counts from 1)."""

    seq: int
    due_date: date
    principal: Money
    interest: Money
    fees: Money

    @property
    def amount(self) -> Money:
        currency = self.principal.currency
        if self.interest.currency != currency or self.fees.currency != currency:
            return self.principal + self.interest + self.fees  # raises CurrencyMismatch
        return Money(self.principal.minor + self.interest.minor + self.fees.minor, currency)

    def parts(self) -> list[tuple[Component, Money]]:
        return [
            (Component.FEES, self.fees),
            (Component.INTEREST, self.interest),
            (Component.PRINCIPAL, self.principal),
        ]


def level_payment(principal: Money, rate: Rate, term_months: int) -> Money:
    """The level monthly payment that amortises ``principal`` over ``term_months``.

    Standard annuity formula P·r / (1 − (1 + r)^−n) with r the monthly rate, computed in Decimal
    and rounded half-up to the minor unit (the convention of US closed-end loan disclosures).
    """
    if term_months <= 0:
        raise ValueError("term must be at least one month")
    monthly = rate.monthly()
    if monthly == 0:
        return Money.from_decimal(
            principal.to_decimal() / term_months, principal.currency, rounding="ROUND_HALF_UP"
        )
    factor = (1 + monthly) ** term_months
    payment = principal.to_decimal() * monthly * factor / (factor - 1)
    return Money.from_decimal(payment, principal.currency, rounding="ROUND_HALF_UP")


def monthly_interest_minor(balance_minor: int, rate: Rate) -> int:
    """Interest for one month on a balance: balance × annual rate / 12, rounded half-even.

    Computed exactly with integers (the rate's exact ratio), so the vectorised schedule builder
    can reproduce it bit for bit.
    """
    numerator, denominator = rate.value.as_integer_ratio()
    return round_half_even_div(balance_minor * numerator, denominator * 12)


def round_half_even_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to the nearest integer, ties to even (banker's)."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient


def level_schedule(
    *,
    principal: Money,
    rate: Rate,
    term_months: int,
    first_due_date: date,
    through: date | None = None,
) -> list[Installment]:
    """An amortising schedule: level payments, interest on the declining balance, last one trued up.

    Interest per period is ``monthly_interest_minor``; the final installment takes whatever
    principal remains so the schedule repays exactly ``principal``. With ``through``, only the
    installments due on or before it (each the same as in the whole schedule): a view of what
    is owed today needs six years of a thirty-year mortgage, not the 360 installments.
    """
    # In minor units (each account view builds its loan's schedule): ``monthly_interest_minor``
    # with the rate's ratio taken once, Money made only for what is kept.
    currency = principal.currency
    payment = level_payment(principal, rate, term_months).minor
    numerator, denominator = rate.value.as_integer_ratio()
    balance = principal.minor
    zero = Money.zero(currency)
    installments: list[Installment] = []
    for seq in range(1, term_months + 1):
        interest = round_half_even_div(balance * numerator, denominator * 12)
        principal_part = balance if seq == term_months else min(payment - interest, balance)
        principal_part = max(principal_part, 0)
        due = add_months(first_due_date, seq - 1, day=first_due_date.day)
        if through is not None and due > through:
            break
        installments.append(
            Installment(seq, due, Money(principal_part, currency), Money(interest, currency), zero)
        )
        balance -= principal_part
    return installments


def scheduled_total(installments: Sequence[Installment], currency: str = "USD") -> Money:
    result = Money.zero(currency)
    for installment in installments:
        result = result + installment.amount
    return result
