"""Each loan's standing on each date of a report, rebuilt from its events as of that date.

Two things are derived here, both from the event history only:

* **outstanding** on a date: what the borrower owes per the ledger's posting rules — the
  principal advanced on origination, plus every non-principal amount (interest, fees, charges)
  that fell due on or before the date, less every good payment effective on or before it, plus
  any other borrower-side adjustment effective by then (``inputs.ADJUSTMENTS``). It equals the
  ledger's receivables less suspense as of the date;
* **segment** on a date: ``charged off`` once the charge-off date is reached, else
  ``paid / closed`` when nothing is outstanding, else the delinquency bucket (from
  ``batch.delinquency``). Loans not yet booked on a date have no row for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

import numpy as np
import polars as pl

from arrears.analytics.periods import quarter_label

CHARGED_OFF: Final = "charged off"
CLOSED: Final = "paid / closed"

_DAY_BITS = 20
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
        "product": pl.String,
        "vintage": pl.String,
    }
)
"""One row per (date, booked loan): its segment and amounts on that date, with the loan's
product and origination vintage (quarter) for breakdowns."""


def segment_order(bucket_names: Sequence[str]) -> list[str]:
    """Buckets in their order, then the two segments that are no longer collected as arrears."""
    return [*bucket_names, CHARGED_OFF, CLOSED]


def balance_events(
    loans: pl.DataFrame,
    due: pl.DataFrame,
    payments: pl.DataFrame,
    adjustments: pl.DataFrame,
) -> pl.DataFrame:
    """Every change to what each borrower owes: ``loan_id``, ``effective_date``, signed
    ``amount_minor`` (+ owed more), one row per loan and day, sorted by loan and day."""
    parts = [
        loans.select(
            "loan_id",
            pl.col("origination_date").alias("effective_date"),
            pl.col("principal_minor").alias("amount_minor"),
        ),
        due.filter(pl.col("component") != "principal").select(
            "loan_id", pl.col("due_date").alias("effective_date"), "amount_minor"
        ),
        payments.filter(pl.col("good")).select(
            "loan_id", "effective_date", (-pl.col("amount_minor")).alias("amount_minor")
        ),
        adjustments.select("loan_id", "effective_date", "amount_minor"),
    ]
    return (
        pl.concat([part.cast({"amount_minor": pl.Int64}) for part in parts])
        .group_by("loan_id", "effective_date")
        .agg(pl.col("amount_minor").sum())
        .sort("loan_id", "effective_date")
    )


def outstanding_on(events: pl.DataFrame, loan_ids: pl.Series, days: pl.Series) -> pl.Series:
    """What each ``(loan_ids[i], days[i])`` owed at the end of that day, from ``balance_events``.

    One binary search per query over (loan, day) keys of the running total, so any number of
    loans and dates costs one pass: this is what keeps month-end and daily series cheap.
    """
    if loan_ids.len() == 0:
        return pl.Series("outstanding_minor", [], dtype=pl.Int64)
    event_keys = _keys(events["loan_id"], events["effective_date"])
    running = np.concatenate([[0], np.cumsum(events["amount_minor"].to_numpy())])
    query_loans = loan_ids.cast(pl.Int64).to_numpy()
    upto = np.searchsorted(event_keys, _keys(loan_ids, days), side="right")
    loan_start = np.searchsorted(event_keys, query_loans << _DAY_BITS, side="left")
    owed = running[upto] - running[loan_start]
    return pl.Series("outstanding_minor", owed, dtype=pl.Int64)


def _keys(loan_ids: pl.Series, days: pl.Series) -> np.ndarray:
    day_numbers = days.cast(pl.Int32).to_numpy().astype(np.int64)
    if day_numbers.size and (day_numbers.min() < 0 or day_numbers.max() >= 1 << _DAY_BITS):
        raise ValueError("dates must fall between 1970 and 4840")
    return (loan_ids.cast(pl.Int64).to_numpy() << _DAY_BITS) | day_numbers


def snapshots(states: pl.DataFrame, loans: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """``SNAPSHOTS`` from ``batch.frames.DELINQUENCY_AT`` rows (any dates), the loans and their
    ``balance_events``."""
    booked = states.join(
        loans.select("loan_id", "product", "origination_date", "charge_off_date"), on="loan_id"
    ).filter(pl.col("origination_date") <= pl.col("as_of"))
    owed = outstanding_on(events, booked["loan_id"], booked["as_of"])
    segment = (
        pl.when(pl.col("charge_off_date") <= pl.col("as_of"))
        .then(pl.lit(CHARGED_OFF))
        .when(pl.col("outstanding_minor") <= 0)
        .then(pl.lit(CLOSED))
        .otherwise(pl.col("bucket"))
    )
    return (
        booked.with_columns(owed)
        .with_columns(segment.alias("segment"), quarter_label("origination_date").alias("vintage"))
        .select(
            "as_of",
            "loan_id",
            "segment",
            "dpd",
            pl.col("amount_past_due_minor").alias("past_due_minor"),
            "outstanding_minor",
            "dofd",
            "product",
            "vintage",
        )
        .cast(dict(SNAPSHOTS))  # type: ignore[arg-type]
    )


def on(frame: pl.DataFrame, day: date) -> pl.DataFrame:
    """The snapshot rows of one date."""
    return frame.filter(pl.col("as_of") == day)


def is_delinquent() -> pl.Expr:
    """Past due and still collected as arrears (not charged off, something outstanding)."""
    return (pl.col("dpd") > 0) & ~pl.col("segment").is_in([CHARGED_OFF, CLOSED])


def in_arrears_or_charged_off() -> pl.Expr:
    """What recovery is measured on: delinquent accounts and charged-off accounts."""
    return is_delinquent() | (pl.col("segment") == CHARGED_OFF)
