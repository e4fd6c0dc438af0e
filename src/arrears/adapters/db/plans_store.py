"""Repayment plans in the database: terms, schedule, status (re-derived daily), cancellation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from arrears.adapters.db.prebuilt import Prebuilt, Read, dicts
from arrears.adapters.db.schema_negotiation import plan_installments, plans
from arrears.domain.money import Money
from arrears.domain.plans import (
    InterestTerms,
    PlanInstallment,
    PlanRecord,
    PlanShape,
    PlanStatus,
    PlanTerms,
)

_MICROS = Decimal(1_000_000)


_PLANS_OF_LOAN = Prebuilt(
    select(plans)
    .where(plans.c.loan_id == bindparam("loan_id"))
    .order_by(plans.c.starts_on, plans.c.id)
)
"""Every account page lists the loan's plans (most loans have none): built once."""


def plans_of_loan(loan_id: int) -> Read:
    """The read of a loan's plans (also what an account page prefetches)."""
    return _PLANS_OF_LOAN, {"loan_id": loan_id}


class SqlPlans:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, plan: PlanRecord, *, created_at: datetime) -> int:
        terms = plan.terms
        rate = terms.reduced_rate
        plan_id = int(
            self.connection.execute(
                insert(plans)
                .values(
                    loan_id=plan.loan_id,
                    starts_on=plan.starts_on,
                    currency=terms.amount.currency,
                    amount_minor=terms.amount.minor,
                    periods=terms.periods,
                    first_due_on=terms.first_due_on,
                    shape=terms.shape.value,
                    step_bp=terms.step_bp,
                    interest=terms.interest.value,
                    reduced_rate_micros=int(rate * _MICROS) if rate is not None else None,
                    max_misses=terms.max_misses,
                    status=plan.status.value,
                    misses=0,
                    paid_minor=0,
                    created_by=plan.created_by,
                    created_at=created_at,
                    updated_at=created_at,
                )
                .returning(plans.c.id)
            ).scalar_one()
        )
        self.connection.execute(
            insert(plan_installments),
            [
                {
                    "plan_id": plan_id,
                    "seq": i.seq,
                    "due_on": i.due_on,
                    "principal_minor": i.principal.minor,
                    "interest_minor": i.interest.minor,
                }
                for i in plan.installments
            ],
        )
        return plan_id

    def get(self, plan_id: int) -> PlanRecord | None:
        found = self._load(plans.c.id == plan_id)
        return found[0] if found else None

    def for_loan(self, loan_id: int) -> list[PlanRecord]:
        read, parameters = plans_of_loan(loan_id)
        return self._with_installments(read.rows(self.connection, parameters))

    def in_range(self, first: int, last: int) -> list[PlanRecord]:
        return self._load(plans.c.loan_id.between(first, last))

    def set_status(
        self,
        plan_id: int,
        *,
        status: PlanStatus,
        misses: int,
        paid_minor: int,
        evaluated_on: date,
        at: datetime,
    ) -> None:
        self.connection.execute(
            update(plans)
            .where(plans.c.id == plan_id)
            .values(
                status=status.value,
                misses=misses,
                paid_minor=paid_minor,
                evaluated_on=evaluated_on,
                updated_at=at,
            )
        )

    def cancel(self, plan_id: int, *, by: str, reason: str, at: datetime) -> None:
        self.connection.execute(
            update(plans)
            .where(plans.c.id == plan_id)
            .values(
                status=PlanStatus.CANCELLED.value,
                cancelled_by=by,
                cancel_reason=reason[:300],
                updated_at=at,
            )
        )

    def _load(self, condition: Any) -> list[PlanRecord]:
        found = self.connection.execute(
            select(plans).where(condition).order_by(plans.c.starts_on, plans.c.id)
        )
        return self._with_installments(dicts(found))

    def _with_installments(self, rows: list[dict[str, Any]]) -> list[PlanRecord]:
        if not rows:
            return []
        currency = {row["id"]: row["currency"] for row in rows}
        parts: dict[int, list[PlanInstallment]] = {plan_id: [] for plan_id in currency}
        for part in self.connection.execute(
            select(plan_installments)
            .where(plan_installments.c.plan_id.in_(list(currency)))
            .order_by(plan_installments.c.plan_id, plan_installments.c.seq)
        ):
            money = currency[part.plan_id]
            parts[part.plan_id].append(
                PlanInstallment(
                    seq=part.seq,
                    due_on=_date(part.due_on),
                    principal=Money(part.principal_minor, money),
                    interest=Money(part.interest_minor, money),
                )
            )
        return [_record(row, parts[row["id"]]) for row in rows]


def _record(row: Mapping[str, Any], installments: list[PlanInstallment]) -> PlanRecord:
    rate = (
        Decimal(row["reduced_rate_micros"]) / _MICROS
        if row["reduced_rate_micros"] is not None
        else None
    )
    return PlanRecord(
        loan_id=row["loan_id"],
        starts_on=_date(row["starts_on"]),
        terms=PlanTerms(
            amount=Money(row["amount_minor"], row["currency"]),
            periods=row["periods"],
            first_due_on=_date(row["first_due_on"]),
            shape=PlanShape(row["shape"]),
            step_bp=row["step_bp"],
            interest=InterestTerms(row["interest"]),
            reduced_rate=rate,
            max_misses=row["max_misses"],
        ),
        installments=tuple(installments),
        status=PlanStatus(row["status"]),
        created_by=row["created_by"],
        misses=row["misses"],
        paid=Money(row["paid_minor"], row["currency"]),
        evaluated_on=_date(row["evaluated_on"]) if row["evaluated_on"] else None,
        id=row["id"],
    )


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
