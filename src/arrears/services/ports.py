"""What the use cases need from the outside world, as Protocols the adapters implement.

Frames (Polars) cross these ports as plain data in the batch layer's conventions
(``arrears.batch.frames``); the use cases pass them along without looking inside.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import numpy as np
import polars as pl

from arrears.domain.holds import Hold
from arrears.errors import Problem


class RawBatchLike(Protocol):
    rows: np.ndarray
    frame: pl.DataFrame


class CheckedBatchLike(Protocol):
    valid: pl.DataFrame
    problems: pl.DataFrame
    rejected_rows: pl.Series


class OpenedFileLike(Protocol):
    path: Path
    problems: list[Problem]


class ImportFiles(Protocol):
    def kind_of(self, path: Path) -> Any: ...
    def open(self, path: Path, kind: Any) -> Any: ...
    def batches(self, opened: Any) -> Iterator[Any]: ...
    def reference_keys(self, kind: Any, raw: Any) -> list[str]: ...
    def check(self, kind: Any, raw: Any, *, references: pl.DataFrame, file: str) -> Any: ...


class WriteResultLike(Protocol):
    inserted: int
    updated: int
    unchanged: int
    touched_loans: np.ndarray
    problems: pl.DataFrame | None


class PortfolioWriter(Protocol):
    def references(self, kind: str, keys: list[str]) -> pl.DataFrame:
        """The records rows of ``kind`` refer to (borrowers of loans, loans of payments…)."""
        ...

    def write(self, kind: str, valid: pl.DataFrame, *, file: str) -> WriteResultLike: ...
    def new_loan_ids(self) -> np.ndarray: ...


class PortfolioReads(Protocol):
    def loan_ids(self) -> list[int]: ...
    def loans(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def stored_installments(
        self, loan_ids: list[int], *, due_by: date | None = None
    ) -> pl.DataFrame: ...
    def charges(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def payments(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def balances(self, loan_ids: list[int], *, as_of: date | None = None) -> pl.DataFrame: ...


class LedgerStore(Protocol):
    def entries_of(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def lines_of(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def append(
        self, entries: pl.DataFrame, lines: pl.DataFrame, *, recorded_at: datetime, run_id: int
    ) -> int: ...


class AuditLog(Protocol):
    def record(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        entity_type: str,
        entity_id: str,
        details: dict[str, Any] | None = None,
    ) -> None: ...


class ImportRuns(Protocol):
    def start(self, *, at: datetime, files: list[str], actor: str) -> int: ...
    def finish(
        self, run_id: int, *, at: datetime, status: str, counts: dict[str, Any], problems: int
    ) -> None: ...


class HoldStore(Protocol):
    def add(self, hold: Hold, *, created_at: datetime) -> int: ...
    def get(self, hold_id: int) -> Hold | None: ...
    def end(self, hold_id: int, *, ends_on: date, ended_by: str, ended_at: datetime) -> None: ...
    def for_loan(self, loan_id: int) -> list[Hold]: ...
    def active_frame(self, *, first_loan_id: int, last_loan_id: int, on: date) -> pl.DataFrame: ...


class AccountLookup(Protocol):
    def loan_id(self, external_id: str) -> int | None: ...
    def borrower_id(self, external_id: str) -> int | None: ...


@dataclass(frozen=True)
class StrategyRecord:
    """An activated strategy as stored: its text and every file it names."""

    name: str
    version: int
    digest: str
    source: str
    text: str
    included: dict[str, str]
    activated_at: datetime
    activated_by: str


class StrategyStore(Protocol):
    def activate(self, stored: StrategyRecord) -> None: ...
    def active(self) -> StrategyRecord | None: ...


@dataclass(frozen=True)
class RunRecord:
    id: int
    as_of: date
    status: str
    summary: dict[str, Any]


@dataclass(frozen=True)
class PartitionRecord:
    number: int
    first_loan_id: int
    last_loan_id: int


class CycleStore(Protocol):
    def run_for(self, as_of: date) -> RunRecord | None: ...
    def latest_completed(self) -> date | None: ...
    def start(
        self,
        *,
        as_of: date,
        strategy: str,
        version: int,
        digest: str,
        bounds: list[tuple[int, int]],
        at: datetime,
    ) -> int: ...
    def pending_partitions(self, run_id: int) -> list[PartitionRecord]: ...
    def partition_summaries(self, run_id: int) -> list[dict[str, Any]]: ...
    def finish_partition(
        self, run_id: int, number: int, *, summary: dict[str, Any], at: datetime
    ) -> None: ...
    def finish(self, run_id: int, *, summary: dict[str, Any], at: datetime) -> None: ...
    def loan_ids(self) -> list[int]: ...
    def earliest_origination(self) -> date | None: ...
    def accounts(self, first: int, last: int) -> pl.DataFrame: ...
    def contact_points(self, first: int, last: int) -> pl.DataFrame: ...
    def collateral_values(self, first: int, last: int, *, as_of: date) -> pl.DataFrame: ...
    def past_actions(self, first: int, last: int, *, before: date) -> pl.DataFrame: ...
    def write(
        self,
        *,
        run_id: int,
        decision_rows: pl.DataFrame,
        item_rows: pl.DataFrame,
        action_rows: pl.DataFrame,
        first: int,
        last: int,
    ) -> None: ...
    def decisions_for(self, loan_id: int, *, limit: int = 30) -> list[dict[str, Any]]: ...


class UnitOfWork(Protocol):
    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def portfolio(self, *, now: datetime, run_id: int) -> PortfolioWriter: ...
    @property
    def reads(self) -> PortfolioReads: ...
    @property
    def ledger(self) -> LedgerStore: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def import_runs(self) -> ImportRuns: ...
    @property
    def holds(self) -> HoldStore: ...
    @property
    def accounts(self) -> AccountLookup: ...
    @property
    def strategies(self) -> StrategyStore: ...
    @property
    def cycle(self) -> CycleStore: ...


class Progress(Protocol):
    def start(self, label: str, unit: str = "rows") -> None: ...
    def advance(self, rows: int) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, label: str, unit: str = "rows") -> None:
        return None

    def advance(self, rows: int) -> None:
        return None

    def finish(self) -> None:
        return None
