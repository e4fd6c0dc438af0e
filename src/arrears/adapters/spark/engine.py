"""``arrears cycle --engine spark``: a snapshot decided on Apache Spark, partitioned by account.

The driver reads the snapshot's manifest, fixes what the whole run shares (date, strategy,
run id, the instant actions are stamped with) and sends it with the function; the executors
decide their accounts with the one-machine engine's pure call (``partitions.decide_batches``
via ``mapInArrow``); the run's totals are Spark aggregations. The three tables are written as
Parquet (the columns of the database's tables) under a hidden name and moved into place with
the run's manifest last, so the output directory is complete or absent. The rows are the ones
the Polars engine writes for the same snapshot, row for row.

A strategy that optimises takes two passes (``services.snapshot_optimise``): the price sample
(accounts chosen by a hash of the loan id) is scored and valued on the executors and gathered
to the driver, which solves the prices once; they go to every task with the function, and the
accounts, grouped by block (the snapshot's partitions), are decided block by block.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from arrears.adapters.snapshot.decisions import run_manifest_json
from arrears.adapters.snapshot.layout import OUTPUTS, SnapshotError, parse_manifest
from arrears.adapters.spark import files
from arrears.adapters.spark.assemble import accounts
from arrears.adapters.spark.partitions import (
    BLOCK,
    BLOCK_SUMMARY,
    VALUED,
    RunInputs,
    decide_batches,
    decide_blocks,
    output_schema,
    sample_batches,
)
from arrears.adapters.spark.session import spark_session
from arrears.adapters.spark.totals import totals
from arrears.batch.optimiser.engine import CLASSES
from arrears.batch.optimiser.prices import Prices
from arrears.domain.clock import Clock
from arrears.errors import ConfigurationError
from arrears.services.cycle_snapshot import SnapshotCycleSettings
from arrears.services.scoring import SUMMARY_KEY, combine_optimiser
from arrears.services.snapshot_optimise import (
    MULTIPLIER,
    SPACE,
    OptimiseRun,
    book_prices,
    fixed_use_total,
    sample_threshold,
)
from arrears.services.snapshot_ports import Manifest, RunManifest, default_run_id

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession


def read_snapshot_manifest(spark: SparkSession, snapshot: str) -> Manifest:
    if not files.exists(spark, files.join(snapshot, "manifest.json")):
        raise SnapshotError(f"{snapshot} is not a cycle snapshot (no manifest.json)")
    return parse_manifest(
        files.read_text(spark, files.join(snapshot, "manifest.json")),
        files.read_text(spark, files.join(snapshot, "strategy.json")),
        where=snapshot,
    )


def decide_on_spark(
    *,
    snapshot: Path | str,
    out: Path | str,
    master: str | None,
    clock: Clock,
    settings: SnapshotCycleSettings | None = None,
    spark: SparkSession | None = None,
) -> RunManifest:
    """Decide every account of ``snapshot`` on Spark and write the run to ``out``."""
    settings = settings or SnapshotCycleSettings()
    spark = spark or spark_session(master, app_name="arrears cycle")
    source, target = files.absolute(snapshot), files.absolute(out)
    manifest = read_snapshot_manifest(spark, source)
    strategy = manifest.strategy.load(manifest.bucket_scheme)
    if strategy.optimise is not None and settings.model is None:
        raise ConfigurationError(
            f"{strategy.label} optimises: its scoring model ({strategy.optimise.model}) is needed"
        )
    run = RunInputs(
        as_of=manifest.as_of,
        actor=manifest.actor,
        run_id=settings.run_id if settings.run_id is not None else default_run_id(manifest.as_of),
        now=clock.now(),
        strategy=manifest.strategy,
        buckets=tuple(manifest.buckets),
        partition_accounts=settings.partition_accounts,
    )
    partial_dir = _staging(spark, target)
    spark.conf.set("spark.sql.shuffle.partitions", str(_partitions(spark, manifest, settings)))
    if strategy.optimise is not None:
        run = _with_prices(spark, source, run, manifest=manifest, settings=settings)
        decided = _decided_in_blocks(spark, source, run, manifest=manifest).persist()
    else:
        decided = _decided(spark, source, run).persist()
    try:
        items = decided.select("run_id", "loan_id", _inline("items"))
        _write(_table(decided, "decisions"), files.join(partial_dir, "decisions"))
        _write(items.select(*OUTPUTS["decision_items"].names()),
               files.join(partial_dir, "decision_items"))  # fmt: skip
        _write(_actions(decided), files.join(partial_dir, "actions"))
        found = totals(decided, items)
        summary = {**found.summary, "strategy": strategy.label}
        if strategy.optimise is not None:
            summary[SUMMARY_KEY] = _optimiser_summary(decided)
        result = RunManifest(
            as_of=manifest.as_of, run_id=run.run_id, engine="spark", created_at=run.now,
            snapshot=source, strategy=manifest.strategy.describe(), rows=found.rows,
            partitions=decided.rdd.getNumPartitions(), summary=summary,
        )  # fmt: skip
        files.write_text(spark, files.join(partial_dir, "manifest.json"), run_manifest_json(result))
        if files.exists(spark, target):
            files.delete(spark, target)
        files.rename(spark, partial_dir, target)
    except BaseException:
        files.delete(spark, partial_dir)
        raise
    finally:
        decided.unpersist()
    return result


def _decided(spark: SparkSession, snapshot: str, run: RunInputs) -> DataFrame:
    from pyspark.sql.pandas.types import from_arrow_schema

    schema = from_arrow_schema(output_schema(), prefer_timestamp_ntz=False)
    return accounts(spark, snapshot).mapInArrow(partial(decide_batches, run=run), schema)


def _with_prices(
    spark: SparkSession, snapshot: str, run: RunInputs, *, manifest: Manifest,
    settings: SnapshotCycleSettings,
) -> RunInputs:  # fmt: skip
    """The first pass: the sample's menus valued on the executors, the prices on the driver."""
    from pyspark.sql import functions as F  # noqa: N812
    from pyspark.sql.pandas.types import from_arrow_schema

    assert settings.model is not None
    strategy = manifest.strategy.load(manifest.bucket_scheme)
    assert strategy.optimise is not None
    threshold = sample_threshold(manifest.accounts, settings.sample_accounts)
    in_sample = (F.col("loan_id") * F.lit(MULTIPLIER)) % F.lit(SPACE) < F.lit(threshold)
    sample = accounts(spark, snapshot, paid=True).where(in_sample).persist()
    try:
        sampled_accounts = sample.count()
        probe = replace(run, optimise=OptimiseRun(settings.model, manifest.accounts, _no_prices()))
        rows = sample.mapInArrow(
            partial(sample_batches, run=probe), from_arrow_schema(VALUED)
        ).collect()
    finally:
        sample.unpersist()
    gathered = pl.DataFrame([r.asDict() for r in rows], schema=pl.Schema(
        {f.name: _POLARS[str(f.type)] for f in VALUED}), orient="row")  # fmt: skip
    fixed = fixed_use_total(
        [json.loads(v) for v in gathered.get_column("fixed_use").drop_nulls().to_list()]
    )
    valued = gathered.filter(pl.col("loan_id").is_not_null()).drop("fixed_use")
    prices = book_prices(
        valued, fixed, optimise=strategy.optimise, sampled_accounts=sampled_accounts,
        accounts=manifest.accounts,
    )  # fmt: skip
    return replace(run, optimise=OptimiseRun(settings.model, manifest.accounts, prices))


_POLARS = {"int64": pl.Int64, "int32": pl.Int32, "string": pl.String, "double": pl.Float64}


def _no_prices() -> Prices:
    return Prices(CLASSES, np.zeros(len(CLASSES)))


def _decided_in_blocks(
    spark: SparkSession, snapshot: str, run: RunInputs, *, manifest: Manifest
) -> DataFrame:
    """The second pass: each block (a loan-id range of the snapshot) whole in one task."""
    from pyspark.sql import functions as F  # noqa: N812
    from pyspark.sql.pandas.types import from_arrow_schema

    lasts = [last for _, last in manifest.partitions]
    block = F.lit(len(lasts) - 1)
    for number in reversed(range(len(lasts) - 1)):
        block = F.when(F.col("loan_id") <= F.lit(lasts[number]), F.lit(number)).otherwise(block)
    frame = accounts(spark, snapshot, paid=True).withColumn(BLOCK, block)
    tasks = min(spark.sparkContext.defaultParallelism * 4, max(len(lasts), 1))
    ordered = frame.repartition(tasks, BLOCK).sortWithinPartitions(BLOCK, "loan_id")
    schema = from_arrow_schema(output_schema(), prefer_timestamp_ntz=False)
    return ordered.mapInArrow(partial(decide_blocks, run=run), schema)


def _optimiser_summary(decided: DataFrame) -> dict[str, Any]:
    """The blocks' optimiser figures combined in loan-id order (as the Polars engine does)."""
    from pyspark.sql import functions as F  # noqa: N812

    found = (
        decided.where(F.col(BLOCK_SUMMARY).isNotNull())
        .select("loan_id", BLOCK_SUMMARY)
        .orderBy("loan_id")
        .collect()
    )
    return combine_optimiser([{SUMMARY_KEY: json.loads(r[BLOCK_SUMMARY])} for r in found])


def _inline(column: str) -> Column:
    from pyspark.sql import functions as F  # noqa: N812

    return F.inline(column)


def _table(decided: DataFrame, name: str) -> DataFrame:
    return decided.select(*OUTPUTS[name].names())


def _actions(decided: DataFrame) -> DataFrame:
    flat = decided.select("run_id", "loan_id", _inline("actions"))
    return flat.select(*OUTPUTS["actions"].names())


def _write(frame: DataFrame, path: str) -> None:
    frame.write.mode("errorifexists").parquet(path)


def _partitions(spark: SparkSession, manifest: Manifest, settings: SnapshotCycleSettings) -> int:
    """At least one task per core, and no task with more than ``partition_accounts``."""
    wanted = math.ceil(max(manifest.accounts, 1) / settings.partition_accounts)
    return max(spark.sparkContext.defaultParallelism, wanted)


def _staging(spark: SparkSession, target: str) -> str:
    """A hidden sibling of ``target`` to build the run in; refuses a target with contents."""
    if files.entries(spark, target):
        raise SnapshotError(f"{target} exists and is not empty: choose a new directory")
    parent, _, name = target.rstrip("/").rpartition("/")
    partial_dir = f"{parent}/.{name}.partial-{os.getpid()}"
    if files.exists(spark, partial_dir):
        files.delete(spark, partial_dir)
    return partial_dir
