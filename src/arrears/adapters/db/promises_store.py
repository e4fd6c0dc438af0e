"""Promises to pay in the database: recorded with their dated amounts, status re-derived."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from arrears.adapters.db.prebuilt import Prebuilt, Read, dicts
from arrears.adapters.db.schema_negotiation import promise_installments, promises
from arrears.domain.money import Money
from arrears.domain.promises import Installment, Promise, PromiseRecord, PromiseStatus

_PROMISES_OF_LOAN = Prebuilt(
    select(promises)
    .where(promises.c.loan_id == bindparam("loan_id"))
    .order_by(promises.c.made_on, promises.c.id)
)


def promises_of_loan(loan_id: int) -> Read:
    """The read of a loan's promises (also what a collector's page prefetches)."""
    return _PROMISES_OF_LOAN, {"loan_id": loan_id}


class SqlPromises:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, promise: Promise, *, contact_id: int | None, created_at: datetime) -> int:
        promise_id = int(
            self.connection.execute(
                insert(promises)
                .values(
                    loan_id=promise.loan_id,
                    made_on=promise.made_on,
                    made_by=promise.made_by,
                    contact_id=contact_id,
                    currency=promise.currency,
                    total_minor=promise.total.minor,
                    status=PromiseStatus.ACTIVE.value,
                    created_at=created_at,
                    updated_at=created_at,
                )
                .returning(promises.c.id)
            ).scalar_one()
        )
        self.connection.execute(
            insert(promise_installments),
            [
                {
                    "promise_id": promise_id,
                    "seq": n,
                    "due_on": i.due_on,
                    "amount_minor": i.amount.minor,
                }
                for n, i in enumerate(sorted(promise.installments, key=lambda i: i.due_on), 1)
            ],
        )
        return promise_id

    def get(self, promise_id: int) -> PromiseRecord | None:
        found = self._load(promises.c.id == promise_id)
        return found[0] if found else None

    def for_loan(self, loan_id: int) -> list[PromiseRecord]:
        """Every account page lists the loan's promises (most loans have none): one prebuilt
        read, a second only when there are some."""
        read, parameters = promises_of_loan(loan_id)
        return self._with_installments(read.rows(self.connection, parameters))

    def in_range(self, first: int, last: int) -> list[PromiseRecord]:
        """Every promise on loans ``first``..``last`` (the cycle re-derives their status)."""
        return self._load(promises.c.loan_id.between(first, last))

    def set_status(
        self,
        promise_id: int,
        *,
        status: PromiseStatus,
        decided_on: date | None,
        evaluated_on: date,
        at: datetime,
    ) -> None:
        self.connection.execute(
            update(promises)
            .where(promises.c.id == promise_id)
            .values(
                status=status.value, decided_on=decided_on, evaluated_on=evaluated_on, updated_at=at
            )
        )

    def _load(self, condition: Any) -> list[PromiseRecord]:
        found = self.connection.execute(
            select(promises).where(condition).order_by(promises.c.made_on, promises.c.id)
        )
        return self._with_installments(dicts(found))

    def _with_installments(self, rows: list[dict[str, Any]]) -> list[PromiseRecord]:
        if not rows:
            return []
        currency = {row["id"]: row["currency"] for row in rows}
        parts: dict[int, list[Installment]] = {promise_id: [] for promise_id in currency}
        for part in self.connection.execute(
            select(promise_installments)
            .where(promise_installments.c.promise_id.in_(list(currency)))
            .order_by(promise_installments.c.promise_id, promise_installments.c.seq)
        ):
            parts[part.promise_id].append(
                Installment(_date(part.due_on), Money(part.amount_minor, currency[part.promise_id]))
            )
        return [_record(row, parts[row["id"]]) for row in rows]


def _record(row: Mapping[str, Any], installments: list[Installment]) -> PromiseRecord:
    status = PromiseStatus(row["status"])
    return PromiseRecord(
        promise=Promise(
            loan_id=row["loan_id"],
            made_on=_date(row["made_on"]),
            made_by=row["made_by"],
            installments=tuple(installments),
            id=row["id"],
            cancelled=status is PromiseStatus.CANCELLED,
        ),
        status=status,
        decided_on=_date(row["decided_on"]) if row["decided_on"] else None,
        evaluated_on=_date(row["evaluated_on"]) if row["evaluated_on"] else None,
        contact_id=row["contact_id"],
    )


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
