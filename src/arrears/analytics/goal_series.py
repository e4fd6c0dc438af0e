"""Goal metrics for every day of the trend, per segment, from the event history.

Each goal metric (``goals.GOAL_METRICS``) on day ``d`` is computed over the trailing window
``(d − W, d]`` exactly as the report computes it for the as-of date (``recovery``, ``costs``),
so yesterday's value is what the report would have said yesterday with today's knowledge —
a payment backdated into last week moves last week's points. Partials are long rows
``(day, dimension, key, measure, value)`` so partitions add up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from arrears.analytics.costs import done_actions
from arrears.analytics.forecast import bounded, goal_status, linear_forecast
from arrears.analytics.goals import Goal
from arrears.analytics.partials import combine
from arrears.analytics.periods import Window
from arrears.analytics.recovery import window_accounts, window_partial
from arrears.analytics.report_model import GoalProgress
from arrears.analytics.snapshots import CHARGED_OFF, Snapshots

KEYS = ["day", "dimension", "key", "measure"]
_WINDOW_MEASURES = ["balance_minor", "collected_minor", "delinquent", "cured", "rolled_forward"]
_SERIOUS_DPD = 30


def goal_partial(
    snapshots: Snapshots,
    payments: pl.DataFrame,
    actions: pl.DataFrame,
    costs: pl.DataFrame,
    *,
    days: Sequence[date],
    window_days: int,
) -> pl.DataFrame:
    """The measures every goal metric needs, for each of ``days`` (snapshots must cover each
    day and the day ``window_days`` before it)."""
    parts = []
    for day in days:
        window = Window.ending(day, days=window_days)
        accounts = window_accounts(
            snapshots.on(window.start),
            snapshots.on(day),
            payments,
            window,
            facts=snapshots.facts,
        )
        sums = window_partial(accounts).filter(pl.col("dimension") != "vintage")
        parts.append(_long(sums, day, _WINDOW_MEASURES))
        parts.append(
            _long(
                _delinquency_sums(snapshots.on(day), snapshots.facts),
                day,
                ["open_minor", "serious_minor"],
            )
        )
        cost = done_actions(actions, costs, after=window.start, through=day)["cost_minor"].sum()
        parts.append(
            pl.DataFrame({"dimension": ["total"], "key": ["all"], "cost_minor": [int(cost)]}).pipe(
                _long, day, ["cost_minor"]
            )
        )
    return combine(parts, KEYS) if parts else pl.DataFrame()


def _delinquency_sums(day_snapshots: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    open_accounts = day_snapshots.filter(
        (pl.col("segment") != CHARGED_OFF) & (pl.col("outstanding_minor") > 0)
    ).join(facts.select("loan_id", "product"), on="loan_id", how="left")
    serious = pl.col("outstanding_minor").filter(pl.col("dpd") >= _SERIOUS_DPD)
    aggregations = [
        pl.col("outstanding_minor").sum().cast(pl.Int64).alias("open_minor"),
        serious.sum().cast(pl.Int64).alias("serious_minor"),
    ]
    total = open_accounts.select(aggregations).with_columns(
        pl.lit("total").alias("dimension"), pl.lit("all").alias("key")
    )
    by_product = open_accounts.group_by(pl.col("product").alias("key")).agg(aggregations)
    return pl.concat(
        [total, by_product.with_columns(pl.lit("product").alias("dimension"))],
        how="diagonal",
    )


def _long(frame: pl.DataFrame, day: date, measures: list[str]) -> pl.DataFrame:
    return frame.unpivot(
        index=["dimension", "key"], on=measures, variable_name="measure", value_name="value"
    ).select(
        pl.lit(day).alias("day"),
        "dimension",
        "key",
        "measure",
        pl.col("value").cast(pl.Int64),
    )


_FORMULAS: dict[str, tuple[str, str | None]] = {
    "cure_rate": ("cured", "delinquent"),
    "recovery_rate": ("collected_minor", "balance_minor"),
    "roll_forward_rate": ("rolled_forward", "delinquent"),
    "delinquency_rate": ("serious_minor", "open_minor"),
    "collected_minor": ("collected_minor", None),
    "cost_to_collect": ("cost_minor", "collected_minor"),
}
"""Each goal metric as (numerator measure, denominator measure or None for an amount)."""


def goal_series(
    combined: pl.DataFrame, goal: Goal, *, days: Sequence[date]
) -> list[tuple[date, float | None]]:
    """The goal's metric for each day (None where its denominator is zero)."""
    numerator, denominator = _FORMULAS[goal.metric]
    dimension = "total" if goal.segment == "all" else goal.segment_kind
    key = "all" if goal.segment == "all" else goal.segment_value
    if goal.metric == "cost_to_collect":
        dimension, key = "total", "all"
    values: dict[tuple[date, str], int] = {}
    if combined.height:
        rows = combined.filter((pl.col("dimension") == dimension) & (pl.col("key") == key))
        values = {
            (row[0], row[1]): int(row[2])
            for row in rows.select("day", "measure", "value").iter_rows()
        }
    series: list[tuple[date, float | None]] = []
    for day in days:
        top = values.get((day, numerator), 0)
        if denominator is None:
            series.append((day, float(top)))
            continue
        bottom = values.get((day, denominator), 0)
        series.append((day, top / bottom if bottom else None))
    return series


def progress(goal: Goal, series: list[tuple[date, float | None]], *, as_of: date) -> GoalProgress:
    """The goal's latest value, trend forecast on its deadline and status."""
    known = [value for _, value in series if value is not None]
    current = known[-1] if known else None
    forecast = linear_forecast(series, at=goal.deadline) if as_of < goal.deadline else None
    if forecast is not None:
        ceiling = 1.0 if goal.definition.unit == "ratio" else float("inf")
        forecast = bounded(forecast, low=0.0, high=ceiling)
    status = goal_status(goal, current=current, forecast=forecast, as_of=as_of)
    note = "" if known else "no accounts in this segment on any day of the trend"
    return GoalProgress(goal, status, current, tuple(series), forecast, note)
