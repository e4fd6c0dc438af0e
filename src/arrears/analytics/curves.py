"""Recovery curves: cumulative collections by months since delinquency or charge-off.

Two families of cohorts, each followed month by month (``periods.months_after``):

* **delinquency**: accounts that became 30+ days past due during a month — 30+ DPD (and not
  charged off) at its month end, and under 30 DPD, closed or not yet booked at the month end
  before. The starting balance is what they owed at that month end; month ``k`` collects the
  good payments in the ``k``-th month after it. Month-end snapshots, like the roll rates: an
  episode that starts and ends between two month ends is not in any cohort.
* **charge-off**: accounts charged off during a month. The starting balance is the amount
  charged off (what was outstanding on the charge-off date when not recorded); month ``k``
  collects the good payments in the ``k``-th month after the charge-off date.

The curve point of month ``k`` is the cumulative amount collected in months ``1…k`` over the
cohort's starting balance, shown only once every account of the cohort has had ``k`` whole
months (the cohort's month end + ``k`` months is on or before the as-of date).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise

import polars as pl

from arrears.analytics.balances import Balances
from arrears.analytics.inputs import collected
from arrears.analytics.partials import combine, ratio
from arrears.analytics.periods import add_months, month_label, months_after
from arrears.analytics.snapshots import CHARGED_OFF, Snapshots

KEYS = ["curve", "cohort", "cohort_end", "month"]
DELINQUENCY = "delinquency"
CHARGE_OFF = "charge-off"
_SERIOUS_DPD = 30


def delinquency_cohorts(snapshots: Snapshots, month_ends: Sequence[date]) -> pl.DataFrame:
    """``loan_id``, ``event_date`` (the month end it entered), ``basis_minor``."""
    serious = (pl.col("dpd") >= _SERIOUS_DPD) & (pl.col("segment") != CHARGED_OFF)
    parts = []
    for earlier, later in pairwise(month_ends):
        before = snapshots.on(earlier).filter(serious).select("loan_id")
        now = snapshots.on(later).filter(serious)
        parts.append(
            now.join(before, on="loan_id", how="anti").select(
                "loan_id",
                pl.col("as_of").alias("event_date"),
                pl.col("outstanding_minor").alias("basis_minor"),
            )
        )
    return pl.concat(parts) if parts else _events()


def charge_off_cohorts(
    loans: pl.DataFrame, owed: Balances, *, since: date, as_of: date
) -> pl.DataFrame:
    """Loans charged off after ``since`` and by ``as_of``, with the amount charged off."""
    charged = loans.filter(
        (pl.col("charge_off_date") > since) & (pl.col("charge_off_date") <= as_of)
    )
    outstanding = owed.outstanding(charged["loan_id"], charged["charge_off_date"])
    return charged.with_columns(outstanding).select(
        "loan_id",
        pl.col("charge_off_date").alias("event_date"),
        pl.coalesce("charge_off_amount_minor", "outstanding_minor")
        .cast(pl.Int64)
        .alias("basis_minor"),
    )


def _events() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"loan_id": pl.Int64, "event_date": pl.Date, "basis_minor": pl.Int64}
    )


def curve_partial(
    cohorts: pl.DataFrame, payments: pl.DataFrame, *, curve: str, as_of: date, months: int
) -> pl.DataFrame:
    """Month 0 rows carry each cohort's accounts and starting balance; month ``k`` rows carry
    what was collected in month ``k`` (up to ``months``)."""
    labelled = cohorts.with_columns(
        month_label("event_date").alias("cohort"),
        pl.col("event_date").dt.month_end().alias("cohort_end"),
    )
    starts = (
        labelled.group_by("cohort", "cohort_end")
        .agg(
            pl.len().cast(pl.Int64).alias("accounts"),
            pl.col("basis_minor").sum().cast(pl.Int64),
            pl.lit(0, dtype=pl.Int64).alias("collected_minor"),
        )
        .with_columns(pl.lit(0, dtype=pl.Int32).alias("month"))
    )
    paid = (
        labelled.join(
            payments.filter(collected() & (pl.col("effective_date") <= as_of)),
            on="loan_id",
        )
        .with_columns(months_after(pl.col("event_date"), pl.col("effective_date")).alias("month"))
        .filter((pl.col("month") >= 1) & (pl.col("month") <= months))
        .group_by("cohort", "cohort_end", "month")
        .agg(pl.col("amount_minor").sum().cast(pl.Int64).alias("collected_minor"))
        .with_columns(
            pl.lit(0, dtype=pl.Int64).alias("accounts"),
            pl.lit(0, dtype=pl.Int64).alias("basis_minor"),
        )
    )
    columns = ["cohort", "cohort_end", "month", "accounts", "basis_minor", "collected_minor"]
    return pl.concat([starts.select(columns), paid.select(columns)]).select(
        pl.lit(curve).alias("curve"), pl.all()
    )


def curves(parts: Sequence[pl.DataFrame], *, as_of: date, months: int) -> pl.DataFrame:
    """One row per (curve, cohort, month ``1…months`` observed): accounts, starting balance,
    cumulative collected and the cumulative recovery rate."""
    combined = combine(parts, KEYS)
    if combined.height == 0:
        return combined
    cohorts = combined.filter(pl.col("month") == 0).select(
        "curve", "cohort", "cohort_end", "accounts", "basis_minor"
    )
    grid = cohorts.join(
        pl.DataFrame({"month": list(range(1, months + 1))}, schema={"month": pl.Int32}), how="cross"
    )
    observed = grid.filter(
        pl.struct("cohort_end", "month").map_elements(
            lambda row: add_months(row["cohort_end"], row["month"]) <= as_of,
            return_dtype=pl.Boolean,
        )
    )
    collected = combined.filter(pl.col("month") > 0).select(
        "curve", "cohort", "month", "collected_minor"
    )
    return (
        observed.join(collected, on=["curve", "cohort", "month"], how="left")
        .with_columns(pl.col("collected_minor").fill_null(0))
        .sort("curve", "cohort", "month")
        .with_columns(
            pl.col("collected_minor").cum_sum().over("curve", "cohort").alias("cumulative_minor")
        )
        .with_columns(ratio("cumulative_minor", "basis_minor").alias("recovery_rate"))
        .select(
            "curve",
            "cohort",
            "month",
            "accounts",
            "basis_minor",
            "cumulative_minor",
            "recovery_rate",
        )
    )
