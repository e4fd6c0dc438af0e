"""Finding accounts by the ids people use: the lender's loan and borrower numbers."""

from __future__ import annotations

from sqlalchemy import Connection, Label, Table, bindparam, exists, select

from arrears.adapters.db import schema
from arrears.adapters.db.prebuilt import Prebuilt, Read
from arrears.adapters.db.schema_agencies import placements
from arrears.adapters.db.schema_collateral import collateral_cases
from arrears.adapters.db.schema_legal import legal_cases
from arrears.services.ports import RecoveryKinds


def _any_of_loan(table: Table, name: str) -> Label[bool]:
    return exists().where(table.c.loan_id == bindparam("loan_id")).label(name)


_RECOVERY_KINDS = Prebuilt(
    select(
        _any_of_loan(legal_cases, "legal"),
        _any_of_loan(placements, "placements"),
        _any_of_loan(collateral_cases, "collateral"),
    )
)
"""One statement for three questions, built once: every staff account view asks them."""


def recovery_kinds_read(loan_id: int) -> Read:
    """The read of ``recovery_kinds`` (also what an account view prefetches)."""
    return _RECOVERY_KINDS, {"loan_id": loan_id}


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

    def recovery_kinds(self, loan_id: int) -> RecoveryKinds:
        read, parameters = recovery_kinds_read(loan_id)
        ((legal, placements, collateral),) = read.tuples(self.connection, parameters)
        return RecoveryKinds(
            legal=bool(legal), placements=bool(placements), collateral=bool(collateral)
        )
