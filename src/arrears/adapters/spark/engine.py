"""``arrears cycle --engine spark``: a snapshot decided on Apache Spark, partitioned by account.

The driver reads the snapshot's manifest, fixes what the whole run shares (date, strategy,
run id, the instant actions are stamped with) and sends it with the function; the executors
decide their accounts with the one-machine engine's pure call (``partitions.decide_batches``
via ``mapInArrow``); the run's totals are Spark aggregations. The three tables are written as
Parquet (the columns of the database's tables) under a hidden name and moved into place with
the run's manifest last, so the output directory is complete or absent. The rows are the ones
the Polars engine writes for the same snapshot, row for row.
"""

from __future__ import annotations

import math
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from arrears.adapters.snapshot.decisions import run_manifest_json
from arrears.adapters.snapshot.layout import OUTPUTS, SnapshotError, parse_manifest
from arrears.adapters.spark import files
from arrears.adapters.spark.assemble import accounts
from arrears.adapters.spark.partitions import RunInputs, decide_batches, output_schema
from arrears.adapters.spark.session import spark_session
from arrears.adapters.spark.totals import totals
from arrears.domain.clock import Clock
from arrears.errors import ArrearsError
from arrears.services.cycle_snapshot import SnapshotCycleSettings
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
    if manifest.strategy.load(manifest.bucket_scheme).optimise is not None:
        raise ArrearsError(
            f"{manifest.strategy.name} optimises: its capacities are shared per partition of the "
            "database run, so decide it with the database engine"
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
    decided = _decided(spark, source, run).persist()
    try:
        items = decided.select("run_id", "loan_id", _inline("items"))
        _write(_table(decided, "decisions"), files.join(partial_dir, "decisions"))
        _write(items.select(*OUTPUTS["decision_items"].names()),
               files.join(partial_dir, "decision_items"))  # fmt: skip
        _write(_actions(decided), files.join(partial_dir, "actions"))
        found = totals(decided, items)
        summary = {
            **found.summary,
            "strategy": manifest.strategy.load(manifest.bucket_scheme).label,
        }
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
