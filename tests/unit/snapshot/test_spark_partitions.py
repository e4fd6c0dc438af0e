"""The function Spark's executors run, without Spark: accounts as nested rows (the way the
driver assembles them) in, the one-machine engine's rows out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import polars as pl
import pyarrow as pa
from bench.snapshot import bundle, chunk_frames

from arrears.adapters.snapshot import INPUTS
from arrears.adapters.spark.partitions import (
    BLOCK_SUMMARY,
    RunInputs,
    decide_batches,
    frames_of,
    nest,
    output_schema,
)
from arrears.batch.cycle_partition import PartitionFrames, decide_rows
from arrears.batch.frames import conform
from arrears.compliance.model import ActorType
from arrears.domain.delinquency import DEFAULT_BUCKETS

AS_OF = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 6, tzinfo=UTC)


def _nested(frames: PartitionFrames) -> pl.DataFrame:
    """What ``assemble.accounts`` builds on Spark, built with Polars."""
    facts = frames.facts.select("loan_id", pl.struct(pl.exclude("loan_id")).alias("facts"))
    frame = frames.features.join(facts, on="loan_id", how="left", maintain_order="left")
    for name in ("history", "holds", "contacts"):
        child = getattr(frames, name)
        grouped = child.group_by("loan_id").agg(pl.struct(pl.exclude("loan_id")).alias(name))
        frame = frame.join(grouped, on="loan_id", how="left", maintain_order="left")
    return frame


def _frames() -> PartitionFrames:
    return chunk_frames(np.random.default_rng(9), first_index=0, count=3_000, as_of=AS_OF)


def test_nested_accounts_come_back_as_the_snapshot_frames() -> None:
    frames = _frames()
    back = frames_of(_nested(frames))
    for name in INPUTS:
        expected = conform(getattr(frames, name), INPUTS[name], name=name).sort(
            "loan_id", maintain_order=True
        )
        found = getattr(back, name).sort("loan_id", maintain_order=True)
        assert found.schema == expected.schema, name
        assert found.equals(expected), name


def test_the_executor_function_gives_the_rows_of_the_pure_call() -> None:
    """Batches of 500 accounts, chunks of 1,200: the decisions, items and actions nested in
    the output are the ones ``decide_rows`` gives for the whole partition."""
    frames = _frames()
    strategy = bundle()
    run = RunInputs(
        as_of=AS_OF, actor=ActorType.THIRD_PARTY_COLLECTOR.value, run_id=7, now=NOW,
        strategy=strategy, buckets=tuple((b.name, b.min_dpd) for b in DEFAULT_BUCKETS.buckets),
        partition_accounts=1_200,
    )  # fmt: skip
    batches = _nested(frames).to_arrow().to_batches(max_chunksize=500)
    out = pa.Table.from_batches(list(decide_batches(batches, run)), schema=output_schema())
    expected = decide_rows(frames, strategy=strategy.load(DEFAULT_BUCKETS), as_of=AS_OF,
                           actor=ActorType.THIRD_PARTY_COLLECTOR, run_id=7, now=NOW)  # fmt: skip
    found = pl.from_arrow(out)
    assert isinstance(found, pl.DataFrame)
    assert found.height == 3_000
    assert found.get_column(BLOCK_SUMMARY).null_count() == found.height  # not optimised
    assert found.drop("items", "actions", BLOCK_SUMMARY).equals(expected.decisions)
    items = (
        found.select("run_id", "loan_id", "items")
        .explode("items", empty_as_null=False)
        .drop_nulls("items")
    )
    flat = items.select("run_id", "loan_id", pl.col("items").struct.unnest()).drop("why")
    assert flat.sort("loan_id", "rank").equals(expected.items.sort("loan_id", "rank"))
    assert nest(expected).height == 3_000
