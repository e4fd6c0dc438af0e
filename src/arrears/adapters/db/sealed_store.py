"""The sealed sensitive fields (``borrowers.ssn_sealed``, ``borrowers.dob_sealed``) as key
rotation reads and re-writes them (``services.keys``).

A stored value is ``<key id>$<sealed bytes>``; "not on the newest key" is a prefix test, done in
the database so a rotation reads only what it has to change.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Column, ColumnElement, Connection, and_, func, or_, select, update

from arrears.adapters.db import schema
from arrears.services.keys import SealedRow

_BATCH = 10_000


class SqlSealedFields:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def values_by_key(self) -> dict[str, int]:
        """How many values each key seals (read as a stream: memory does not grow)."""
        b = schema.borrowers
        counts: Counter[str] = Counter()
        result = self.connection.execute(
            select(b.c.ssn_sealed, b.c.dob_sealed).execution_options(yield_per=_BATCH)
        )
        for ssn, dob in result:
            counts.update(value.partition("$")[0] for value in (ssn, dob) if value)
        return dict(sorted(counts.items()))

    def stale(self, *, current: str, after_id: int, limit: int) -> list[SealedRow]:
        """Borrowers after ``after_id`` with a value not sealed with ``current``, by id."""
        b = schema.borrowers
        prefix = f"{current}$"

        def old(column: Column[str]) -> ColumnElement[bool]:
            return and_(column.is_not(None), func.substr(column, 1, len(prefix)) != prefix)

        rows = self.connection.execute(
            select(b.c.id, b.c.ssn_sealed, b.c.dob_sealed)
            .where(b.c.id > after_id, or_(old(b.c.ssn_sealed), old(b.c.dob_sealed)))
            .order_by(b.c.id)
            .limit(limit)
        ).all()
        return [SealedRow(int(r.id), r.ssn_sealed, r.dob_sealed) for r in rows]

    def reseal(self, old: SealedRow, new: SealedRow) -> bool:
        """Write ``new`` unless the row changed since ``old`` was read (False: left alone)."""
        b = schema.borrowers
        result = self.connection.execute(
            update(b)
            .where(
                b.c.id == old.id,
                b.c.ssn_sealed.is_(None) if old.ssn is None else b.c.ssn_sealed == old.ssn,
                b.c.dob_sealed.is_(None) if old.dob is None else b.c.dob_sealed == old.dob,
            )
            .values(ssn_sealed=new.ssn, dob_sealed=new.dob)
        )
        return result.rowcount == 1
