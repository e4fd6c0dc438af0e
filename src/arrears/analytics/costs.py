"""What collecting costs: actions done, their catalogue cost, and per recovery.

For a window ``(start, end]``:

* **actions done** = actions due in the window whose status is not one of
  ``inputs.NOT_DONE_STATUSES`` (deliberate "do nothing" decisions are not actions);
* **cost** = Σ over actions done of the treatment's ``cost_minor`` in the catalogue;
* **contacts** = actions done in the ``contact`` category (messages and call tasks): the
  outbound contact attempts the strategy made;
* **cost to collect** = cost ÷ collected in the window from accounts in arrears or charged off at
  its start (``recovery``);
* **actions per recovery** and **contacts per recovery** = actions (contacts) done ÷ recovered
  accounts (``recovery``: cures plus charged-off accounts that paid).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from arrears.analytics.inputs import NOT_DONE_STATUSES
from arrears.analytics.partials import combine, ratio
from arrears.analytics.periods import Window

KEYS = ["treatment", "kind"]


def done_actions(
    actions: pl.DataFrame, costs: pl.DataFrame, *, after: date, through: date
) -> pl.DataFrame:
    """Actions done with due dates in ``(after, through]``, each with its ``cost_minor``."""
    return (
        actions.filter(
            (pl.col("due_on") > after)
            & (pl.col("due_on") <= through)
            & (pl.col("kind") != "none")
            & ~pl.col("status").is_in(sorted(NOT_DONE_STATUSES))
        )
        .join(costs.select("treatment", "cost_minor"), on="treatment", how="left")
        .with_columns(pl.col("cost_minor").fill_null(0))
    )


def cost_partial(actions: pl.DataFrame, costs: pl.DataFrame, window: Window) -> pl.DataFrame:
    """Per treatment: actions done in the window, contacts among them and their cost."""
    return (
        done_actions(actions, costs, after=window.start, through=window.end)
        .group_by("treatment", "kind")
        .agg(
            pl.len().cast(pl.Int64).alias("actions"),
            (pl.col("category") == "contact").sum().cast(pl.Int64).alias("contacts"),
            pl.col("cost_minor").sum().cast(pl.Int64),
        )
    )


def cost_by_treatment(parts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    combined = combine(parts, KEYS)
    if combined.height == 0:
        return combined
    return combined.sort(["cost_minor", "actions"], descending=True)


def cost_summary(
    by_treatment: pl.DataFrame, *, collected_minor: int, recovered: int
) -> pl.DataFrame:
    """One row: cost, collected, recoveries and the three ratios."""
    actions = int(by_treatment["actions"].sum()) if by_treatment.height else 0
    contacts = int(by_treatment["contacts"].sum()) if by_treatment.height else 0
    cost = int(by_treatment["cost_minor"].sum()) if by_treatment.height else 0
    return pl.DataFrame(
        {
            "cost_minor": [cost],
            "collected_minor": [collected_minor],
            "recovered": [recovered],
            "actions": [actions],
            "contacts": [contacts],
        },
        schema=dict.fromkeys(
            ("cost_minor", "collected_minor", "recovered", "actions", "contacts"), pl.Int64
        ),
    ).with_columns(
        ratio("cost_minor", "collected_minor").alias("cost_to_collect"),
        ratio("actions", "recovered").alias("actions_per_recovery"),
        ratio("contacts", "recovered").alias("contacts_per_recovery"),
    )


def daily_cost_partial(
    actions: pl.DataFrame, costs: pl.DataFrame, *, after: date, through: date
) -> pl.DataFrame:
    """Cost of the actions done on each day in ``(after, through]`` (for trailing sums)."""
    return (
        done_actions(actions, costs, after=after, through=through)
        .group_by(pl.col("due_on").alias("day"))
        .agg(pl.col("cost_minor").sum().cast(pl.Int64))
    )
