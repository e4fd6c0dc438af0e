"""Promises to pay: recording them, and re-deriving kept/broken from payments every day.

A promise is recorded with its dated amounts and audit-logged. The daily cycle re-evaluates
every promise of a partition from the posted payments (``domain.promises.evaluate_promise``)
and writes a status only when it changes, so running a date again changes nothing; a broken
promise makes the account's ``promise`` feature ``broken`` and the strategy's follow-up fires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from arrears.domain.clock import Clock
from arrears.domain.money import Money
from arrears.domain.promises import (
    Installment,
    Paid,
    Promise,
    PromiseEvaluation,
    PromiseRecord,
    PromiseStatus,
    Tolerance,
    evaluate_promise,
)
from arrears.errors import NotFoundError, RuleViolation
from arrears.services.ports import UnitOfWork

#: A promise counts as kept when paid at most $1.00 short and up to 3 days late.
DEFAULT_TOLERANCE = Tolerance(amount_minor=100, grace_days=3)

PROMISE_SCHEMA = {"loan_id": pl.Int64, "promise": pl.Utf8, "promise_on": pl.Date}


@dataclass(frozen=True)
class PromiseRequest:
    loan: str
    amounts: Sequence[tuple[date, str]]  # (due date, amount in major units, e.g. "150.00")
    made_by: str
    made_on: date | None = None  # default today
    contact_id: int | None = None


def add_promise(
    request: PromiseRequest, *, uow_factory: Callable[[], UnitOfWork], clock: Clock
) -> int:
    """Record a promise (one or several dated amounts in the loan's currency)."""
    with uow_factory() as uow:
        loan_id = uow.accounts.loan_id(request.loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {request.loan!r}")
        profile = uow.gate.loan_profile(loan_id)
        assert profile is not None
        try:
            promise = Promise(
                loan_id=loan_id,
                made_on=request.made_on or clock.today(),
                made_by=request.made_by,
                installments=tuple(
                    Installment(due, Money.parse(amount, profile.currency))
                    for due, amount in request.amounts
                ),
            )
        except ValueError as error:
            raise RuleViolation(str(error), rule="promise.terms") from None
        promise_id = uow.promises.add(
            promise, contact_id=request.contact_id, created_at=clock.now()
        )
        uow.audit.record(
            at=clock.now(),
            actor=request.made_by,
            action="promise.made",
            entity_type="loan",
            entity_id=str(loan_id),
            details={
                "promise_id": promise_id,
                "total_minor": promise.total.minor,
                "amounts": [[i.due_on.isoformat(), i.amount.minor] for i in promise.installments],
                "contact_id": request.contact_id,
            },
        )
        uow.commit()
    return promise_id


def promises_of(
    loan: str,
    *,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> list[tuple[PromiseRecord, PromiseEvaluation]]:
    """The loan's promises with their status as of today (derived from payments)."""
    with uow_factory() as uow:
        loan_id = uow.accounts.loan_id(loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {loan!r}")
        records = uow.promises.for_loan(loan_id)
        paid = paid_by_loan(uow.reads.payments([loan_id]), currency=_currency(records)).get(
            loan_id, []
        )
    return promises_with(records, paid, as_of=clock.today(), tolerance=tolerance)


def promises_with(
    records: Sequence[PromiseRecord],
    paid: list[Paid],
    *,
    as_of: date,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> list[tuple[PromiseRecord, PromiseEvaluation]]:
    """Each promise with its status on ``as_of``, given the loan's good payments."""
    return [
        (r, evaluate_promise(r.promise, paid, as_of=as_of, tolerance=tolerance)) for r in records
    ]


def refresh_promises(
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
    """Re-derive the status of every promise on loans ``first``..``last`` as of ``as_of``;
    store and audit changes (never going back past a later evaluation); return per loan the
    status of its latest promise and the day it was made (``promise``, ``promise_on``)."""
    records = uow.promises.in_range(first, last)
    paid = paid_by_loan(
        payments, currency=_currency(records), loans={r.promise.loan_id for r in records}
    )
    latest: dict[int, tuple[str, date]] = {}
    for record in records:
        promise = record.promise
        result = evaluate_promise(
            promise, paid.get(promise.loan_id, []), as_of=as_of, tolerance=tolerance
        )
        if result.status is not PromiseStatus.CANCELLED:
            latest[promise.loan_id] = (result.status.value, promise.made_on)
        if record.evaluated_on is not None and record.evaluated_on > as_of:
            continue
        if (result.status, result.decided_on) == (record.status, record.decided_on):
            continue
        assert promise.id is not None
        uow.promises.set_status(
            promise.id,
            status=result.status,
            decided_on=result.decided_on,
            evaluated_on=as_of,
            at=now,
        )
        uow.audit.record(
            at=now,
            actor=actor,
            action=f"promise.{result.status.value}",
            entity_type="loan",
            entity_id=str(promise.loan_id),
            details={"promise_id": promise.id, "as_of": as_of.isoformat(),
                     "decided_on": result.decided_on.isoformat() if result.decided_on else None},
        )  # fmt: skip
    return pl.DataFrame(
        [(loan, status, made) for loan, (status, made) in latest.items()],
        schema=PROMISE_SCHEMA,
        orient="row",
    )


def paid_by_loan(
    payments: pl.DataFrame, *, currency: str, loans: Iterable[int] | None = None
) -> dict[int, list[Paid]]:
    """Good (posted, not returned) payments per loan as ``Paid`` amounts; only of ``loans``
    when given (the cycle asks for the few loans with promises or plans, not the partition)."""
    good = payments.filter(pl.col("good"))
    if loans is not None:
        good = good.filter(pl.col("loan_id").is_in(sorted(loans)))
    good = good.select("loan_id", "effective_date", "amount_minor")
    found: dict[int, list[Paid]] = {}
    for loan_id, day, amount in good.iter_rows():
        found.setdefault(loan_id, []).append(Paid(day, Money(amount, currency)))
    return found


def _currency(records: Sequence[PromiseRecord]) -> str:
    return records[0].promise.currency if records else "USD"
