"""Credits (non-import payments, waivers, write-offs, proceeds) and assessed charges."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from arrears.adapters.db import schema


class SqlCredits:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def credit_by_key(self, key: str) -> dict[str, Any] | None:
        row = self.connection.execute(
            select(schema.payments).where(schema.payments.c.external_id == key)
        ).one_or_none()
        return row._asdict() if row else None

    def add_credit(
        self,
        *,
        key: str,
        loan_id: int,
        kind: str,
        amount_minor: int,
        effective_date: date,
        reason: str,
        source: str,
        at: datetime,
    ) -> int:
        method = "agency" if kind == "agency" else ("other" if kind != "payment" else "ach")
        result = self.connection.execute(
            insert(schema.payments)
            .values(
                external_id=key,
                loan_id=loan_id,
                amount_minor=amount_minor,
                effective_date=effective_date,
                method=method,
                status="posted",
                return_reason="",
                source=source,
                credit_kind=kind,
                reason=reason[:200],
                received_at=at,
            )
            .returning(schema.payments.c.id)
        )
        return int(result.scalar_one())

    def charge_by_key(self, loan_id: int, key: str) -> dict[str, Any] | None:
        row = self.connection.execute(
            select(schema.charges).where(
                schema.charges.c.loan_id == loan_id, schema.charges.c.key == key
            )
        ).one_or_none()
        return row._asdict() if row else None

    def add_charge(
        self,
        *,
        loan_id: int,
        key: str,
        component: str,
        amount_minor: int,
        assessed_on: date,
        reason: str,
        at: datetime,
    ) -> int:
        result = self.connection.execute(
            insert(schema.charges)
            .values(
                loan_id=loan_id,
                key=key,
                component=component,
                amount_minor=amount_minor,
                assessed_on=assessed_on,
                reason=reason[:200],
                created_at=at,
            )
            .returning(schema.charges.c.id)
        )
        return int(result.scalar_one())

    def loan_exists(self, loan_id: int) -> bool:
        found = self.connection.execute(
            select(schema.loans.c.id).where(schema.loans.c.id == loan_id)
        ).scalar_one_or_none()
        return found is not None
