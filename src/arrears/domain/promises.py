"""Promises to pay: one or several dated amounts, kept or broken by the payments that follow.

A promise is judged only by posted (good) payments made on or after the day it was made,
matched cumulatively against its installments: an installment is kept when everything paid by
its due date plus the grace days covers everything promised up to it, less the tolerance.
Backdated or returned payments change the answer, so the status is always re-derived from the
payment history as of a date, never stored as the only truth (DESIGN §2). Plans use the same
matching for their installments (``match_schedule``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from arrears.domain.money import Money


class PromiseStatus(StrEnum):
    ACTIVE = "active"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How much short and how many days late a payment may be and still count.

    ``amount_minor``: a shortfall of at most this many minor units is forgiven;
    ``grace_days``: money received up to this many days after a due date counts for it.
    """

    amount_minor: int = 0
    grace_days: int = 0

    def __post_init__(self) -> None:
        if self.amount_minor < 0 or self.grace_days < 0:
            raise ValueError("a tolerance cannot be negative")


@dataclass(frozen=True, slots=True)
class Installment:
    due_on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class Paid:
    """A posted payment: the day it is effective and its amount."""

    on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class InstallmentResult:
    installment: Installment
    kept: bool | None  # None while still open (due date plus grace not passed, not yet paid)
    paid_by_due: Money  # cumulative paid by due date + grace (since the start)


def match_schedule(
    installments: Sequence[Installment],
    payments: Iterable[Paid],
    *,
    since: date,
    as_of: date,
    tolerance: Tolerance,
) -> list[InstallmentResult]:
    """Each installment kept, missed or still open, from payments made on ``since``..``as_of``."""
    if not installments:
        return []
    currency = installments[0].amount.currency
    counted = sorted(
        (p for p in payments if since <= p.on <= as_of and p.amount.currency == currency),
        key=lambda p: p.on,
    )
    results = []
    owed = 0
    for installment in sorted(installments, key=lambda i: i.due_on):
        owed += installment.amount.minor
        last_day = min(installment.due_on + timedelta(days=tolerance.grace_days), as_of)
        paid = sum(p.amount.minor for p in counted if p.on <= last_day)
        covered = paid >= owed - tolerance.amount_minor
        closed = as_of > installment.due_on + timedelta(days=tolerance.grace_days)
        kept = True if covered else (False if closed else None)
        results.append(InstallmentResult(installment, kept, Money(paid, currency)))
    return results


@dataclass(frozen=True, slots=True)
class Promise:
    loan_id: int
    made_on: date
    made_by: str
    installments: tuple[Installment, ...]
    id: int | None = None
    cancelled: bool = False

    def __post_init__(self) -> None:
        if not self.installments:
            raise ValueError("a promise needs at least one dated amount")
        if any(i.amount.minor <= 0 for i in self.installments):
            raise ValueError("promised amounts must be positive")
        if any(i.due_on < self.made_on for i in self.installments):
            raise ValueError("a promise cannot be due before it was made")
        if len({i.amount.currency for i in self.installments}) != 1:
            raise ValueError("a promise is in one currency")

    @property
    def total(self) -> Money:
        return Money(sum(i.amount.minor for i in self.installments), self.currency)

    @property
    def currency(self) -> str:
        return self.installments[0].amount.currency

    @property
    def last_due_on(self) -> date:
        return max(i.due_on for i in self.installments)


@dataclass(frozen=True, slots=True)
class PromiseEvaluation:
    status: PromiseStatus
    decided_on: date | None  # the day it became kept or broken
    results: tuple[InstallmentResult, ...]


def evaluate_promise(
    promise: Promise, payments: Iterable[Paid], *, as_of: date, tolerance: Tolerance
) -> PromiseEvaluation:
    """Kept when every installment is kept; broken as soon as one is missed; else active."""
    if promise.cancelled:
        return PromiseEvaluation(PromiseStatus.CANCELLED, None, ())
    paid = list(payments)
    results = tuple(
        match_schedule(
            promise.installments, paid, since=promise.made_on, as_of=as_of, tolerance=tolerance
        )
    )
    grace = timedelta(days=tolerance.grace_days)
    missed = [r for r in results if r.kept is False]
    if missed:
        return PromiseEvaluation(
            PromiseStatus.BROKEN, missed[0].installment.due_on + grace + timedelta(days=1), results
        )
    if all(r.kept for r in results):
        owed = promise.total.minor - tolerance.amount_minor
        kept_on = next(
            (
                p.on
                for p in _running(paid, since=promise.made_on, as_of=as_of)
                if p.amount.minor >= owed
            ),
            as_of,
        )
        return PromiseEvaluation(PromiseStatus.KEPT, kept_on, results)
    return PromiseEvaluation(PromiseStatus.ACTIVE, None, results)


def _running(payments: Iterable[Paid], *, since: date, as_of: date) -> list[Paid]:
    """Cumulative totals by day (``amount`` = everything paid up to and including ``on``)."""
    total = 0
    running = []
    for payment in sorted((p for p in payments if since <= p.on <= as_of), key=lambda p: p.on):
        total += payment.amount.minor
        running.append(Paid(payment.on, Money(total, payment.amount.currency)))
    return running


@dataclass(frozen=True, slots=True)
class PromiseRecord:
    """A stored promise with its last evaluated status (re-derived by the daily cycle)."""

    promise: Promise
    status: PromiseStatus
    decided_on: date | None = None
    evaluated_on: date | None = None
    contact_id: int | None = None
