"""Repayment plans: an agreed schedule of installments for an amount owed.

A plan schedule is an agreement about *when* money comes, not about where it goes: payments
are still allocated by the ledger's waterfall (``domain.allocation``) and the ledger stays the
record of what is owed. The plan only measures performance: every posted payment on the loan
from the plan's start counts towards its installments (``promises.match_schedule``). Misses
past a configurable number default the plan; paying the whole plan completes it; cancelling
returns the account to the strategy.

Installments are equal or graduated (each period's share grows by ``step_bp`` basis points of
the first one) and split with ``Money.allocate`` so they sum exactly to the amount. For
hardship, interest may be frozen (nothing added) or charged at a reduced annual rate on the
scheduled declining balance, quantised per period with banker's rounding. The concession is
recorded on the plan; the waiver itself is a ledger entry made by the ledger's waiver workflow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from arrears.domain.dates import add_months
from arrears.domain.money import Money
from arrears.domain.promises import Installment, InstallmentResult, Paid, Tolerance, match_schedule


class PlanStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    DEFAULTED = "defaulted"
    CANCELLED = "cancelled"


class PlanShape(StrEnum):
    EQUAL = "equal"
    GRADUATED = "graduated"


class InterestTerms(StrEnum):
    CONTRACT = "contract"  # the contract keeps accruing on the ledger; the plan covers the amount
    FROZEN = "frozen"  # no interest while the plan runs (hardship)
    REDUCED = "reduced"  # a reduced annual rate on the scheduled balance (hardship)


@dataclass(frozen=True, slots=True)
class PlanTerms:
    """What was agreed: the amount, the number of monthly periods, the first due date and how
    the installments are shaped; ``reduced_rate`` is an annual rate (``Decimal("0.05")``)."""

    amount: Money
    periods: int
    first_due_on: date
    shape: PlanShape = PlanShape.EQUAL
    step_bp: int = 0
    interest: InterestTerms = InterestTerms.CONTRACT
    reduced_rate: Decimal | None = None
    max_misses: int = 2

    def __post_init__(self) -> None:
        if self.amount.minor <= 0:
            raise ValueError("a plan needs a positive amount")
        if not 1 <= self.periods <= 120:
            raise ValueError("a plan has between 1 and 120 periods")
        if self.shape is PlanShape.GRADUATED and self.step_bp <= 0:
            raise ValueError("a graduated plan needs a positive step")
        if self.shape is PlanShape.EQUAL and self.step_bp:
            raise ValueError("an equal plan has no step")
        if (self.interest is InterestTerms.REDUCED) != (self.reduced_rate is not None):
            raise ValueError("a reduced rate goes with reduced interest terms, and only then")
        if self.reduced_rate is not None and not Decimal(0) < self.reduced_rate < Decimal(1):
            raise ValueError("the reduced rate is an annual fraction between 0 and 1")
        if self.max_misses < 1:
            raise ValueError("a plan defaults after at least one miss")


@dataclass(frozen=True, slots=True)
class PlanInstallment:
    seq: int
    due_on: date
    principal: Money  # the part of the agreed amount
    interest: Money  # interest at the reduced rate (zero unless reduced)

    @property
    def amount(self) -> Money:
        return self.principal + self.interest


def schedule(terms: PlanTerms) -> list[PlanInstallment]:
    """The installments: monthly from the first due date, parts summing to the amount."""
    weights = [10_000 + i * terms.step_bp for i in range(terms.periods)]
    parts = terms.amount.allocate(weights)
    monthly = (terms.reduced_rate or Decimal(0)) / 12
    outstanding = terms.amount.minor
    result = []
    for seq, part in enumerate(parts, start=1):
        interest = (Decimal(outstanding) * monthly).to_integral_value(rounding=ROUND_HALF_EVEN)
        result.append(
            PlanInstallment(
                seq=seq,
                due_on=add_months(terms.first_due_on, seq - 1),
                principal=part,
                interest=Money(int(interest), terms.amount.currency),
            )
        )
        outstanding -= part.minor
    return result


@dataclass(frozen=True, slots=True)
class PlanEvaluation:
    status: PlanStatus
    misses: int
    paid: Money
    results: tuple[InstallmentResult, ...]


def evaluate_plan(
    installments: Iterable[PlanInstallment],
    payments: Iterable[Paid],
    *,
    starts_on: date,
    as_of: date,
    max_misses: int,
    tolerance: Tolerance,
    cancelled: bool = False,
) -> PlanEvaluation:
    """Completed once everything is paid; defaulted at ``max_misses`` missed installments."""
    planned = [Installment(i.due_on, i.amount) for i in installments]
    counted = [p for p in payments if starts_on <= p.on <= as_of]
    currency = planned[0].amount.currency
    paid = Money(sum(p.amount.minor for p in counted), currency)
    results = tuple(
        match_schedule(planned, counted, since=starts_on, as_of=as_of, tolerance=tolerance)
    )
    misses = sum(1 for r in results if r.kept is False)
    total = sum(i.amount.minor for i in planned)
    if cancelled:
        status = PlanStatus.CANCELLED
    elif paid.minor >= total - tolerance.amount_minor:
        status = PlanStatus.COMPLETED
    elif misses >= max_misses:
        status = PlanStatus.DEFAULTED
    else:
        status = PlanStatus.ACTIVE
    return PlanEvaluation(status, misses, paid, results)


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """A stored plan: what was agreed, its schedule and its last evaluated status."""

    loan_id: int
    starts_on: date
    terms: PlanTerms
    installments: tuple[PlanInstallment, ...]
    status: PlanStatus
    created_by: str
    misses: int = 0
    paid: Money | None = None
    evaluated_on: date | None = None
    id: int | None = None

    @property
    def total(self) -> Money:
        return Money(sum(i.amount.minor for i in self.installments), self.terms.amount.currency)
