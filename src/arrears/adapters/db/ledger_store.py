"""The journal in the database: append-only entries, each with its lines as amount columns
(``journal_columns``, docs/adr/0017), read back as frames of entries and of lines.

Entries are written with ids reserved before the insert (the ids of a posting of many loans are
one range, taken once); nothing here updates or deletes a journal row.

On PostgreSQL a posting of a few loans locks just those loans (an advisory lock per loan, and
the journal table in ROW EXCLUSIVE mode, which such postings share) and draws its entries' ids
from the sequence; a posting of many loans locks the journal table in EXCLUSIVE mode, which
waits for the small postings in flight and keeps new ones out, and then takes one range of ids
(docs/adr/0007).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import polars as pl
from sqlalchemy import Connection, text

from arrears.adapters.db import schema
from arrears.adapters.db.bulk import BackgroundWrites, insert_frame, lookup
from arrears.adapters.db.entry_rows import insert_entries
from arrears.adapters.db.journal_columns import COLUMNS as AMOUNT_COLUMNS
from arrears.adapters.db.journal_columns import lines_of as lines_from_columns
from arrears.adapters.db.journal_columns import pivot
from arrears.ledger.entries import Entry
from arrears.services.ports import StartWrite

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


PER_LOAN_LOCKS = 32
"""A posting of at most this many loans locks them one by one on PostgreSQL; more lock the
whole journal (every advisory lock takes a slot in the server's shared lock table)."""
_POSTING_LOCK = 0x1ED6E2
"""First key of a loan's posting lock (advisory, PostgreSQL); the loan id is the second."""
_HELD = "arrears.ledger_locks"
_SEQUENCE = "pg_get_serial_sequence('ledger_entries', 'id')"
_DRAW = text(f"SELECT nextval({_SEQUENCE}) FROM generate_series(1, :count)")


@dataclass
class _Held:
    """The journal locks the current transaction holds (a store is made per use, so this lives
    on the connection, for the transaction it was taken in)."""

    transaction: object
    table: bool = False  # EXCLUSIVE: this transaction posts alone
    shared: bool = False  # ROW EXCLUSIVE, with per-loan locks
    loans: set[int] = field(default_factory=set)


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
        """The lines of the loans' entries: loan, source, version, account, amount."""
        entries = lookup(
            self.connection,
            table="ledger_entries",
            key="loan_id",
            keys=loan_ids,
            columns={
                "ledger_entries.loan_id": pl.Int64,
                "ledger_entries.source": pl.Utf8,
                "ledger_entries.version": pl.Int32,
                **{f"ledger_entries.{name}": pl.Int64 for name in AMOUNT_COLUMNS},
            },
        )
        return lines_from_columns(entries, ["loan_id", "source", "version"])

    def append(
        self, entries: pl.DataFrame, lines: pl.DataFrame, *, recorded_at: datetime, run_id: int
    ) -> int:
        """Append entries (ENTRIES frame) and their lines (LINES frame); returns entries written.

        The caller has checked the batch balances (``check_balanced``) before calling.
        """
        with self.appender() as appender:
            written = appender.submit(entries, lines, recorded_at=recorded_at, run_id=run_id)
        return written

    def append_entries(
        self, entries: Sequence[Entry], *, recorded_at: datetime, run_id: int
    ) -> int:
        """Append scalar entries (and their lines) in the caller's transaction, in the order
        given, with ids taken as ``LedgerAppender`` takes them: drawn from the sequence in a
        posting of a few loans on PostgreSQL, otherwise a range reserved past the journal.
        Returns the entries written. The caller has checked them (``check_batch``)."""
        if not entries:
            return 0
        if self._draws_ids():
            ids = self._draw(len(entries))
        else:
            first = self._reserve_ids()
            ids = list(range(first, first + len(entries)))
            self._after_reserved(ids[-1])
        insert_entries(self.connection, entries, ids=ids, recorded_at=recorded_at, run_id=run_id)
        return len(entries)

    def serialise_postings(self, loan_ids: Collection[int]) -> None:
        """Until this transaction ends, postings of these loans take turns with it: a posting
        must read the payments and journal that another posting of the loan committed, or it
        would allocate a payment against a stale view (PostgreSQL runs READ COMMITTED; SQLite
        has one writer anyway). Called before reading.

        A few loans are locked one by one (ascending, so two postings never each hold a loan
        the other waits for), after the journal table in ROW EXCLUSIVE mode: postings of other
        loans go on at the same time, but a posting of many loans, which locks the table
        EXCLUSIVE, waits for them and keeps new ones out while it reads and writes."""
        if self.connection.dialect.name != "postgresql":
            return
        held = self._held()
        if held.table:
            return
        if len(loan_ids) > PER_LOAN_LOCKS:
            self._lock_table(held)
            return
        loans = sorted({int(i) for i in loan_ids} - held.loans)
        if len(held.loans) + len(loans) > PER_LOAN_LOCKS:
            self._lock_table(held)
            return
        if not held.shared:
            self.connection.execute(text("LOCK TABLE ledger_entries IN ROW EXCLUSIVE MODE"))
            held.shared = True
        for loan in loans:
            self.connection.execute(
                text("SELECT pg_advisory_xact_lock(:kind, :loan)"),
                {"kind": _POSTING_LOCK, "loan": loan % 2**31},
            )
            held.loans.add(loan)

    def _held(self) -> _Held:
        transaction = self.connection.get_transaction()
        if transaction is None:  # not begun yet: begin now, so the locks have one to belong to
            transaction = self.connection.begin()
        held = self.connection.info.get(_HELD)
        if not isinstance(held, _Held) or held.transaction is not transaction:
            held = _Held(transaction)
            self.connection.info[_HELD] = held
        return held

    def _lock_table(self, held: _Held) -> None:
        """Held until commit: no other posting runs, and no one else draws ids meanwhile (every
        other writer holds at least ROW EXCLUSIVE while it draws)."""
        self.connection.execute(text("LOCK TABLE ledger_entries IN EXCLUSIVE MODE"))
        held.table = True

    def appender(self) -> LedgerAppender:
        """Appends batch after batch, each written on a worker thread while the caller plans
        the next (``with store.appender() as a: a.submit(...)``)."""
        return LedgerAppender(self)

    def _rows(
        self,
        entries: pl.DataFrame,
        lines: pl.DataFrame,
        ids: np.ndarray,
        recorded_at: datetime,
        run_id: int,
    ) -> pl.DataFrame:
        """Entries with their reserved ids and their lines as amount columns."""
        dialect = self.connection.dialect.name
        return entries.with_columns(
            pl.Series("id", ids, dtype=pl.Int64),
            pl.lit(recorded_at).alias("recorded_at"),
            pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
            *pivot(entries, lines, on=["loan_id", "source", "version"], dialect=dialect),
        )

    def _draws_ids(self) -> bool:
        """Whether this transaction draws ids from the sequence batch by batch (a posting of a
        few loans) rather than taking one range of them under the table lock."""
        if self.connection.dialect.name != "postgresql":
            return False
        held = self._held()
        return held.shared and not held.table

    def _drawn_ids(self, count: int) -> np.ndarray:
        """``count`` fresh ids, ascending, from the sequence: each ``nextval`` is atomic, so
        postings at once get different ids without waiting for each other (not contiguous,
        which nothing needs)."""
        return np.array(self._draw(count), dtype=np.int64)

    def _draw(self, count: int) -> list[int]:
        """``_drawn_ids`` as plain integers, ascending."""
        return sorted(int(i) for i in self.connection.execute(_DRAW, {"count": count}).scalars())

    def _reserve_ids(self) -> int:
        """The first id of a range this transaction may use alone: on PostgreSQL under the
        table lock (held until commit), past everything the sequence has handed out and
        everything written; ``_after_reserved`` moves the sequence past the range."""
        if self.connection.dialect.name != "postgresql":
            current = self.connection.execute(
                text("SELECT COALESCE(MAX(id), 0) FROM ledger_entries")
            ).scalar_one()
            return int(current) + 1
        held = self._held()
        if not held.table:
            self._lock_table(held)
        first = self.connection.execute(
            text(
                f"SELECT GREATEST(nextval({_SEQUENCE}), "
                "(SELECT COALESCE(MAX(id), 0) + 1 FROM ledger_entries))"
            )
        ).scalar_one()
        return int(first)

    def _after_reserved(self, last_id: int) -> None:
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(text(f"SELECT setval({_SEQUENCE}, :last)"), {"last": last_id})

    def balances(self, loan_ids: list[int]) -> pl.DataFrame:
        """Signed balance per loan and account over the whole journal."""
        return (
            self.lines_of(loan_ids).group_by("loan_id", "account").agg(pl.col("amount_minor").sum())
        )


class LedgerAppender:
    """Hands each batch its entries' ids: drawn from the sequence per batch in a posting of a
    few loans (PostgreSQL), otherwise one range reserved at the first batch (under the table
    lock on PostgreSQL; SQLite has one writer)."""

    def __init__(self, store: SqlLedgerStore) -> None:
        self.store = store
        self.writes = BackgroundWrites()
        self.next_id: int | None = None
        self.drawing: bool | None = None

    def __enter__(self) -> LedgerAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.writes.wait()
        if self.next_id is not None:
            self.store._after_reserved(self.next_id - 1)

    def submit(
        self, entries: pl.DataFrame, lines: pl.DataFrame, *, recorded_at: datetime, run_id: int
    ) -> int:
        return self.prepare(entries, lines, recorded_at=recorded_at, run_id=run_id)()

    def prepare(
        self, entries: pl.DataFrame, lines: pl.DataFrame, *, recorded_at: datetime, run_id: int
    ) -> StartWrite:
        """Give a batch its ids and build its rows now, while the last batch may still be
        writing (ids taken from the range already reserved need no connection); the function
        returned waits for the connection, starts writing the rows (then runs its ``then`` on
        the writer's thread) and returns the entries."""
        if entries.height == 0:
            return self._only_then
        if self._ids_need_connection() or not self._builds_ahead():
            self.writes.wait()
        rows = self.store._rows(entries, lines, self._ids(entries.height), recorded_at, run_id)
        connection = self.store.connection

        def start(then: Callable[[], None] | None = None) -> int:
            def write() -> None:
                insert_frame(connection, schema.ledger_entries, rows)
                if then is not None:
                    then()

            self.writes.start(write)  # waits for the batch before
            return rows.height

        return start

    def _only_then(self, then: Callable[[], None] | None = None) -> int:
        """An empty batch's start: nothing to write, and ``then`` on the writer's thread once
        the batch before is written."""
        if then is not None:
            self.writes.start(then)
        return 0

    def _builds_ahead(self) -> bool:
        """Whether a batch's rows are built while the one before is written: on PostgreSQL,
        whose server process then never waits for them; SQLite writes in this process, its
        writer is the slower side, and building ahead only held two batches at once (72 MiB
        more at 1,000,000 loans, no faster)."""
        return self.store.connection.dialect.name == "postgresql"

    def _ids_need_connection(self) -> bool:
        """Whether ``_ids`` will ask the database: the first batch's (which reserves the range
        or finds ids are drawn) and every batch's when they are drawn from the sequence."""
        return self.drawing is not False or self.next_id is None

    def _ids(self, count: int) -> np.ndarray:
        if self.drawing is None:
            self.drawing = self.store._draws_ids()
        if self.drawing:
            return self.store._drawn_ids(count)
        if self.next_id is None:
            self.next_id = self.store._reserve_ids()
        first = self.next_id
        self.next_id += count
        return np.arange(first, first + count, dtype=np.int64)

    def wait(self) -> None:
        """Let the last batch finish: the connection is free again afterwards."""
        self.writes.wait()
