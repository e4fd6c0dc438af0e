"""Agent performance, from the call tasks assigned to each agent.

For call tasks due in the window ``(start, end]`` with an assignee:

* **tasks** and **completed** (status ``done`` or ``completed``) per agent;
* **accounts** = distinct loans the agent had a task on;
* **collected** = good payments on those loans in the ``outcome_days`` after the agent's first
  task on the loan in the window (and by the as-of date); **paying accounts** = those with any;
* **collected per task** = collected ÷ tasks.

An account worked by two agents counts for both: this is attribution by contact, not a causal
estimate (experiments answer "what works").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import polars as pl

from arrears.analytics.inputs import collected
from arrears.analytics.partials import combine, ratio
from arrears.analytics.periods import Window

KEYS = ["agent"]
COMPLETED = ("done", "completed")


def agent_partial(
    actions: pl.DataFrame, payments: pl.DataFrame, window: Window, *, outcome_days: int
) -> pl.DataFrame:
    tasks = actions.filter(
        (pl.col("kind") == "call_task")
        & pl.col("assigned_to").is_not_null()
        & (pl.col("due_on") > window.start)
        & (pl.col("due_on") <= window.end)
    )
    per_account = tasks.group_by("assigned_to", "loan_id").agg(
        pl.len().cast(pl.Int64).alias("tasks"),
        pl.col("status").is_in(COMPLETED).sum().cast(pl.Int64).alias("completed"),
        pl.col("due_on").min().alias("first_task"),
    )
    paid = (
        per_account.select("assigned_to", "loan_id", "first_task")
        .join(payments.filter(collected()), on="loan_id")
        .filter(
            (pl.col("effective_date") > pl.col("first_task"))
            & (pl.col("effective_date") <= pl.col("first_task") + timedelta(days=outcome_days))
            & (pl.col("effective_date") <= window.end)
        )
        .group_by("assigned_to", "loan_id")
        .agg(pl.col("amount_minor").sum().cast(pl.Int64).alias("collected_minor"))
    )
    return (
        per_account.join(paid, on=["assigned_to", "loan_id"], how="left")
        .with_columns(pl.col("collected_minor").fill_null(0))
        .group_by(pl.col("assigned_to").alias("agent"))
        .agg(
            pl.col("tasks").sum(),
            pl.col("completed").sum(),
            pl.len().cast(pl.Int64).alias("accounts"),
            (pl.col("collected_minor") > 0).sum().cast(pl.Int64).alias("paying_accounts"),
            pl.col("collected_minor").sum(),
        )
    )


def agent_performance(parts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    combined = combine(parts, KEYS)
    if combined.height == 0:
        return combined
    return combined.with_columns(
        ratio("collected_minor", "tasks").alias("collected_per_task"),
        ratio("paying_accounts", "accounts").alias("paying_rate"),
    ).sort("collected_minor", "agent", descending=[True, False])
