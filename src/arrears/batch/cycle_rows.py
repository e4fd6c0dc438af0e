"""The rows a partition's decisions are stored as: decisions, decision items and actions.

Pure: the partition's features and what ``cycle_decide.decide`` returned in, three frames with
the columns of the ``decisions``, ``decision_items`` and ``actions`` tables out. Every engine
(the database, Parquet snapshots, Spark) builds its rows here, so what they store is the same
column for column. ``decision_items.action_id`` is null here: the database fills it in when the
actions get their ids; elsewhere an item finds its action by (run_id, loan_id, treatment).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import polars as pl

from arrears.batch.cycle_decide import Decided
from arrears.batch.cycle_features import call_priority, call_queue

DECISION_ROWS: Final = pl.Schema(
    {
        "run_id": pl.Int64,
        "loan_id": pl.Int64,
        "as_of": pl.Date,
        "segment": pl.String,
        "experiment": pl.String,
        "arm": pl.String,
        "arm_probability": pl.Float64,
        "dpd": pl.Int32,
        "bucket": pl.String,
        "balance_minor": pl.Int64,
        "past_due_minor": pl.Int64,
        "score": pl.Float64,
    }
)
"""One row per account decided (the ``decisions`` table)."""

ITEM_ROWS: Final = pl.Schema(
    {
        "run_id": pl.Int64,
        "loan_id": pl.Int64,
        "treatment": pl.String,
        "rank": pl.Int32,
        "rule": pl.String,
        "status": pl.String,
        "blocked_by": pl.String,
        "reason": pl.String,
        "source": pl.String,
        "action_id": pl.Int64,
    }
)
"""One row per account and treatment due, planned or blocked (``decision_items``)."""

ACTION_ROWS: Final = pl.Schema(
    {  # type: ignore[arg-type]
        "run_id": pl.Int64,
        "loan_id": pl.Int64,
        "borrower_id": pl.Int64,
        "treatment": pl.String,
        "kind": pl.String,
        "channel": pl.String,
        "template": pl.String,
        "category": pl.String,
        "queue": pl.String,
        "priority": pl.Int32,
        "status": pl.String,
        "due_on": pl.Date,
        "created_at": pl.Datetime("us", "UTC"),
        "updated_at": pl.Datetime("us", "UTC"),
        "details": pl.String,
    }
)
"""One row per planned treatment (``actions``, without the id the database gives it)."""


@dataclass(frozen=True)
class CycleRows:
    """A partition's rows for the three tables, and its summary (counts for the run report)."""

    decisions: pl.DataFrame
    items: pl.DataFrame
    actions: pl.DataFrame
    summary: dict[str, Any]


def cycle_rows(
    features: pl.DataFrame, outcome: Decided, *, run_id: int, as_of: date, now: datetime
) -> CycleRows:
    """The rows of one decided partition (``now`` stamps the actions' creation)."""
    decided = outcome.decided
    return CycleRows(
        decisions=decision_rows(
            features, outcome.segments, outcome.arms, run_id=run_id, as_of=as_of
        ).cast(DECISION_ROWS),
        items=item_rows(decided, run_id=run_id).cast(ITEM_ROWS),
        actions=action_rows(decided, features, run_id=run_id, as_of=as_of, now=now).cast(
            ACTION_ROWS
        ),
        summary=summarise(features, decided),
    )


def decision_rows(
    features: pl.DataFrame, segments: pl.DataFrame, arms: pl.DataFrame, *, run_id: int, as_of: date
) -> pl.DataFrame:
    first_arm = arms.unique(subset=["loan_id"], keep="first", maintain_order=True)
    return (
        features.select("loan_id", "dpd", "bucket", "balance_minor", "past_due_minor", "score")
        .join(segments.select("loan_id", "segment"), on="loan_id", how="left")
        .join(first_arm, on="loan_id", how="left")
        .with_columns(pl.lit(run_id).alias("run_id"), pl.lit(as_of).alias("as_of"))
        .select(
            "run_id",
            "loan_id",
            "as_of",
            "segment",
            "experiment",
            "arm",
            "arm_probability",
            "dpd",
            "bucket",
            "balance_minor",
            "past_due_minor",
            "score",
        )
    )


def action_rows(
    decided: pl.DataFrame, features: pl.DataFrame, *, run_id: int, as_of: date, now: Any
) -> pl.DataFrame:
    planned = decided.filter(pl.col("status") == "planned").join(
        features.select(
            "loan_id", "borrower_id", "dpd", "balance_minor", "promise", "score", "charged_off"
        ),
        on="loan_id",
    )
    is_call = pl.col("kind") == "call_task"
    planned = planned.join(_details(planned), on=list(_DETAILS), how="left", nulls_equal=True)
    return planned.select(
        pl.lit(run_id).alias("run_id"),
        "loan_id",
        "borrower_id",
        "treatment",
        "kind",
        "channel",
        "template",
        "category",
        pl.when(is_call)
        .then(call_queue())
        .when(pl.col("kind") == "review")
        .then(pl.col("review_queue"))
        .otherwise(pl.col("channel"))
        .alias("queue"),
        pl.when(is_call).then(call_priority()).otherwise(pl.col("priority")).alias("priority"),
        pl.lit("pending").alias("status"),
        pl.lit(as_of).alias("due_on"),
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
        "details",
    )


_DETAILS = ("segment", "rule", "experiment", "arm", "disclosures")


def _details(planned: pl.DataFrame) -> pl.DataFrame:
    """An action's ``details`` (JSON of what led to it, nulls left out) for each distinct
    combination: a day has few of them, so each is written once and joined to its actions."""
    distinct = planned.select(_DETAILS).unique()
    texts = [
        json.dumps({k: v for k, v in row.items() if v is not None})
        for row in distinct.iter_rows(named=True)
    ]
    return distinct.with_columns(pl.Series("details", texts, dtype=pl.String))


def item_rows(decided: pl.DataFrame, *, run_id: int) -> pl.DataFrame:
    return decided.select(
        pl.lit(run_id).alias("run_id"),
        "loan_id",
        "treatment",
        pl.col("order").alias("rank"),
        "rule",
        "status",
        "blocked_by",
        pl.col("reason").str.slice(0, 300),
        pl.col("source").str.slice(0, 200),
        pl.lit(None, dtype=pl.Int64).alias("action_id"),
    )


def summarise(features: pl.DataFrame, decided: pl.DataFrame) -> dict[str, Any]:
    """Accounts by bucket, planned actions by treatment, blocked ones by reason."""
    planned = decided.filter(pl.col("status") == "planned")
    blocked = decided.filter(pl.col("status") == "blocked")
    reasons = blocked.select(blocked_why().alias("why"))
    return {
        "buckets": dict(Counter(features.get_column("bucket").to_list())),
        "actions": dict(Counter(planned.get_column("treatment").to_list())),
        "blocked": dict(Counter(reasons.get_column("why").to_list())),
        "accounts": features.height,
    }


def blocked_why() -> pl.Expr:
    """What the run summary counts a blocked item under: the kind of hold, the compliance
    rule, or the reason itself (a missing requirement)."""
    return (
        pl.when(pl.col("blocked_by") == "hold")
        .then(pl.lit("hold: ") + pl.col("reason").str.extract(r"^(\w+) hold", 1))
        .when(pl.col("blocked_by") == "compliance")
        .then(pl.lit("compliance: ") + pl.col("reason").str.extract(r"^([\w.]+):", 1))
        .otherwise(pl.col("reason"))
    )


def combine_summaries(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The run's summary from its partitions' summaries."""
    total: dict[str, Any] = {"buckets": Counter(), "actions": Counter(), "blocked": Counter()}
    accounts = 0
    for part in parts:
        for key in ("buckets", "actions", "blocked"):
            total[key].update(part.get(key, {}))
        accounts += int(part.get("accounts", 0))
    return {**{k: dict(v) for k, v in total.items()}, "accounts": accounts}
