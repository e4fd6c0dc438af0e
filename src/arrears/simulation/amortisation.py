"""Installments of many loans at once, exactly as the importer will schedule them.

The level payment comes from ``arrears.domain.schedules.level_payment`` (Decimal), called once per
distinct (principal, rate, term). Each month's interest is ``monthly_interest_minor`` done on NumPy
integers — balance × rate / 12 rounded half-even — so every installment matches
``level_schedule`` to the cent (tested). A loan may start with interest-only months, after which
the level schedule of the remaining term runs; those loans get explicit ``schedules`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from arrears.domain.money import Money
from arrears.domain.rates import Rate
from arrears.domain.schedules import level_payment
from arrears.simulation import dates
from arrears.simulation.draws import Ints
from arrears.simulation.formats import rate_ppm_text

_RATE_DENOMINATOR = 12 * 1_000_000  # rates are in millionths, interest is monthly


class LevelPayments:
    """``level_payment`` memoised by terms: a book has far fewer distinct terms than loans."""

    def __init__(self) -> None:
        self._known: dict[tuple[int, int, int], int] = {}

    def __call__(self, *, principal: Ints, rate_ppm: Ints, term_months: Ints) -> Ints:
        terms = np.stack([principal, rate_ppm, term_months], axis=1)
        distinct, inverse = np.unique(terms, axis=0, return_inverse=True)
        amounts = np.array([self._one(*map(int, row)) for row in distinct], dtype=np.int64)
        return amounts[inverse.reshape(-1)]

    def _one(self, principal: int, rate_ppm: int, term_months: int) -> int:
        key = (principal, rate_ppm, term_months)
        if key not in self._known:
            rate = Rate(rate_ppm_text(rate_ppm))
            self._known[key] = level_payment(Money(principal), rate, term_months).minor
        return self._known[key]


def monthly_interest(balance: Ints, rate_ppm: Ints) -> Ints:
    """``arrears.domain.schedules.monthly_interest_minor`` on arrays: half-even integer division."""
    quotient, remainder = np.divmod(balance * rate_ppm, _RATE_DENOMINATOR)
    twice = 2 * remainder
    round_up = (twice > _RATE_DENOMINATOR) | ((twice == _RATE_DENOMINATOR) & (quotient % 2 == 1))
    interest: Ints = quotient + round_up
    return interest


@dataclass(frozen=True, slots=True)
class Installments:
    """Installments flattened loan by loan: rows of one loan are contiguous, numbered from 1."""

    loan: Ints  # position of the loan in its chunk
    number: Ints
    due: Ints  # day numbers
    principal: Ints
    interest: Ints
    first_row: Ints  # per loan
    row_count: Ints  # per loan

    @property
    def amount(self) -> Ints:
        return self.principal + self.interest

    def cumulative_due(self) -> Ints:
        """Per row: everything due on the loan up to and including this installment."""
        running = np.cumsum(self.amount)
        before_loan = np.concatenate([[0], running])[self.first_row]
        owed: Ints = running - np.repeat(before_loan, self.row_count)
        return owed


@dataclass(frozen=True, slots=True)
class ScheduleTerms:
    """Per loan: what the schedule is built from (``payment`` is the amortising level payment)."""

    principal: Ints
    rate_ppm: Ints
    term_months: Ints
    interest_only_months: Ints
    payment: Ints
    first_due_month: Ints
    due_day: Ints


def first_due_on_or_after(terms: ScheduleTerms, days: Ints) -> Ints:
    """Per loan: the number of the first installment due on or after the given day (may be ≤ 0
    or beyond the term; callers clip)."""
    passed_this_month = terms.due_day < dates.day_of_month(days)
    return dates.months(days) - terms.first_due_month + 1 + passed_this_month


def installments_due(terms: ScheduleTerms, *, as_of: date) -> Ints:
    """Per loan: how many installments fall due strictly before ``as_of`` (at most the term)."""
    as_of_days = np.full(len(terms.principal), dates.day_number(as_of), dtype=np.int64)
    return np.clip(first_due_on_or_after(terms, as_of_days) - 1, 0, terms.term_months)


def build_installments(terms: ScheduleTerms, *, row_count: Ints) -> Installments:
    """The first ``row_count`` installments of each loan's schedule."""
    loans = len(row_count)
    first_row = (np.cumsum(row_count) - row_count).astype(np.int64)
    total = int(row_count.sum())
    principal_out = np.zeros(total, dtype=np.int64)
    interest_out = np.zeros(total, dtype=np.int64)
    balance = terms.principal.copy()
    active = np.flatnonzero(row_count > 0)
    number = 1
    while active.size:
        owed = balance[active]
        interest = monthly_interest(owed, terms.rate_ppm[active])
        amortising = np.clip(np.minimum(terms.payment[active] - interest, owed), 0, None)
        principal = np.where(terms.term_months[active] == number, owed, amortising)
        principal = np.where(number <= terms.interest_only_months[active], 0, principal)
        rows = first_row[active] + number - 1
        principal_out[rows] = principal
        interest_out[rows] = interest
        balance[active] = owed - principal
        number += 1
        active = active[row_count[active] >= number]
    loan = np.repeat(np.arange(loans, dtype=np.int64), row_count)
    number_out = np.arange(total, dtype=np.int64) - np.repeat(first_row, row_count) + 1
    due = dates.on_day(terms.first_due_month[loan] + number_out - 1, terms.due_day[loan])
    return Installments(
        loan=loan,
        number=number_out,
        due=due,
        principal=principal_out,
        interest=interest_out,
        first_row=first_row,
        row_count=row_count,
    )


def due_date(terms: ScheduleTerms, number: Ints) -> Ints:
    """Per loan: the due day number of installment ``number`` (counted from 1)."""
    return dates.on_day(terms.first_due_month + number - 1, terms.due_day)
