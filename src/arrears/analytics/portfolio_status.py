"""The portfolio by delinquency bucket: how many accounts, how much owed, how much past due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

STATUS_SCHEMA = {
    "segment": pl.Utf8,
    "accounts": pl.Int64,
    "balance_minor": pl.Int64,
    "past_due_minor": pl.Int64,
}


@dataclass(frozen=True)
class StatusRow:
    segment: str
    accounts: int
    balance_minor: int
    past_due_minor: int


def status_rows(
    delinquency: pl.DataFrame, loans: pl.DataFrame, balances: pl.DataFrame, *, as_of: date
) -> pl.DataFrame:
    """One row per segment for one partition: open accounts by bucket, then charged off and
    paid/closed (zero balance) accounts, which collectors look at separately. Loans booked
    after ``as_of`` did not exist yet and are left out."""
    booked = loans.filter(pl.col("origination_date") <= as_of)
    frame = (
        delinquency.join(booked.select("loan_id", "status", "charge_off_date"), on="loan_id")
        .join(balances, on="loan_id", how="left")
        .with_columns(pl.col("balance_minor").fill_null(0))
    )
    segment = (
        pl.when(pl.col("charge_off_date") <= as_of)
        .then(pl.lit("charged off"))
        .when(pl.col("balance_minor") <= 0)
        .then(pl.lit("paid / closed"))
        .otherwise(pl.col("bucket"))
    )
    return (
        frame.with_columns(segment.alias("segment"))
        .group_by("segment")
        .agg(
            pl.len().cast(pl.Int64).alias("accounts"),
            pl.col("balance_minor").sum().cast(pl.Int64),
            pl.col("amount_past_due_minor").sum().cast(pl.Int64).alias("past_due_minor"),
        )
    )


def combine(parts: list[pl.DataFrame], bucket_names: list[str]) -> list[StatusRow]:
    """Sum partition rows and order them: buckets in their order, then the two other segments."""
    order = [*bucket_names, "charged off", "paid / closed"]
    if not parts:
        return [StatusRow(name, 0, 0, 0) for name in order]
    totals = (
        pl.concat(parts)
        .group_by("segment")
        .agg(
            pl.col("accounts").sum(), pl.col("balance_minor").sum(), pl.col("past_due_minor").sum()
        )
    )
    found = {row["segment"]: row for row in totals.iter_rows(named=True)}
    return [
        StatusRow(
            name,
            int(found.get(name, {}).get("accounts", 0)),
            int(found.get(name, {}).get("balance_minor", 0)),
            int(found.get(name, {}).get("past_due_minor", 0)),
        )
        for name in order
    ]
