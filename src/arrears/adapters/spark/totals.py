"""The run's totals on Spark: the cycle summary computed by aggregations over the decided rows.

Only the aggregates travel to the driver (a few hundred rows: buckets, treatments, reasons);
the summary has the same shape and the same numbers as the one-machine engine's, which sums
the partitions' summaries (``batch.cycle_rows.summarise``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arrears.adapters.spark.partitions import WHY

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class Totals:
    summary: dict[str, Any]
    rows: dict[str, int]


def totals(decided: DataFrame, items: DataFrame) -> Totals:
    """``decided`` is one row per account; ``items`` the exploded items (with ``why``)."""
    buckets = {
        str(r["bucket"]): int(r["count"]) for r in decided.groupBy("bucket").count().collect()
    }
    counted = items.groupBy("status", "treatment", WHY).count().collect()
    planned: Counter[str] = Counter()
    blocked: Counter[str] = Counter()
    for row in counted:
        if row["status"] == "planned":
            planned[str(row["treatment"])] += int(row["count"])
        elif row["status"] == "blocked":
            blocked[row[WHY]] += int(row["count"])
    accounts = sum(buckets.values())
    summary = {"buckets": buckets, "actions": dict(planned), "blocked": dict(blocked),
               "accounts": accounts}  # fmt: skip
    rows = {"decisions": accounts, "decision_items": sum(int(r["count"]) for r in counted),
            "actions": sum(planned.values())}  # fmt: skip
    return Totals(summary, rows)
