"""Applying holds to the day's candidate treatments: allowed, or blocked with the hold's rule.

``arrears.domain.holds.BLOCKS`` says which action categories each kind of hold forbids; a
candidate whose category a hold in force forbids is blocked by that hold (the first one, in the
table's order), with its reason and legal source. A candidate that lacks a requirement
(consent, contact point) is blocked as ``missing``. Nothing is dropped.
"""

from __future__ import annotations

import polars as pl

from arrears.domain.holds import BLOCKS

DECIDED_COLUMNS = ["status", "blocked_by", "reason", "source"]


def _blocks_table() -> pl.DataFrame:
    rows = [
        (rank, kind.value, category.value, rule.reason, rule.source)
        for rank, (kind, rule) in enumerate(BLOCKS.items())
        for category in rule.blocks
    ]
    return pl.DataFrame(
        rows, schema=["hold_rank", "kind", "category", "hold_reason", "hold_source"], orient="row"
    )


def apply_holds(candidates: pl.DataFrame, holds: pl.DataFrame) -> pl.DataFrame:
    """``candidates`` with ``status`` (planned/blocked), ``blocked_by``, ``reason``, ``source``.

    ``holds`` has one row per (loan_id, hold_id, kind) in force on the cycle's date.
    """
    blocking = (
        holds.join(_blocks_table(), on="kind")
        .sort("loan_id", "hold_rank", "hold_id")
        .select(
            "loan_id",
            "category",
            pl.format(
                "{} hold #{}: {}", pl.col("kind"), pl.col("hold_id"), pl.col("hold_reason")
            ).alias("hold_text"),
            "hold_source",
        )
        .unique(subset=["loan_id", "category"], keep="first", maintain_order=True)
    )
    joined = candidates.join(blocking, on=["loan_id", "category"], how="left")
    held = pl.col("hold_text").is_not_null()
    missing = pl.col("missing").is_not_null()
    return joined.with_columns(
        pl.when(held | missing)
        .then(pl.lit("blocked"))
        .otherwise(pl.lit("planned"))
        .alias("status"),
        pl.when(held)
        .then(pl.lit("hold"))
        .when(missing)
        .then(pl.lit("missing"))
        .alias("blocked_by"),
        pl.when(held)
        .then(pl.col("hold_text"))
        .when(missing)
        .then(pl.lit("needs ") + pl.col("missing"))
        .alias("reason"),
        pl.when(held).then(pl.col("hold_source")).alias("source"),
    ).drop("hold_text", "hold_source")
