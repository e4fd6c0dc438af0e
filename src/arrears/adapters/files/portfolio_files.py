"""The import's view of its files: open, batch, check rows, remember keys, write rejects."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from arrears.adapters.files.checks import Rule, problems_from_rules
from arrears.adapters.files.kinds import FileKind, kind_of
from arrears.adapters.files.read_ahead import read_ahead
from arrears.adapters.files.readers import OpenedFile, RawBatch, open_table
from arrears.adapters.files.rows import CheckContext, CheckedBatch
from arrears.adapters.files.rows_borrowers import check_borrowers
from arrears.adapters.files.rows_loan_children import CHECKS as CHILD_CHECKS
from arrears.adapters.files.rows_loans import check_loans
from arrears.adapters.files.seen_keys import SeenKeys

Check = Callable[[RawBatch, CheckContext], CheckedBatch]
_CHECKS: dict[FileKind, Check] = {
    FileKind.BORROWERS: check_borrowers,
    FileKind.LOANS: check_loans,
    **CHILD_CHECKS,
}

#: The key column of each kind (duplicates across the whole import are refused) …
KEY_COLUMN = {
    FileKind.BORROWERS: "borrower_id",
    FileKind.LOANS: "loan_id",
    FileKind.COLLATERAL: "collateral_id",
    FileKind.PAYMENTS: "payment_id",
}
#: … and the columns naming the records each kind refers to.
REFERENCE_COLUMNS: dict[FileKind, tuple[str, ...]] = {
    FileKind.BORROWERS: (),
    FileKind.LOANS: ("borrower_id", "co_borrower_id"),
    FileKind.SCHEDULES: ("loan_id",),
    FileKind.COLLATERAL: ("loan_id",),
    FileKind.VALUATIONS: ("collateral_id",),
    FileKind.PAYMENTS: ("loan_id",),
}


class PortfolioFiles:
    """Stateful for one import: it remembers keys across batches and files."""

    def __init__(self, *, as_of: date, batch_rows: int) -> None:
        self.as_of = as_of
        self.batch_rows = batch_rows
        self.forget_keys()

    def forget_keys(self) -> None:
        """Forget the keys remembered to catch repeats across batches. They are needed only
        while files are read: a million loans' 24 million payment ids take 384 MB, which the
        posting that follows would otherwise carry."""
        self._seen = {kind: SeenKeys() for kind in KEY_COLUMN}
        self._schedule_loans = SeenKeys()

    @staticmethod
    def kind_of(path: Path) -> FileKind | None:
        return kind_of(path)

    def open(self, path: Path, kind: FileKind) -> OpenedFile:
        return open_table(path, kind, batch_rows=self.batch_rows)

    def batches(self, opened: OpenedFile) -> Iterator[RawBatch]:
        """The file's batches, the next one read while this one is checked and written."""
        if opened.kind is FileKind.SCHEDULES:
            return read_ahead(regroup(opened.batches(), "loan_id"))
        return read_ahead(opened.batches())

    def reference_keys(self, kind: FileKind, raw: RawBatch) -> list[str]:
        columns = [c for c in REFERENCE_COLUMNS[kind] if c in raw.frame.columns]
        if not columns:
            return []
        values = pl.concat([raw.frame.get_column(c) for c in columns]).unique()
        return [v for v in values.to_list() if v]

    def check(
        self, kind: FileKind, raw: RawBatch, *, references: pl.DataFrame, file: str
    ) -> CheckedBatch:
        context = CheckContext(file=file, as_of=self.as_of, references=references)
        checked = _CHECKS[kind](raw, context)
        repeated = self._repeats(kind, raw, file)
        if repeated.height:
            bad = repeated.get_column("row")
            checked.problems = pl.concat([checked.problems, repeated])
            checked.valid = checked.valid.filter(~pl.col("row").is_in(bad.implode()))
            checked.rejected_rows = pl.concat([checked.rejected_rows, bad]).unique()
        return checked

    def _repeats(self, kind: FileKind, raw: RawBatch, file: str) -> pl.DataFrame:
        """Rows whose key an earlier batch of this import already had."""
        if kind is FileKind.SCHEDULES:
            loans = raw.frame.get_column("loan_id").unique()
            again = loans.filter(self._schedule_loans.seen_before(loans))
            self._schedule_loans.add(loans)
            flags = raw.frame.get_column("loan_id").is_in(again.implode())
            message = "this loan's schedule rows are not together: keep a loan's rows in one run"
            column = "loan_id"
        elif kind in KEY_COLUMN:
            column = KEY_COLUMN[kind]
            keys = raw.frame.get_column(column)
            flags = self._seen[kind].seen_before(keys)
            self._seen[kind].add(keys.unique())
            message = "appears more than once in this import"
        else:
            return problems_from_rules(raw.frame, raw.rows, [], file=file, sensitive=frozenset())
        frame = raw.frame.with_columns(flags.alias("__repeat"))
        return problems_from_rules(
            frame, raw.rows, [Rule(column, pl.col("__repeat"), message)], file=file,
            sensitive=frozenset(),
        )  # fmt: skip


def regroup(batches: Iterator[RawBatch], key: str) -> Iterator[RawBatch]:
    """Batches that never split the rows of one ``key`` (rows of a key must be adjacent):
    the trailing key of each batch is carried over to the next one."""
    carry: RawBatch | None = None
    for incoming in batches:
        batch = incoming
        if carry is not None:
            batch = RawBatch(
                rows=np.concatenate([carry.rows, incoming.rows]),
                frame=pl.concat([carry.frame, incoming.frame]),
            )
        if batch.frame.height == 0:
            continue
        last = batch.frame.get_column(key)[-1]
        tail = batch.frame.get_column(key) == last
        if bool(tail.all()):
            carry = batch
            continue
        keep = ~tail
        carry = RawBatch(batch.rows[tail.to_numpy()], batch.frame.filter(tail))
        yield RawBatch(batch.rows[keep.to_numpy()], batch.frame.filter(keep))
    if carry is not None and carry.frame.height:
        yield carry
