"""A snapshot's frames as one Spark row per account, partitioned by account.

The facts (one row per account) become a struct beside the features; history, holds and recent
contacts (several rows per account) become lists of structs. Grouping and joining on
``loan_id`` hash-partitions the rows by account, so each Spark task holds whole accounts with
everything the decision step reads about them, and nothing crosses partitions afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arrears.adapters.snapshot.layout import EXTRAS, INPUTS, SnapshotError
from arrears.adapters.spark.files import exists, join
from arrears.adapters.spark.partitions import FACTS, NESTED, PAID

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def read_frame(spark: SparkSession, snapshot: str, name: str) -> DataFrame:
    """One frame of the snapshot with its columns in the snapshot's order."""
    schema = INPUTS[name] if name in INPUTS else EXTRAS[name]
    return spark.read.parquet(join(snapshot, name)).select(*schema.names())


def accounts(spark: SparkSession, snapshot: str, *, paid: bool = False) -> DataFrame:
    """One row per account: features, ``facts`` (struct), the nested frames (lists) and, with
    ``paid``, the payment facts (struct) a strategy that optimises scores from."""
    from pyspark.sql import functions as F  # noqa: N812

    frame = read_frame(spark, snapshot, "features")
    facts = read_frame(spark, snapshot, FACTS)
    fields = [c for c in facts.columns if c != "loan_id"]
    frame = frame.join(
        facts.select("loan_id", F.struct(*fields).alias(FACTS)), on="loan_id", how="left"
    )
    for name in NESTED:
        child = read_frame(spark, snapshot, name)
        fields = [c for c in child.columns if c != "loan_id"]
        grouped = child.groupBy("loan_id").agg(F.collect_list(F.struct(*fields)).alias(name))
        frame = frame.join(grouped, on="loan_id", how="left")
    if paid:
        if not exists(spark, join(snapshot, PAID)):
            raise SnapshotError(
                f"{snapshot} has no payment facts (paid/): its strategy optimises, so export "
                "the snapshot again with this version of arrears"
            )
        facts = read_frame(spark, snapshot, PAID)
        fields = [c for c in facts.columns if c != "loan_id"]
        frame = frame.join(
            facts.select("loan_id", F.struct(*fields).alias(PAID)), on="loan_id", how="left"
        )
    return frame
