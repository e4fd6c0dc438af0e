"""Account Status, Payment Rating and Date of First Delinquency from an account's state.

Metro 2 §5.4/§5.5 (metro2.md) and FCRA (compliance.md §3): a paid account reports what it was
before it was paid (13, 61-65; 62 for collections), an unpaid one the most recent derogatory
event (repossession 96, voluntary surrender 95, foreclosure 94, charge-off 97), a collection
assignment (93), or its days past due (11, 71-84). The DOFD is the delinquency's own date
(``batch.delinquency``: set once at 30 days, frozen at charge-off), never re-aged.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.batch.furnishing import codes
from arrears.batch.furnishing.history import rating
from arrears.formats.metro2.spec.codes import (
    PAID_STATUSES,
    STATUSES_REQUIRING_DOFD,
    STATUSES_REQUIRING_RATING,
)


def _by_dpd(dpd: pl.Expr) -> pl.Expr:
    expression = pl.lit(codes.CURRENT)
    for start, code in codes.STATUS_BY_DPD:
        expression = pl.when(dpd >= start).then(pl.lit(code)).otherwise(expression)
    return expression


def _collateral_status(table: dict[str, str]) -> pl.Expr:
    return pl.col("collateral_event").replace_strict(table, default=None, return_dtype=pl.String)


def paid_status() -> pl.Expr:
    """§5.4: 62 for a collector; else the settlement's status, else what came before."""
    derived = (
        pl.when(pl.col("charged_off"))
        .then(pl.lit(codes.PAID_CHARGE_OFF))
        .when(pl.col("collateral_event").is_not_null())
        .then(_collateral_status(codes.PAID_AFTER))
        .when(pl.col("placed_on").is_not_null())
        .then(pl.lit(codes.PAID_COLLECTION))
        .otherwise(pl.lit(codes.PAID))
    )
    settled = pl.when(pl.col("settlement_status").is_in(sorted(PAID_STATUSES))).then(
        pl.col("settlement_status")
    )
    return (
        pl.when(pl.col("collects"))
        .then(pl.lit(codes.PAID_COLLECTION))
        .otherwise(pl.coalesce(settled, derived))
    )


def unpaid_status() -> pl.Expr:
    """§5.4: the most recent of a collateral event and a charge-off, then collections, then
    days past due (a collector reports every open account as 93)."""
    collateral_last = pl.col("collateral_event").is_not_null() & (
        ~pl.col("charged_off") | (pl.col("collateral_on") > pl.col("charge_off_date"))
    )
    placed = pl.col("placed_on").is_not_null() & pl.col("recalled_on").is_null()
    return (
        pl.when(pl.col("collects"))
        .then(pl.lit(codes.COLLECTION))
        .when(collateral_last)
        .then(_collateral_status(codes.COLLATERAL_STATUS))
        .when(pl.col("charged_off"))
        .then(pl.lit(codes.CHARGE_OFF))
        .when(placed)
        .then(pl.lit(codes.COLLECTION))
        .otherwise(_by_dpd(pl.col("dpd").fill_null(0)))
    )


def account_status() -> pl.Expr:
    return pl.when(pl.col("paid")).then(paid_status()).otherwise(unpaid_status())


def payment_rating() -> pl.Expr:
    """§5.3 #17B: only for 05, 13, 65, 88, 89, 94, 95 — how the account stood in the period
    (the previous month end for a paid account, the as-of date otherwise)."""
    status = pl.col("account_status")
    before = rating(pl.col("previous_dpd").fill_null(0))
    now = rating(pl.col("dpd").fill_null(0))
    return (
        pl.when(~status.is_in(sorted(STATUSES_REQUIRING_RATING)))
        .then(pl.lit(""))
        .when(status.is_in(sorted(PAID_STATUSES)))
        .then(before)
        .otherwise(now)
    )


def first_delinquency() -> pl.Expr:
    """§5.3 #25, FCRA §623(a)(5): the DOFD of the delinquency that led to the status.

    Current accounts and accounts paid while current report none. Otherwise the delinquency's
    DOFD (on the as-of date, else the previous month end, else the latest one in the 24-month
    window — a paid account's delinquency was cured by the payment); a derogatory account
    whose delinquency never reached 30 days falls back to its oldest unpaid due date, then to
    the charge-off date. Null where one is required means the account is not furnished.
    """
    status = pl.col("account_status")
    rated = status.is_in(sorted(STATUSES_REQUIRING_RATING)) & (pl.col("payment_rating") != "0")
    needs = status.is_in(sorted(STATUSES_REQUIRING_DOFD)) | rated
    found = pl.coalesce(
        "dofd",
        "previous_dofd",
        "last_seen_dofd",
        "oldest_unpaid_due_date",
        pl.when(pl.col("charged_off")).then(pl.col("charge_off_date")),
    )
    return pl.when(needs).then(found).otherwise(pl.lit(None, dtype=pl.Date))


def obsolete(as_of: date) -> pl.Expr:
    """FCRA §605(a)(4), (c)(1): reportable until DOFD + 180 days + 7 years (compliance.md
    §3.1); after that the account is left out of the file (not deleted with DA)."""
    limit = pl.col("date_of_first_delinquency").dt.offset_by("180d").dt.offset_by("7y")
    return (pl.lit(as_of) > limit).fill_null(False)


def classify(state: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """``state`` with ``account_status``, ``payment_rating`` and ``date_of_first_delinquency``."""
    return (
        state.with_columns(account_status().alias("account_status"))
        .with_columns(payment_rating().alias("payment_rating"))
        .with_columns(first_delinquency().alias("date_of_first_delinquency"))
    )
