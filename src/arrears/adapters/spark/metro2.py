"""The month's Metro 2 file on Spark: furnished in parallel partitions, joined into one file.

Every furnishing frame of the snapshot (``adapters.snapshot.furnishing``) is nested under its
account (people under each loan they borrow on), the accounts are range-partitioned by loan id
and each partition is furnished and written by its task (``metro2_tasks``). The driver then
writes the header, each partition's bytes in loan order as they stream back
(``toLocalIterator``: one partition in memory at a time) and the trailer summed from the
partitions' counters (``services.furnishing.total``), to a temporary name renamed when
complete. The file is the one the one-machine export writes from the same facts, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from arrears.adapters.snapshot.furnishing import FRAMES, FurnishingManifest
from arrears.adapters.spark import files
from arrears.adapters.spark.metro2_tasks import (
    CHILDREN,
    OUTPUT,
    Metro2Inputs,
    furnish_batches,
)
from arrears.formats.metro2 import Metro2File, TrailerRecord, write_records
from arrears.services.furnishing import total

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


@dataclass(frozen=True)
class SparkMetro2Report:
    path: Path
    sha256: str
    records: int
    trailer: TrailerRecord
    excluded: dict[str, int]
    partitions: int


def accounts(spark: SparkSession, snapshot: str) -> DataFrame:
    """One row per account with every other frame nested as a list of whole rows."""
    from pyspark.sql import functions as F  # noqa: N812

    def frame(name: str) -> DataFrame:
        return spark.read.parquet(files.join(snapshot, name)).select(*FRAMES[name].names())

    base = frame("accounts")
    borrowers = base.select("loan_id", "borrower_id").unionByName(
        base.where(F.col("co_borrower_id").isNotNull()).select(
            "loan_id", F.col("co_borrower_id").alias("borrower_id")
        )
    )
    for name in CHILDREN:
        child = frame(name)
        if name == "people":
            child = borrowers.join(child, on="borrower_id")
        rows = F.struct(*FRAMES[name].names())
        grouped = child.groupBy("loan_id").agg(F.collect_list(rows).alias(name))
        base = base.join(grouped, on="loan_id", how="left")
    return base


def export_on_spark(
    spark: SparkSession, *, snapshot: str, manifest: FurnishingManifest, output: Path,
    inputs: Metro2Inputs,
) -> SparkMetro2Report:  # fmt: skip
    """Write the month's file for ``snapshot`` to ``output`` (see the module docstring)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    parts = max(spark.sparkContext.defaultParallelism,
                math.ceil(max(manifest.accounts, 1) / inputs.partition_accounts))  # fmt: skip
    ranged = accounts(spark, snapshot).repartitionByRange(parts, "loan_id")
    pieces = ranged.sortWithinPartitions("loan_id").mapInArrow(
        partial(furnish_batches, run=inputs), from_arrow_schema(OUTPUT)
    )
    output = output.resolve()
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    digest = hashlib.sha256()
    trailers: list[TrailerRecord] = []
    excluded: Counter[str] = Counter()
    try:
        with os.fdopen(handle, "wb") as out:

            def write(data: bytes) -> None:
                digest.update(data)
                out.write(data)

            framing = inputs.framing
            write(write_records(Metro2File(header=inputs.header, framing=framing), framing=framing))
            for row in pieces.toLocalIterator(prefetchPartitions=True):
                write(bytes(row["data"]))
                if row["counters"] is not None:
                    counted = json.loads(row["counters"])
                    trailers.append(TrailerRecord(**counted["trailer"]))
                    excluded.update(counted["excluded"])
            trailer = total(trailers, framing=framing)
            write(write_records(Metro2File(trailer=trailer, framing=framing), framing=framing))
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return SparkMetro2Report(
        path=output, sha256=digest.hexdigest(), records=trailer.total_base_records,
        trailer=trailer, excluded=dict(sorted(excluded.items())), partitions=parts,
    )  # fmt: skip
