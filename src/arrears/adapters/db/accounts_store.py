"""Finding accounts by the ids people use: the lender's loan and borrower numbers."""

from __future__ import annotations

from sqlalchemy import Connection, select

from arrears.adapters.db import schema


class SqlAccounts:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def loan_id(self, external_id: str) -> int | None:
        found = self.connection.execute(
            select(schema.loans.c.id).where(schema.loans.c.external_id == external_id)
        ).scalar_one_or_none()
        return int(found) if found is not None else None

    def borrower_id(self, external_id: str) -> int | None:
        found = self.connection.execute(
            select(schema.borrowers.c.id).where(schema.borrowers.c.external_id == external_id)
        ).scalar_one_or_none()
        return int(found) if found is not None else None
