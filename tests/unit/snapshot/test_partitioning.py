"""Deciding a snapshot does not depend on how its accounts are cut into partitions, nor on the
order of the rows within an account's history, holds and contacts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from bench.snapshot import Shape, chunk_frames, generate

from arrears.adapters.snapshot import DecisionsWriter, SnapshotReader, read_tables
from arrears.batch.cycle_partition import PartitionFrames, decide_rows
from arrears.compliance.model import ActorType
from arrears.domain.clock import FixedClock
from arrears.services.cycle_snapshot import SnapshotCycleSettings, decide_snapshot
from arrears.strategy.check import default_strategy

AS_OF = date(2026, 11, 27)
CLOCK = FixedClock.on(AS_OF, hour=7)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("snap") / "snapshot"
    generate(Shape(3_000, seed=3, chunk=1_100), directory)
    return directory


def _decide(snapshot: Path, out: Path, size: int) -> dict[str, pl.DataFrame]:
    decide_snapshot(
        source=SnapshotReader(snapshot), sink=DecisionsWriter(out), clock=CLOCK,
        settings=SnapshotCycleSettings(partition_accounts=size),
    )  # fmt: skip
    return read_tables(out)


def test_any_partition_size_gives_the_same_decisions(snapshot: Path, tmp_path: Path) -> None:
    """One partition, partitions that cut the snapshot's files, and tiny ones: equal tables."""
    whole = _decide(snapshot, tmp_path / "whole", 1_000_000)
    assert whole["decisions"].height == 3_000
    assert whole["actions"].height > 50, "a generated book plans actions"
    for size in (997, 250, 37):
        cut = _decide(snapshot, tmp_path / f"cut{size}", size)
        for table, frame in whole.items():
            assert frame.equals(cut[table]), f"{table} differs with partitions of {size}"


def test_the_order_of_an_accounts_rows_does_not_matter() -> None:
    """History, holds, contacts and features shuffled: the same rows come out."""
    rng = np.random.default_rng(1)
    frames = chunk_frames(rng, first_index=0, count=2_000, as_of=AS_OF)

    def shuffled(frame: pl.DataFrame, seed: int) -> pl.DataFrame:
        return frame.sample(fraction=1.0, shuffle=True, seed=seed)

    mixed = PartitionFrames(
        features=shuffled(frames.features, 1), history=shuffled(frames.history, 2),
        holds=shuffled(frames.holds, 3), facts=shuffled(frames.facts, 4),
        contacts=shuffled(frames.contacts, 5),
    )  # fmt: skip
    strategy = default_strategy()
    now = CLOCK.now()

    def rows(given: PartitionFrames) -> list[pl.DataFrame]:
        out = decide_rows(given, strategy=strategy, as_of=AS_OF, run_id=1, now=now,
                          actor=ActorType.THIRD_PARTY_COLLECTOR)  # fmt: skip
        keys = (["loan_id"], ["loan_id", "rank", "treatment"], ["loan_id", "treatment"])
        tables = (out.decisions, out.items, out.actions)
        return [t.sort(k) for t, k in zip(tables, keys, strict=True)]

    for expected, found in zip(rows(frames), rows(mixed), strict=True):
        assert expected.equals(found)
