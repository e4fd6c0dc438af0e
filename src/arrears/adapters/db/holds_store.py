"""Holds in the database: placed, ended (never deleted), read per account or per partition."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, bindparam, insert, or_, select, text, update

from arrears.adapters.db import schema
from arrears.adapters.db.bulk import frame_from_rows
from arrears.adapters.db.prebuilt import Prebuilt, Read
from arrears.adapters.db.schema_cycle import holds as holds_table
from arrears.domain.holds import Hold, HoldKind

_HOLDS_COVERING_LOAN = Prebuilt(
    select(holds_table)
    .where(
        or_(
            holds_table.c.loan_id == bindparam("loan_id"),
            holds_table.c.borrower_id.in_(bindparam("borrower_ids", expanding=True)),
        )
    )
    .order_by(holds_table.c.starts_on, holds_table.c.id)
)
"""A loan's own holds and its borrowers', built once: every account view reads them."""


def covering_loan(loan_id: int, borrower_ids: list[int]) -> Read:
    """The read of a loan's holds and its borrowers' (also what an account view prefetches)."""
    return _HOLDS_COVERING_LOAN, {"loan_id": loan_id, "borrower_ids": borrower_ids}


class SqlHolds:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, hold: Hold, *, created_at: datetime) -> int:
        result = self.connection.execute(
            insert(holds_table)
            .values(
                loan_id=hold.loan_id,
                borrower_id=hold.borrower_id,
                kind=hold.kind.value,
                starts_on=hold.starts_on,
                ends_on=hold.ends_on,
                set_by=hold.set_by,
                reason=hold.reason,
                details=json.dumps(hold.details, sort_keys=True),
                created_at=created_at,
            )
            .returning(holds_table.c.id)
        )
        return int(result.scalar_one())

    def get(self, hold_id: int) -> Hold | None:
        row = self.connection.execute(
            select(holds_table).where(holds_table.c.id == hold_id)
        ).one_or_none()
        return _hold(dict(row._mapping)) if row else None

    def end(self, hold_id: int, *, ends_on: date, ended_by: str, ended_at: datetime) -> None:
        self.connection.execute(
            update(holds_table)
            .where(holds_table.c.id == hold_id)
            .values(ends_on=ends_on, ended_by=ended_by, ended_at=ended_at)
        )

    def for_loan(self, loan_id: int, *, borrower_ids: list[int] | None = None) -> list[Hold]:
        """The loan's own holds and its borrowers' (a borrower hold covers every loan).
        ``borrower_ids``, when the caller has the loan's row already, saves reading them."""
        if borrower_ids is None:
            loan = self.connection.execute(
                select(schema.loans.c.borrower_id, schema.loans.c.co_borrower_id).where(
                    schema.loans.c.id == loan_id
                )
            ).one()
            borrower_ids = [b for b in (loan.borrower_id, loan.co_borrower_id) if b is not None]
        read, parameters = covering_loan(loan_id, borrower_ids)
        return [_hold(row) for row in read.rows(self.connection, parameters)]

    def active_frame(self, *, first_loan_id: int, last_loan_id: int, on: date) -> pl.DataFrame:
        """(loan_id, hold_id, kind) for every hold in force on ``on`` over a loan-id range,
        borrower holds expanded to each of the borrower's loans (and co-borrowed loans)."""
        sql = """
            SELECT l.id, h.id, h.kind FROM holds h
            JOIN loans l ON l.id = h.loan_id
            WHERE l.id BETWEEN :first AND :last
              AND h.starts_on <= :on AND (h.ends_on IS NULL OR h.ends_on >= :on)
            UNION ALL
            SELECT l.id, h.id, h.kind FROM holds h
            JOIN loans l ON l.borrower_id = h.borrower_id OR l.co_borrower_id = h.borrower_id
            WHERE h.loan_id IS NULL AND l.id BETWEEN :first AND :last
              AND h.starts_on <= :on AND (h.ends_on IS NULL OR h.ends_on >= :on)
        """
        rows = self.connection.execute(
            text(sql), {"first": first_loan_id, "last": last_loan_id, "on": on}
        ).fetchall()
        return frame_from_rows(rows, {"loan_id": pl.Int64, "hold_id": pl.Int64, "kind": pl.Utf8})


def _hold(row: Mapping[str, Any]) -> Hold:
    return Hold(
        kind=HoldKind(row["kind"]),
        starts_on=_date(row["starts_on"]),
        ends_on=_date(row["ends_on"]) if row["ends_on"] else None,
        set_by=row["set_by"],
        reason=row["reason"],
        loan_id=row["loan_id"],
        borrower_id=row["borrower_id"],
        id=row["id"],
        details=json.loads(row["details"]),
        created_at=row["created_at"],
    )


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
