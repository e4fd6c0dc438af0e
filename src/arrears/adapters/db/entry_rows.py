"""Scalar journal entries written as rows, each with its lines as amount columns
(``journal_columns``): one multi-row ``INSERT`` in the caller's transaction.

A posting of a few loans appends a handful of entries; ``COPY`` on a writer thread (the batch
path, ``ledger_store.LedgerAppender``) costs more than the rows. The statements are built once
per number of rows (a payment appends one or two entries, so few shapes are in use) as text
with typed parameters: SQLAlchemy never caches the compiled form of an ``insert().values()``
of several rows (about 0.6 ms to compile each time), but does a text statement's. The types
keep what the table's columns do (``recorded_at`` in UTC, dates as SQLite stores them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table, TextClause, bindparam, text

from arrears.adapters.db import schema as t
from arrears.adapters.db.journal_columns import ACCOUNTS, no_line
from arrears.adapters.db.journal_columns import COLUMNS as AMOUNT_COLUMNS
from arrears.ledger.entries import Entry

_ENTRY_COLUMNS = (
    "id", "loan_id", "source", "version", "kind", "effective_date", "currency",
    "reverses_version", "memo", "recorded_at", "run_id", *AMOUNT_COLUMNS,
)  # fmt: skip
_ROWS_PER_STATEMENT = 1_000
"""Rows of one statement at most: 28,000 parameters, within SQLite's 32,766 and PostgreSQL's
65,535 (only a first posting of several long loans writes more)."""


def insert_entries(
    connection: Connection,
    entries: Sequence[Entry],
    *,
    ids: Sequence[int],
    recorded_at: datetime,
    run_id: int,
) -> None:
    """Insert ``entries`` with ``ids`` (one each, in order), lines as amount columns (checked
    by ``check_batch``: one line per account at most)."""
    none = no_line(connection.dialect.name)
    entry_rows: list[tuple[Any, ...]] = []
    for entry, entry_id in zip(entries, ids, strict=True):
        version = int(entry.key.rsplit(":", 1)[1])
        reverses = None if entry.reverses is None else int(entry.reverses.rsplit(":", 1)[1])
        amounts = {line.account: line.amount_minor for line in entry.lines}
        entry_rows.append(
            (entry_id, entry.loan_id, entry.source, version, entry.kind.value,
             entry.effective_date, entry.currency, reverses, entry.memo, recorded_at, run_id,
             *(amounts.get(account, none) for account in ACCOUNTS))
        )  # fmt: skip
    _insert(connection, t.ledger_entries, _ENTRY_COLUMNS, entry_rows)


def _insert(
    connection: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        params = {
            f"{name}_{n}": value
            for n, row in enumerate(chunk)
            for name, value in zip(columns, row, strict=True)
        }
        connection.execute(_statement(table, columns, len(chunk)), params)


@lru_cache(maxsize=64)
def _statement(table: Table, columns: tuple[str, ...], rows: int) -> TextClause:
    """``INSERT INTO table (columns) VALUES (...), (...)`` for ``rows`` rows, parameters named
    ``<column>_<row>`` and typed as their columns."""
    names = [[f"{name}_{n}" for name in columns] for n in range(rows)]
    values = ", ".join("(" + ", ".join(f":{name}" for name in row) + ")" for row in names)
    statement = text(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {values}")
    return statement.bindparams(
        *(
            bindparam(name, type_=table.c[column].type)
            for row in names
            for name, column in zip(row, columns, strict=True)
        )
    )
