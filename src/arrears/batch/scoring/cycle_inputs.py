"""The scoring inputs of a partition in the daily cycle, from the frames the cycle already has.

FEATURES gives the account facts; the partition's payments give the days since the last good
payment and what was paid in the last 90 days; the contact log's recent window (the one the
compliance gate reads, 31 days) gives the days since the last conversation — a conversation
longer ago than the window reads as none, in training as in scoring.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from arrears.batch.scoring.inputs import SCORING_INPUTS
from arrears.domain.contact_log import Outcome

CONVERSATION_WINDOW_DAYS = 30
PAID_WINDOW_DAYS = 90
_CONVERSATIONS = [o.value for o in Outcome if o.is_conversation]


PAYMENT_FACTS = pl.Schema(
    {"loan_id": pl.Int64, "days_since_payment": pl.Int32, "paid_90d_minor": pl.Int64}
)
"""Per account with a good payment by the date: what the scoring inputs read of payments
(what a cycle snapshot keeps in place of the payments themselves)."""


def cycle_inputs(
    features: pl.DataFrame, payments: pl.DataFrame, contacts: pl.DataFrame, *, as_of: date
) -> pl.DataFrame:
    """``SCORING_INPUTS`` for the accounts of ``features``.

    ``payments`` has ``loan_id``, ``effective_date``, ``amount_minor`` and ``good``;
    ``contacts`` has ``loan_id``, ``day`` and ``outcome`` (the gate's ``CONTACTS``).
    """
    return inputs_with_facts(features, payment_facts(payments, as_of=as_of), contacts, as_of=as_of)


def payment_facts(payments: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """``PAYMENT_FACTS``: days since the last good payment and what was paid in 90 days."""
    good = payments.filter(pl.col("good") & (pl.col("effective_date") <= as_of))
    return good.group_by("loan_id").agg(
        (pl.lit(as_of) - pl.col("effective_date").max())
        .dt.total_days()
        .cast(pl.Int32)
        .alias("days_since_payment"),
        pl.col("amount_minor")
        .filter(pl.col("effective_date") > as_of - timedelta(days=PAID_WINDOW_DAYS))
        .sum()
        .cast(pl.Int64)
        .alias("paid_90d_minor"),
    )


def inputs_with_facts(
    features: pl.DataFrame, paid: pl.DataFrame, contacts: pl.DataFrame, *, as_of: date
) -> pl.DataFrame:
    """``SCORING_INPUTS`` from ``features``, ``PAYMENT_FACTS`` and the contact window."""
    talked = (
        contacts.filter(pl.col("outcome").is_in(_CONVERSATIONS) & (pl.col("day") <= as_of))
        .group_by("loan_id")
        .agg((pl.lit(as_of) - pl.col("day").max()).dt.total_days().alias("days_since_conversation"))
        .filter(pl.col("days_since_conversation") <= CONVERSATION_WINDOW_DAYS)
    )
    frame = features.drop(
        [c for c in ("days_since_payment", "paid_90d_minor", "days_since_conversation")
         if c in features.columns]
    ).join(paid, on="loan_id", how="left").join(talked, on="loan_id", how="left")  # fmt: skip
    return frame.select([pl.col(n).cast(t) for n, t in SCORING_INPUTS.items()]).with_columns(
        pl.col("paid_90d_minor").fill_null(0)
    )
