"""The portfolio by segment over time: accounts, outstanding and past-due balance per date.

For each date of the report (month ends and the as-of date): loans booked by then, grouped by
their segment on that date (``snapshots``). This is the bucket trend chart's table.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from arrears.analytics.partials import combine, ordered
from arrears.analytics.snapshots import segment_order

KEYS = ["as_of", "segment"]


def trend_partial(rows: pl.DataFrame) -> pl.DataFrame:
    """Sums per (date, segment) of ``snapshots`` rows."""
    return rows.group_by("as_of", pl.col("segment").cast(pl.String)).agg(
        pl.len().cast(pl.Int64).alias("accounts"),
        pl.col("outstanding_minor").sum().cast(pl.Int64),
        pl.col("past_due_minor").sum().cast(pl.Int64),
    )


def trend(parts: Sequence[pl.DataFrame], *, bucket_names: Sequence[str]) -> pl.DataFrame:
    """Totals per (date, segment), segments in order within each date, dates ascending."""
    combined = combine(parts, KEYS)
    if combined.height == 0:
        return combined
    dates = combined.select("as_of").unique()
    grid = dates.join(pl.DataFrame({"segment": segment_order(bucket_names)}), how="cross")
    full = grid.join(combined, on=KEYS, how="left").fill_null(0)
    return ordered(full, "segment", segment_order(bucket_names)).sort("as_of", maintain_order=True)
