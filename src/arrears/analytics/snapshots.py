"""Each loan's standing on each date of a report, rebuilt from its events as of that date.

The **segment** of a loan on a date is ``charged off`` once its charge-off date is reached,
else ``paid / closed`` when nothing is outstanding (``balances``), else its delinquency bucket
(days past due from ``batch.delinquency``). Loans not yet booked on a date have no row for it.

``batch.delinquency.delinquency_at`` returns one block of rows per date, dates in the order
asked and loans in input order within each block; ``Snapshots`` keeps that order so the rows
of one date are a zero-copy slice, and it carries the loans' product and vintage separately
(``facts``) rather than on every row: a partition's snapshots are tens of millions of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import polars as pl

from arrears.analytics.balances import Balances
from arrears.analytics.periods import quarter_label

CHARGED_OFF: Final = "charged off"
CLOSED: Final = "paid / closed"
_EPOCH = date(1970, 1, 1)

SNAPSHOTS: Final = pl.Schema(
    {
        "as_of": pl.Date,
        "loan_id": pl.Int64,
        "segment": pl.String,
        "dpd": pl.Int32,
        "past_due_minor": pl.Int64,
        "outstanding_minor": pl.Int64,
        "dofd": pl.Date,
    }
)
"""One row per (date, booked loan): its segment (an ``Enum`` of ``segment_order`` in
``Snapshots``) and amounts on that date."""


def segment_order(bucket_names: Sequence[str]) -> list[str]:
    """Buckets in their order, then the two segments that are no longer collected as arrears."""
    return [*bucket_names, CHARGED_OFF, CLOSED]


def segment_type(bucket_names: Sequence[str]) -> pl.Enum:
    """Segments as an ``Enum``: one small integer per row, ordered worst-last."""
    return pl.Enum(segment_order(bucket_names))


@dataclass(frozen=True)
class Snapshots:
    """The standing of a partition's loans on each date, one contiguous block per date."""

    frame: pl.DataFrame
    blocks: dict[date, tuple[int, int]]
    facts: pl.DataFrame  # loan_id, product, vintage

    def on(self, day: date) -> pl.DataFrame:
        """The rows of ``day`` (empty when it is not one of the dates)."""
        offset, length = self.blocks.get(day, (0, 0))
        return self.frame.slice(offset, length)

    @property
    def dates(self) -> list[date]:
        return list(self.blocks)


def loan_facts(loans: pl.DataFrame) -> pl.DataFrame:
    """``loan_id``, ``product`` and origination ``vintage`` (quarter) for breakdowns."""
    return loans.select("loan_id", "product", quarter_label("origination_date").alias("vintage"))


def snapshots(
    states: pl.DataFrame,
    loans: pl.DataFrame,
    owed: Balances,
    *,
    bucket_starts: Sequence[int],
    bucket_names: Sequence[str],
) -> Snapshots:
    """``Snapshots`` from ``batch.frames.DELINQUENCY_AT`` rows computed for ``loans`` (blocks
    of ``loans.height`` rows per date, loans in the order of ``loans``)."""
    count = loans.height
    if count == 0 or states.height % count:
        raise ValueError("states must hold one block of every loan per date")
    dates = states["as_of"].gather(np.arange(0, states.height, count)).to_list()
    if dates != sorted(dates):
        raise ValueError("states must come in ascending date order")
    numbers = np.array([(day - _EPOCH).days for day in dates], dtype=np.int64)
    outstanding = owed.on_dates(loans["loan_id"], dates)
    codes = _segment_codes(
        states["dpd"].to_numpy(),
        loans,
        outstanding,
        numbers,
        bucket_starts=bucket_starts,
        buckets=len(bucket_names),
    )
    booked = (_days(loans["origination_date"])[None, :] <= numbers[:, None]).ravel()
    frame = pl.DataFrame(
        {
            "as_of": states["as_of"],
            "loan_id": states["loan_id"],
            "segment": _segments(codes, bucket_names),
            "dpd": states["dpd"],
            "past_due_minor": states["amount_past_due_minor"],
            "outstanding_minor": pl.Series(outstanding, dtype=pl.Int64),
            "dofd": states["dofd"],
        }
    )
    if not booked.all():
        frame = frame.filter(pl.Series(booked))
    sizes = booked.reshape(len(dates), count).sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    blocks = {day: (int(o), int(n)) for day, o, n in zip(dates, offsets, sizes, strict=True)}
    return Snapshots(frame, blocks, loan_facts(loans))


def _segments(codes: np.ndarray, bucket_names: Sequence[str]) -> pl.Series:
    """The ``Enum`` column of segment codes (a gather: no text per row is ever built)."""
    names = segment_order(bucket_names)
    return pl.Series(names, dtype=segment_type(bucket_names)).gather(codes)


def _days(column: pl.Series) -> np.ndarray:
    return column.cast(pl.Int32).to_numpy().astype(np.int64)


def _segment_codes(
    dpd: np.ndarray,
    loans: pl.DataFrame,
    outstanding: np.ndarray,
    days: np.ndarray,
    *,
    bucket_starts: Sequence[int],
    buckets: int,
) -> np.ndarray:
    """Per row (date blocks of ``loans``): the bucket's index, ``buckets`` when charged off,
    ``buckets + 1`` when closed."""
    codes = np.searchsorted(np.asarray(bucket_starts), dpd, side="right") - 1
    codes = np.where(outstanding <= 0, buckets + 1, codes)
    charged_on = loans["charge_off_date"].cast(pl.Int32).fill_null(np.iinfo(np.int32).max)
    charged = (_days(charged_on)[None, :] <= days[:, None]).ravel()
    return np.asarray(np.where(charged, buckets, codes))


def is_delinquent() -> pl.Expr:
    """Past due and still collected as arrears (not charged off, something outstanding)."""
    return (pl.col("dpd") > 0) & ~pl.col("segment").is_in([CHARGED_OFF, CLOSED])


def in_arrears_or_charged_off() -> pl.Expr:
    """What recovery is measured on: delinquent accounts and charged-off accounts."""
    return is_delinquent() | (pl.col("segment") == CHARGED_OFF)
