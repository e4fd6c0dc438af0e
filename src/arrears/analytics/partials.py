"""Partition by partition: metrics are sums first, ratios last.

Each metric's ``*_partial`` function returns, for one partition of loans, key columns and
additive columns (counts, amounts, weighted sums). Partials of every partition are summed by
key (``combine``) and only then turned into rates, so the answer does not depend on how the
portfolio was partitioned and memory stays bounded by the largest partition.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def combine(parts: Sequence[pl.DataFrame], keys: Sequence[str]) -> pl.DataFrame:
    """Sum every non-key column of ``parts`` by ``keys`` (an empty list gives no rows)."""
    frames = [part for part in parts if part.height]
    if not frames:
        return parts[0].clear() if parts else pl.DataFrame()
    stacked = pl.concat(frames, how="vertical_relaxed")
    values = [column for column in stacked.columns if column not in keys]
    if not keys:
        return stacked.select(pl.col(values).sum())
    return stacked.group_by(keys, maintain_order=True).agg(pl.col(values).sum())


def ratio(numerator: str, denominator: str) -> pl.Expr:
    """``numerator / denominator`` as a float, null when the denominator is zero."""
    return (
        pl.when(pl.col(denominator) != 0)
        .then(pl.col(numerator).cast(pl.Float64) / pl.col(denominator).cast(pl.Float64))
        .otherwise(None)
    )


def ordered(frame: pl.DataFrame, column: str, order: Sequence[str]) -> pl.DataFrame:
    """Rows sorted by ``column`` in the given order (values not listed last, alphabetically)."""
    rank = {value: index for index, value in enumerate(order)}
    return (
        frame.with_columns(
            pl.col(column)
            .replace_strict(rank, default=len(rank), return_dtype=pl.Int32)
            .alias("_rank")
        )
        .sort("_rank", column)
        .drop("_rank")
    )
