"""The 24-month Payment History Profile (metro2.md §5.5), from delinquency at month ends.

Byte 1 is the month before the reporting month, byte 24 the month two years earlier. Each
month's character is the account's state at that month end as ``batch.delinquency`` derives it
from today's event history, so a backdated or returned payment rewrites the months it touches
(and the export of that month, sent again, carries the Correction Indicator). Months before
the account was opened are ``B`` (no history before this time; only ever trailing fill).
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Final

import polars as pl

from arrears.batch.furnishing.codes import HISTORY_LETTER, NO_HISTORY_BEFORE, RATING_BY_DPD

MONTHS: Final = 24


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def previous_month_ends(as_of: date, months: int = MONTHS) -> list[date]:
    """The last day of each of the ``months`` months before ``as_of``'s month, newest first."""
    ends = []
    year, month = as_of.year, as_of.month
    for _ in range(months):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        ends.append(month_end(year, month))
    return ends


def history_dates(as_of: date) -> list[date]:
    """The dates delinquency is derived on: ``as_of``, then the 24 previous month ends."""
    return [as_of, *previous_month_ends(as_of)]


def rating(dpd: pl.Expr) -> pl.Expr:
    """§5.5: ``0`` for 0-29 days past due, ``1`` for 30-59 … ``6`` for 180 and more."""
    expression = pl.lit("0")
    for start, code in RATING_BY_DPD:
        expression = pl.when(dpd >= start).then(pl.lit(code)).otherwise(expression)
    return expression


def month_character(day: pl.Expr) -> pl.Expr:
    """The profile character of one month end ``day`` over a frame holding the month's
    ``dpd`` and the account's ``origination_date``, ``charge_off_date``, ``collateral_event``,
    ``collateral_on``, ``collection_from`` and ``collection_until`` (dates may be null)."""
    collateral = pl.col("collateral_event").replace_strict(
        HISTORY_LETTER, default=None, return_dtype=pl.String
    )
    in_collection = (pl.col("collection_from") <= day) & (
        pl.col("collection_until").is_null() | (pl.col("collection_until") > day)
    )
    return (
        pl.when(day < pl.col("origination_date"))
        .then(pl.lit(NO_HISTORY_BEFORE))
        .when(pl.col("charge_off_date") <= day)
        .then(pl.lit(HISTORY_LETTER["charge_off"]))
        .when(pl.col("collateral_on") <= day)
        .then(collateral)
        .when(in_collection.fill_null(False) & (pl.col("dpd") >= RATING_BY_DPD[0][0]))
        .then(pl.lit(HISTORY_LETTER["collection"]))
        .otherwise(rating(pl.col("dpd")))
    )


def payment_history(history: pl.DataFrame, marks: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """``(loan_id, payment_history_profile)`` for every loan of ``marks``.

    ``history`` is ``DELINQUENCY_AT`` on (at least) the 24 month ends before ``as_of``'s month;
    ``marks`` one row per loan with the dates :func:`month_character` reads.
    """
    ends = previous_month_ends(as_of)
    monthly = (
        history.filter(pl.col("as_of").is_in(ends))
        .select("loan_id", "as_of", "dpd")
        .join(marks, on="loan_id", how="inner")
        .with_columns(month_character(pl.col("as_of")).alias("character"))
    )
    return monthly.group_by("loan_id").agg(
        pl.col("character").sort_by("as_of", descending=True).str.join("")
        .alias("payment_history_profile")
    )  # fmt: skip
