"""The report's input frames as a directory of Parquet files, written and read partition-wise.

``arrears export parquet DIR`` writes, for each partition of loans, one file per frame::

    DIR/meta.json                      format, partitions, currencies, available sources
    DIR/<frame>/part-00000.parquet     loans, installments, charges, payments, adjustments,
                                       decisions, actions (same partition numbers throughout)
    DIR/sources/<name>/part-00000.parquet   partitioned workflow sources
    DIR/sources/<name>.parquet         unpartitioned ones (portal events)
    DIR/experiment_arms.parquet        experiments of the strategy in force
    DIR/goals.parquet                  the goals

``ParquetAnalytics`` reads such a directory (or one a benchmark synthesised) through the same
``AnalyticsReads`` port as the database, one partition at a time, so memory stays bounded by
the largest partition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import polars as pl

from arrears.analytics.goals import Goal, goals_from_frame
from arrears.analytics.sources import SOURCES
from arrears.domain.delinquency import BucketScheme
from arrears.errors import ArrearsError
from arrears.services.analytics import Partition

FORMAT = "arrears-analytics/1"
PARTITIONED = (
    "loans",
    "installments",
    "charges",
    "payments",
    "adjustments",
    "decisions",
    "actions",
)


def part_path(directory: Path, frame: str, number: int) -> Path:
    return directory / frame / f"part-{number:05d}.parquet"


class ParquetFrameSink:
    """Writes the frames of an export (``services.analytics.export_frames``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        if directory.exists() and any(directory.iterdir()):
            raise ArrearsError(f"{directory} is not empty: export into a new directory")
        directory.mkdir(parents=True, exist_ok=True)

    def write(self, frame_name: str, partition: int | None, frame: pl.DataFrame) -> None:
        path = (
            self.directory / f"{frame_name}.parquet"
            if partition is None
            else part_path(self.directory, frame_name, partition)
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(path, compression="zstd", statistics=True)

    def finish(self, meta: dict[str, Any]) -> None:
        text = json.dumps({"format": FORMAT, **meta}, indent=2, default=str)
        (self.directory / "meta.json").write_text(text, encoding="utf-8")


class ParquetAnalytics:
    """``services.analytics.AnalyticsReads`` over an export directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        meta_path = directory / "meta.json"
        if not meta_path.is_file():
            raise ArrearsError(f"{directory} is not an arrears export (no meta.json)")
        self.meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        if self.meta.get("format") != FORMAT:
            raise ArrearsError(f"{directory}: unknown export format {self.meta.get('format')!r}")

    def _part(self, frame: str, partition: Partition) -> pl.LazyFrame:
        return pl.scan_parquet(part_path(self.directory, frame, partition.number))

    def available_sources(self) -> frozenset[str]:
        return frozenset(self.meta.get("sources", []))

    def currencies(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.meta.get("currencies", {}).items()}

    def partitions(self, *, size: int) -> list[Partition]:
        del size  # the export fixed its partitions when it was written
        return [Partition(number, []) for number in range(int(self.meta["partitions"]))]

    def loans(self, partition: Partition) -> pl.DataFrame:
        return self._part("loans", partition).collect()

    def stored_installments(self, partition: Partition, *, due_by: date) -> pl.DataFrame:
        return self._part("installments", partition).filter(pl.col("due_date") <= due_by).collect()

    def charges(self, partition: Partition) -> pl.DataFrame:
        return self._part("charges", partition).collect()

    def payments(self, partition: Partition) -> pl.DataFrame:
        return self._part("payments", partition).collect()

    def adjustments(self, partition: Partition) -> pl.DataFrame:
        return self._part("adjustments", partition).collect()

    def decisions(self, partition: Partition, *, segments: Sequence[str]) -> pl.DataFrame:
        return (
            self._part("decisions", partition)
            .filter(pl.col("segment").is_in(list(segments)))
            .collect()
        )

    def actions(self, partition: Partition, *, after: date) -> pl.DataFrame:
        return self._part("actions", partition).filter(pl.col("due_on") > after).collect()

    def source(self, name: str, partition: Partition | None) -> pl.DataFrame:
        if partition is None:
            return pl.read_parquet(self.directory / "sources" / f"{name}.parquet")
        path = part_path(self.directory / "sources", name, partition.number)
        return (
            pl.read_parquet(path) if path.is_file() else pl.DataFrame(schema=SOURCES[name].schema)
        )

    def experiment_arms(self, *, buckets: BucketScheme) -> pl.DataFrame:
        del buckets  # the arms were taken from the strategy when the export was written
        return pl.read_parquet(self.directory / "experiment_arms.parquet")


class ParquetGoals:
    """The goals exported with the frames (read only: set goals in the database)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "goals.parquet"

    def all(self) -> list[Goal]:
        if not self.path.is_file():
            return []
        return goals_from_frame(pl.read_parquet(self.path))

    def put(self, goal: Goal, *, at: datetime, by: str) -> None:
        raise ArrearsError("an export is read only: set goals in the database")

    def remove(self, goal_id: str) -> bool:
        raise ArrearsError("an export is read only: remove goals in the database")


class ParquetUnitOfWork:
    """A read-only unit of work over an export, for ``services.analytics.compute_report``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> ParquetUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    @property
    def analytics(self) -> ParquetAnalytics:
        return ParquetAnalytics(self.directory)

    @property
    def goals(self) -> ParquetGoals:
        return ParquetGoals(self.directory)
