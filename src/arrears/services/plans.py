"""Repayment plans: agreeing, showing and cancelling them, and following them every day.

A plan is created with its schedule (``domain.plans.schedule``) and audit-logged; only one
active plan per loan. The daily cycle re-derives each plan's status from the posted payments
since it started (completed, defaulted after ``max_misses`` misses, else active) and stores
changes only, so a date run twice changes nothing. Cancelling a plan ends it and the account
goes back to the strategy (its ``plan`` feature becomes ``none``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import polars as pl

from arrears.domain.clock import Clock
from arrears.domain.money import Money
from arrears.domain.plans import (
    InterestTerms,
    PlanEvaluation,
    PlanRecord,
    PlanShape,
    PlanStatus,
    PlanTerms,
    evaluate_plan,
    schedule,
)
from arrears.domain.promises import Paid, Tolerance
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services.ports import UnitOfWork
from arrears.services.promises import DEFAULT_TOLERANCE, paid_by_loan

PLAN_SCHEMA = {"loan_id": pl.Int64, "plan": pl.Utf8}


@dataclass(frozen=True)
class PlanRequest:
    loan: str
    amount: str  # in major units of the loan's currency, e.g. "900.00"
    periods: int
    first_due_on: date
    created_by: str
    shape: PlanShape = PlanShape.EQUAL
    step_bp: int = 0
    interest: InterestTerms = InterestTerms.CONTRACT
    reduced_rate: Decimal | None = None
    max_misses: int = 2


def create_plan(
    request: PlanRequest, *, uow_factory: Callable[[], UnitOfWork], clock: Clock
) -> int:
    """Agree a plan on a loan that has no active plan; returns its id."""
    with uow_factory() as uow:
        loan_id = uow.accounts.loan_id(request.loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {request.loan!r}")
        if any(p.status is PlanStatus.ACTIVE for p in uow.plans.for_loan(loan_id)):
            raise ConflictError(f"loan {request.loan} already has an active plan")
        profile = uow.gate.loan_profile(loan_id)
        assert profile is not None
        try:
            terms = PlanTerms(
                amount=Money.parse(request.amount, profile.currency),
                periods=request.periods,
                first_due_on=request.first_due_on,
                shape=request.shape,
                step_bp=request.step_bp,
                interest=request.interest,
                reduced_rate=request.reduced_rate,
                max_misses=request.max_misses,
            )
        except ValueError as error:
            raise RuleViolation(str(error), rule="plan.terms") from None
        if terms.first_due_on < clock.today():
            raise RuleViolation("the first installment cannot be in the past", rule="plan.terms")
        plan = PlanRecord(
            loan_id=loan_id,
            starts_on=clock.today(),
            terms=terms,
            installments=tuple(schedule(terms)),
            status=PlanStatus.ACTIVE,
            created_by=request.created_by,
        )
        plan_id = uow.plans.add(plan, created_at=clock.now())
        uow.audit.record(
            at=clock.now(),
            actor=request.created_by,
            action="plan.created",
            entity_type="loan",
            entity_id=str(loan_id),
            details={
                "plan_id": plan_id,
                "amount_minor": terms.amount.minor,
                "total_minor": plan.total.minor,
                "periods": terms.periods,
                "shape": terms.shape.value,
                "interest": terms.interest.value,
                "reduced_rate": str(terms.reduced_rate) if terms.reduced_rate else None,
                "first_due_on": terms.first_due_on.isoformat(),
            },
        )
        uow.commit()
    return plan_id


def cancel_plan(
    plan_id: int, *, by: str, reason: str, uow_factory: Callable[[], UnitOfWork], clock: Clock
) -> PlanRecord:
    """Cancel an active plan: the account returns to the strategy."""
    if not reason.strip():
        raise RuleViolation("cancelling a plan needs a reason", rule="plan.cancel")
    with uow_factory() as uow:
        plan = uow.plans.get(plan_id)
        if plan is None:
            raise NotFoundError(f"no plan {plan_id}")
        if plan.status is not PlanStatus.ACTIVE:
            raise ConflictError(f"plan {plan_id} is {plan.status.value}, not active")
        uow.plans.cancel(plan_id, by=by, reason=reason.strip(), at=clock.now())
        uow.audit.record(
            at=clock.now(),
            actor=by,
            action="plan.cancelled",
            entity_type="loan",
            entity_id=str(plan.loan_id),
            details={"plan_id": plan_id, "reason": reason.strip()},
        )
        uow.commit()
    return plan


def show_plans(
    loan: str,
    *,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> list[tuple[PlanRecord, PlanEvaluation]]:
    """The loan's plans with their performance as of today."""
    with uow_factory() as uow:
        loan_id = uow.accounts.loan_id(loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {loan!r}")
        plans = uow.plans.for_loan(loan_id)
        currency = plans[0].terms.amount.currency if plans else "USD"
        paid = paid_by_loan(uow.reads.payments([loan_id]), currency=currency).get(loan_id, [])
    return plans_with(plans, paid, as_of=clock.today(), tolerance=tolerance)


def plans_with(
    plans: Sequence[PlanRecord],
    paid: list[Paid],
    *,
    as_of: date,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> list[tuple[PlanRecord, PlanEvaluation]]:
    """Each plan with its performance on ``as_of``, given the loan's good payments."""
    return [(plan, _evaluate(plan, paid, as_of=as_of, tolerance=tolerance)) for plan in plans]


def refresh_plans(
    uow: UnitOfWork,
    *,
    first: int,
    last: int,
    payments: pl.DataFrame,
    as_of: date,
    tolerance: Tolerance,
    now: datetime,
    actor: str = "cycle",
) -> pl.DataFrame:
    """Re-derive every plan's status on loans ``first``..``last``; store and audit changes;
    return per loan the status of its latest plan (cancelled reads as ``none``)."""
    plans = uow.plans.in_range(first, last)
    currency = plans[0].terms.amount.currency if plans else "USD"
    paid = paid_by_loan(payments, currency=currency, loans={plan.loan_id for plan in plans})
    latest: dict[int, str] = {}
    for plan in plans:
        result = _evaluate(plan, paid.get(plan.loan_id, []), as_of=as_of, tolerance=tolerance)
        latest[plan.loan_id] = (
            "none" if result.status is PlanStatus.CANCELLED else result.status.value
        )
        stale = plan.evaluated_on is not None and plan.evaluated_on > as_of
        unchanged = (result.status, result.misses, result.paid) == (
            plan.status,
            plan.misses,
            plan.paid,
        )
        if stale or unchanged or plan.status is PlanStatus.CANCELLED:
            continue
        assert plan.id is not None
        uow.plans.set_status(
            plan.id, status=result.status, misses=result.misses, paid_minor=result.paid.minor,
            evaluated_on=as_of, at=now,
        )  # fmt: skip
        if result.status is not plan.status:
            uow.audit.record(
                at=now,
                actor=actor,
                action=f"plan.{result.status.value}",
                entity_type="loan",
                entity_id=str(plan.loan_id),
                details={"plan_id": plan.id, "as_of": as_of.isoformat(), "misses": result.misses},
            )
    return pl.DataFrame(list(latest.items()), schema=PLAN_SCHEMA, orient="row")


def _evaluate(
    plan: PlanRecord, paid: list[Paid], *, as_of: date, tolerance: Tolerance
) -> PlanEvaluation:
    return evaluate_plan(
        plan.installments,
        paid,
        starts_on=plan.starts_on,
        as_of=as_of,
        max_misses=plan.terms.max_misses,
        tolerance=tolerance,
        cancelled=plan.status is PlanStatus.CANCELLED,
    )
