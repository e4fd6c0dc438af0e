"""A snapshot's frames as one Spark row per account, partitioned by account.

The facts (one row per account) become a struct beside the features; history, holds and recent
contacts (several rows per account) become lists of structs. Grouping and joining on
``loan_id`` hash-partitions the rows by account, so each Spark task holds whole accounts with
everything the decision step reads about them, and nothing crosses partitions afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arrears.adapters.snapshot.layout import INPUTS
from arrears.adapters.spark.files import join
from arrears.adapters.spark.partitions import FACTS, NESTED

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def read_frame(spark: SparkSession, snapshot: str, name: str) -> DataFrame:
    """One frame of the snapshot with its columns in the snapshot's order."""
    return spark.read.parquet(join(snapshot, name)).select(*INPUTS[name].names())


def accounts(spark: SparkSession, snapshot: str) -> DataFrame:
    """One row per account: features, ``facts`` (struct), and the nested frames (lists)."""
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
    return frame
