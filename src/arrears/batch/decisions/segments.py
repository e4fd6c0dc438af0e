"""Segment assignment: the first segment of the strategy whose conditions each account meets."""

from __future__ import annotations

import polars as pl

from arrears.batch.decisions.conditions import columns, matches
from arrears.batch.decisions.frames import FEATURES
from arrears.batch.frames import conform
from arrears.strategy.model import Strategy


def assign_segments(features: pl.DataFrame, strategy: Strategy) -> pl.DataFrame:
    """``SEGMENTS`` for every account of ``features``, in the same order, in one pass."""
    frame = conform(features, FEATURES, name="features", columns=feature_columns(strategy))
    names = [segment.name for segment in strategy.segments]
    return frame.select(pl.col("loan_id"), segment_index(strategy).alias("segment_index")).select(
        pl.col("loan_id"),
        pl.col("segment_index")
        .replace_strict(range(len(names)), names, default=None, return_dtype=pl.String)
        .alias("segment"),
        pl.col("segment_index"),
    )


def segment_index(strategy: Strategy) -> pl.Expr:
    """The position of the first matching segment (Int32; null when none matches)."""
    firsts = [
        pl.when(matches(segment.when, strategy.buckets)).then(pl.lit(index, dtype=pl.Int32))
        for index, segment in enumerate(strategy.segments)
    ]
    return pl.coalesce(firsts) if firsts else pl.lit(None, dtype=pl.Int32)


def feature_columns(strategy: Strategy) -> list[str]:
    """The FEATURES columns the strategy's segment conditions read (with ``loan_id``)."""
    used = {c for s in strategy.segments for c in columns(s.when)}
    return [name for name in FEATURES.names() if name == "loan_id" or name in used]
