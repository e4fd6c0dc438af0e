"""The journal in the database: append-only entries and lines, read back as frames.

Entries are written with ids reserved under a table lock so a whole partition's lines can refer
to them in one bulk insert; nothing here updates or deletes a journal row.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
from sqlalchemy import Connection, text

from arrears.adapters.db import schema
from arrears.adapters.db.bulk import BackgroundWrites, insert_frame, lookup

ENTRY_COLUMNS = {
    "ledger_entries.loan_id": pl.Int64,
    "ledger_entries.source": pl.Utf8,
    "ledger_entries.version": pl.Int32,
    "ledger_entries.kind": pl.Utf8,
    "ledger_entries.effective_date": pl.Date,
    "ledger_entries.currency": pl.Utf8,
    "ledger_entries.reverses_version": pl.Int32,
    "ledger_entries.memo": pl.Utf8,
}


class SqlLedgerStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def entries_of(self, loan_ids: list[int]) -> pl.DataFrame:
        return lookup(
            self.connection,
            table="ledger_entries",
            key="loan_id",
            keys=loan_ids,
            columns=ENTRY_COLUMNS,
        )

    def lines_of(self, loan_ids: list[int]) -> pl.DataFrame:
        return lookup(
            self.connection,
            table="ledger_lines",
            key="loan_id",
            keys=loan_ids,
            columns={
                "ledger_lines.loan_id": pl.Int64,
                "ledger_entries.source": pl.Utf8,
                "ledger_entries.version": pl.Int32,
                "ledger_lines.account": pl.Utf8,
                "ledger_lines.amount_minor": pl.Int64,
            },
            extra_sql="JOIN ledger_entries ON ledger_entries.id = ledger_lines.entry_id",
        )

    def append(
        self, entries: pl.DataFrame, lines: pl.DataFrame, *, recorded_at: datetime, run_id: int
    ) -> int:
        """Append entries (ENTRIES frame) and their lines (LINES frame); returns entries written.

        The caller has checked the batch balances (``check_balanced``) before calling.
        """
        with self.appender() as appender:
            written = appender.submit(entries, lines, recorded_at=recorded_at, run_id=run_id)
        return written

    def serialise_postings(self) -> None:
        """Make postings take turns until this transaction ends: a posting must read the
        payments and journal that another posting committed, or it would allocate a payment
        against a stale view (PostgreSQL runs READ COMMITTED; SQLite has one writer anyway).
        It is the lock ``_reserve_ids`` takes to write, taken before reading instead."""
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(text("LOCK TABLE ledger_entries IN EXCLUSIVE MODE"))

    def appender(self) -> LedgerAppender:
        """Appends batch after batch, each written on a worker thread while the caller plans
        the next (``with store.appender() as a: a.submit(...)``)."""
        return LedgerAppender(self)

    def _rows(
        self,
        entries: pl.DataFrame,
        lines: pl.DataFrame,
        first_id: int,
        recorded_at: datetime,
        run_id: int,
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Entries with their reserved ids, and lines pointing at them."""
        with_ids = entries.with_columns(
            pl.int_range(first_id, first_id + entries.height, dtype=pl.Int64).alias("id"),
            pl.lit(recorded_at).alias("recorded_at"),
            pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
        )
        keyed = lines.join(
            with_ids.select(
                "loan_id", "source", "version", pl.col("id").alias("entry_id"), "effective_date"
            ),
            on=["loan_id", "source", "version"],
            how="inner",
        )
        if keyed.height != lines.height:
            raise ValueError("every line must belong to an entry of the same batch")
        return with_ids, keyed.select(
            "entry_id", "loan_id", "account", "amount_minor", "effective_date"
        )

    def _reserve_ids(self, count: int) -> int:
        if self.connection.dialect.name == "postgresql":
            # Held until commit: no other writer can take ids from this range meanwhile.
            self.connection.execute(text("LOCK TABLE ledger_entries IN EXCLUSIVE MODE"))
        current = self.connection.execute(
            text("SELECT COALESCE(MAX(id), 0) FROM ledger_entries")
        ).scalar_one()
        return int(current) + 1

    def _after_reserved(self, last_id: int) -> None:
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(
                text("SELECT setval(pg_get_serial_sequence('ledger_entries', 'id'), :last)"),
                {"last": last_id},
            )

    def balances(self, loan_ids: list[int]) -> pl.DataFrame:
        """Signed balance per loan and account over the whole journal."""
        lines = lookup(
            self.connection,
            table="ledger_lines",
            key="loan_id",
            keys=loan_ids,
            columns={
                "ledger_lines.loan_id": pl.Int64,
                "ledger_lines.account": pl.Utf8,
                "ledger_lines.amount_minor": pl.Int64,
            },
        )
        return lines.group_by("loan_id", "account").agg(pl.col("amount_minor").sum())


class LedgerAppender:
    """Ids are reserved once (under the table lock on PostgreSQL; SQLite has one writer) and
    handed out in order, so each batch's lines can point at their entries in one insert."""

    def __init__(self, store: SqlLedgerStore) -> None:
        self.store = store
        self.writes = BackgroundWrites()
        self.next_id: int | None = None

    def __enter__(self) -> LedgerAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.writes.wait()
        if self.next_id is not None:
            self.store._after_reserved(self.next_id - 1)

    def submit(
        self, entries: pl.DataFrame, lines: pl.DataFrame, *, recorded_at: datetime, run_id: int
    ) -> int:
        self.writes.wait()
        if entries.height == 0:
            return 0
        if self.next_id is None:
            self.next_id = self.store._reserve_ids(0)
        first_id = self.next_id
        self.next_id += entries.height
        entry_rows, line_rows = self.store._rows(entries, lines, first_id, recorded_at, run_id)
        connection = self.store.connection

        def write() -> None:
            insert_frame(connection, schema.ledger_entries, entry_rows)
            insert_frame(connection, schema.ledger_lines, line_rows)

        self.writes.start(write)
        return entries.height

    def wait(self) -> None:
        """Let the last batch finish: the connection is free again afterwards."""
        self.writes.wait()
