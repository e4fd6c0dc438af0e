"""Recovery, cure and roll-forward over a trailing window, by bucket, vintage and product.

For a window ``(start, end]`` (``periods.Window``), the accounts measured are those **in
arrears** (1+ days past due, not charged off, something owed) or **charged off** on ``start``;
each is classified by its segment on ``start`` (bucket or ``charged off``), its origination
vintage (quarter) and its product. Then:

* **collected** = good payments effective in the window from those accounts;
* **recovery rate** = collected ÷ what those accounts owed on ``start`` (outstanding);
* **past-due coverage** = collected ÷ what was past due on ``start`` (above 1 when accounts
  also paid installments falling due in the window);
* **cure rate** = of the accounts in arrears on ``start``, the share at 0 days past due and not
  charged off on ``end`` (paying off counts as a cure);
* **roll-forward rate** = of the accounts in arrears on ``start``, the share in a worse bucket or
  charged off on ``end``;
* **recovered accounts** = cures, plus charged-off accounts that paid anything in the window
  (the denominator of "actions per recovery", ``costs``).

Payments and states are as of now for those dates, so a payment backdated into the window
counts, and one backdated before ``start`` changes who was in arrears.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from arrears.analytics.inputs import collected
from arrears.analytics.partials import combine, ordered, ratio
from arrears.analytics.periods import Window
from arrears.analytics.snapshots import CHARGED_OFF, in_arrears_or_charged_off, segment_order

KEYS = ["dimension", "key"]
DIMENSIONS = {
    "total": pl.lit("all"),
    "bucket": pl.col("segment").cast(pl.String),
    "vintage": pl.col("vintage"),
    "product": pl.col("product"),
}
COUNTS = [
    "accounts",
    "balance_minor",
    "collected_minor",
    "payers",
    "delinquent",
    "cured",
    "recovered",
    "rolled_forward",
]


def collected_in(payments: pl.DataFrame, window: Window) -> pl.DataFrame:
    """Good payments per loan effective in the window (``loan_id``, ``collected_minor``)."""
    return (
        payments.filter(
            collected()
            & (pl.col("effective_date") > window.start)
            & (pl.col("effective_date") <= window.end)
        )
        .group_by("loan_id")
        .agg(pl.col("amount_minor").sum().cast(pl.Int64).alias("collected_minor"))
    )


def window_accounts(
    start: pl.DataFrame,
    end: pl.DataFrame,
    payments: pl.DataFrame,
    window: Window,
    *,
    facts: pl.DataFrame,
) -> pl.DataFrame:
    """One row per account measured, with its outcome flags (the rows ``window_partial`` sums).

    ``start`` and ``end`` are ``snapshots`` rows (segments of one ``Enum``, worst last);
    ``facts`` gives each loan's product and vintage."""
    at_end = end.select(
        "loan_id", pl.col("dpd").alias("dpd_end"), pl.col("segment").alias("segment_end")
    )
    frame = (
        start.filter(in_arrears_or_charged_off())
        .join(collected_in(payments, window), on="loan_id", how="left")
        .join(at_end, on="loan_id", how="left")
        .join(facts, on="loan_id", how="left")
        .with_columns(pl.col("collected_minor").fill_null(0))
    )
    delinquent = pl.col("segment") != CHARGED_OFF
    charged_at_end = pl.col("segment_end") == CHARGED_OFF
    cured = delinquent & (pl.col("dpd_end") == 0) & ~charged_at_end
    worse = pl.col("segment_end").to_physical() > pl.col("segment").to_physical()
    paid = pl.col("collected_minor") > 0
    return frame.with_columns(
        delinquent.alias("delinquent"),
        cured.fill_null(False).alias("cured"),
        (cured.fill_null(False) | (~delinquent & paid)).alias("recovered"),
        (delinquent & (charged_at_end | worse)).fill_null(False).alias("rolled_forward"),
        paid.alias("payer"),
    )


def window_partial(accounts: pl.DataFrame) -> pl.DataFrame:
    """Sums per (dimension, key) of ``window_accounts`` rows."""
    parts = [
        accounts.group_by(expression.alias("key"))
        .agg(
            pl.len().cast(pl.Int64).alias("accounts"),
            pl.col("outstanding_minor").sum().cast(pl.Int64).alias("balance_minor"),
            pl.col("past_due_minor").sum().cast(pl.Int64),
            pl.col("collected_minor").sum().cast(pl.Int64),
            pl.col("payer").sum().cast(pl.Int64).alias("payers"),
            pl.col("delinquent").sum().cast(pl.Int64),
            pl.col("cured").sum().cast(pl.Int64),
            pl.col("recovered").sum().cast(pl.Int64),
            pl.col("rolled_forward").sum().cast(pl.Int64),
        )
        .select(pl.lit(dimension).alias("dimension"), pl.all())
        for dimension, expression in DIMENSIONS.items()
    ]
    return pl.concat(parts)


def window_rates(parts: Sequence[pl.DataFrame], *, bucket_names: Sequence[str]) -> pl.DataFrame:
    """Combined sums with ``recovery_rate``, ``cure_rate`` and ``roll_forward_rate``; rows in
    dimension order (total, bucket, vintage, product), buckets in their order."""
    combined = combine(parts, KEYS)
    if combined.height == 0:
        return combined
    with_rates = combined.with_columns(
        ratio("collected_minor", "balance_minor").alias("recovery_rate"),
        ratio("collected_minor", "past_due_minor").alias("past_due_coverage"),
        ratio("cured", "delinquent").alias("cure_rate"),
        ratio("rolled_forward", "delinquent").alias("roll_forward_rate"),
    )
    frames = []
    for dimension in DIMENSIONS:
        rows = with_rates.filter(pl.col("dimension") == dimension)
        order = segment_order(bucket_names) if dimension == "bucket" else []
        frames.append(ordered(rows, "key", order))
    return pl.concat(frames)


def dimension(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    return frame.filter(pl.col("dimension") == name)
