"""One loan's schedule, good payments and delinquency on a date, for screens about one account.

An account view, a contact check and the statute-of-limitations check look at one loan. The
batch functions answer the same questions for a partition, but on one loan their fixed cost
(dozens of small frame operations) is most of the work; the domain functions they are
property-tested against (``tests/property/test_batch_equivalence.py``) do it directly, so the
answers are the same either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from arrears.batch.schedules import rate_from_micros
from arrears.domain.allocation import DEFAULT_POLICY, WaterfallPolicy, due_items
from arrears.domain.delinquency import (
    DEFAULT_BUCKETS,
    BucketScheme,
    Delinquency,
    delinquency_as_of,
)
from arrears.domain.money import Money
from arrears.domain.schedules import Installment, level_schedule
from arrears.errors import NotFoundError
from arrears.services.ports import LoanHistory, UnitOfWork


@dataclass(frozen=True)
class LoanState:
    """What both an account view and the statute-of-limitations check need, computed once."""

    as_of: date
    policy: WaterfallPolicy
    installments: list[Installment]  # the whole schedule, or what is due by ``as_of`` (brief)
    good_payments: list[tuple[date, int]]  # (effective date, minor units) of those not returned
    delinquency: Delinquency

    @property
    def good_payment_dates(self) -> list[date]:
        """Effective dates of the payments that were not returned."""
        return [day for day, _ in self.good_payments]


class ScheduleTerms(Protocol):
    """What a loan's schedule is derived from: a ``LoanHistory`` (a screen) or ``PostingFacts``
    (a posting of a few loans)."""

    @property
    def currency(self) -> str: ...
    @property
    def principal_minor(self) -> int: ...
    @property
    def annual_rate_micros(self) -> int: ...
    @property
    def term_months(self) -> int: ...
    @property
    def first_due_date(self) -> date: ...
    @property
    def imported_schedule(self) -> bool: ...
    @property
    def installments(self) -> list[Installment]: ...


def schedule_of(terms: ScheduleTerms, *, through: date | None = None) -> list[Installment]:
    """The imported schedule as stored, or the level schedule of the terms, as
    ``batch.installments.installments_for`` takes them (docs/adr/0004); with ``through``, only
    the installments due on or before it."""
    if terms.imported_schedule:
        kept = terms.installments
        return kept if through is None else [i for i in kept if i.due_date <= through]
    return level_schedule(
        principal=Money(terms.principal_minor, terms.currency),
        rate=rate_from_micros(terms.annual_rate_micros),
        term_months=terms.term_months,
        first_due_date=terms.first_due_date,
        through=through,
    )


def state_of(
    history: LoanHistory,
    *,
    as_of: date,
    policy: WaterfallPolicy = DEFAULT_POLICY,
    buckets: BucketScheme = DEFAULT_BUCKETS,
    brief: bool = False,
) -> LoanState:
    """The loan's state on ``as_of``: only installments due by then and good payments count.
    ``brief`` keeps only those in ``installments`` (for a view that shows no schedule)."""
    installments = schedule_of(history, through=as_of if brief else None)
    due = [i for i in installments if i.due_date <= as_of]
    good = [(day, amount) for day, amount, ok in history.payments if ok]
    state = delinquency_as_of(
        due_items(due, history.charges, policy),
        good,
        as_of,
        policy=policy,
        buckets=buckets,
        charge_off_date=history.charge_off_date,
    )
    return LoanState(as_of, policy, installments, good, state)


def loan_state(
    uow: UnitOfWork,
    loan_id: int,
    *,
    as_of: date,
    policy: WaterfallPolicy = DEFAULT_POLICY,
    buckets: BucketScheme = DEFAULT_BUCKETS,
    row: Mapping[str, Any] | None = None,
    payments: Sequence[Mapping[str, Any]] | None = None,
    brief: bool = False,
) -> LoanState:
    """``row``: the loan's row, ``payments`` its payment rows, when the caller has read them
    already (each saves a read); ``brief`` as in ``state_of``."""
    history = uow.reads.loan_history(loan_id, row=row, payments=payments)
    if history is None:
        raise NotFoundError(f"no loan with id {loan_id}")
    return state_of(history, as_of=as_of, policy=policy, buckets=buckets, brief=brief)
