"""Cycle snapshots as data, and the ports the snapshot use cases read and write through.

A snapshot freezes, for one as-of date, every frame the decision step reads (``PartitionFrames``)
together with the strategy text it was taken under, so it can be decided later, elsewhere and by
another engine with the same result. ``Manifest`` describes a snapshot; ``RunManifest`` a run
decided from one. Adapters (Parquet files, a Spark session) implement the protocols.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

import numpy as np
import polars as pl

from arrears.batch.cycle_partition import PartitionFrames
from arrears.batch.cycle_rows import CycleRows
from arrears.domain.delinquency import BucketScheme
from arrears.services.ports import UnitOfWork
from arrears.services.strategies import DEFAULT_SOURCE, digest_of
from arrears.strategy.check import default_strategy_text, load_strategy
from arrears.strategy.model import Strategy


@dataclass(frozen=True)
class StrategyBundle:
    """A strategy's texts (the file and every file it includes) and what identifies them."""

    name: str
    version: int
    digest: str
    source: str
    text: str
    included: dict[str, str] = field(default_factory=dict)

    def load(self, buckets: BucketScheme) -> Strategy:
        return load_strategy(
            self.text, source=self.source, buckets=buckets, include=self.included.__getitem__
        )

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "digest": self.digest,
                "source": self.source}  # fmt: skip


@dataclass(frozen=True)
class Manifest:
    """What a snapshot holds (rows per frame, the loan-id ranges it was written in) and what
    it was taken under (date, strategy, delinquency buckets, the collector's actor type)."""

    as_of: date
    created_at: datetime
    strategy: StrategyBundle
    buckets: list[tuple[str, int]]
    actor: str
    rows: dict[str, int]
    partitions: list[tuple[int, int]]

    @property
    def accounts(self) -> int:
        return self.rows.get("features", 0)

    @property
    def bucket_scheme(self) -> BucketScheme:
        return BucketScheme.from_bounds(self.buckets)


@dataclass(frozen=True)
class RunManifest:
    """A run decided from a snapshot: which, by what engine, and what came of it."""

    as_of: date
    run_id: int
    engine: str
    created_at: datetime
    snapshot: str
    strategy: dict[str, Any]
    rows: dict[str, int]
    partitions: int
    summary: dict[str, Any]


class SnapshotSink(Protocol):
    def write(
        self, frames: PartitionFrames, *, first: int, last: int, paid: pl.DataFrame | None = None
    ) -> None: ...
    def finish(
        self, *, as_of: date, created_at: datetime, strategy: StrategyBundle,
        buckets: list[tuple[str, int]], actor: str,
    ) -> Manifest: ...  # fmt: skip
    def abort(self) -> None: ...


class SnapshotSource(Protocol):
    @property
    def manifest(self) -> Manifest: ...
    @property
    def location(self) -> str: ...
    def loan_ids(self) -> pl.Series: ...
    def partition(self, first: int, last: int) -> PartitionFrames: ...
    def payment_facts(self, first: int, last: int) -> pl.DataFrame: ...
    def sample(self, which: pl.Expr) -> tuple[PartitionFrames, pl.DataFrame]: ...


class DecisionSink(Protocol):
    def write(self, rows: CycleRows) -> None: ...
    def finish(self, manifest: RunManifest) -> None: ...
    def abort(self) -> None: ...


def strategy_bundle(uow: UnitOfWork, *, buckets: BucketScheme) -> StrategyBundle:
    """The strategy in force with its texts (the shipped default when none was activated)."""
    stored = uow.strategies.active()
    if stored is None:
        text, included, source = default_strategy_text(), {}, DEFAULT_SOURCE
    else:
        text, included, source = stored.text, dict(stored.included), stored.source
    strategy = load_strategy(text, source=source, buckets=buckets, include=included.__getitem__)
    return StrategyBundle(
        name=strategy.name,
        version=strategy.version,
        digest=digest_of(text, included),
        source=source,
        text=text,
        included=included,
    )


def default_run_id(as_of: date) -> int:
    """A run id for decisions written outside the database: the date as YYYYMMDD (one run
    per as-of date, as in the database)."""
    return as_of.year * 10_000 + as_of.month * 100 + as_of.day


def ranges(loan_ids: pl.Series, size: int) -> list[tuple[int, int]]:
    """Consecutive loan-id ranges of at most ``size`` accounts over sorted ``loan_ids``."""
    ids = loan_ids.to_numpy()
    starts = np.arange(0, ids.size, max(size, 1))
    ends = np.minimum(starts + size, ids.size) - 1
    return [(int(a), int(b)) for a, b in zip(ids[starts], ids[ends], strict=True)]
