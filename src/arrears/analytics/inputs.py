"""The frames the metrics read: what each column means, so any source can feed them.

Every metric is a pure function of these frames (and of dates), so the same numbers come out of
the database, a Parquet export or a synthetic benchmark. Amounts are ``Int64`` minor units
(``*_minor``), dates ``pl.Date``, ids ``Int64`` (the batch layer's conventions). The event
frames (loans, due items, payments, adjustments) are the whole history as known now: a metric
as of a past date filters them by *effective* date, so a payment backdated today changes the
figures of the days it is backdated to — nothing is read from stored snapshots.

The delinquency of a loan on a date comes from ``arrears.batch.delinquency`` (the services hand
its frames to ``analytics.snapshots``), never from the ``decisions`` table, whose bucket is what
the cycle knew on its day.
"""

from __future__ import annotations

from typing import Final

import polars as pl

LOANS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "product": pl.String,
        "currency": pl.String,
        "principal_minor": pl.Int64,
        "origination_date": pl.Date,
        "charge_off_date": pl.Date,
        "charge_off_amount_minor": pl.Int64,
    }
)
"""One row per loan. ``principal_minor`` is advanced on ``origination_date`` (the ledger's
disbursement); ``charge_off_date`` is null until the loan is charged off and
``charge_off_amount_minor`` is the balance charged off (null when not recorded)."""

DUE: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "due_date": pl.Date,
        "component": pl.String,
        "amount_minor": pl.Int64,
    }
)
"""Amounts falling due (``batch.frames.ITEMS``: installments' principal, interest and fees, and
charges). The ledger recognises every non-principal item on its due date; principal was
recognised at origination."""

PAYMENTS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "effective_date": pl.Date,
        "amount_minor": pl.Int64,
        "good": pl.Boolean,
        "cash": pl.Boolean,
    }
)
"""Credits to loans by effective (business) date. Only ``good`` ones count: a returned payment
stops counting on every date, as the ledger's reversal says. Every good credit reduces what is
owed; only ``cash`` ones (money received: payments, agency remittances, sale proceeds — not
waivers or write-offs) count as *collected*."""

CASH_CREDIT_KINDS: Final = frozenset({"payment", "agency", "sale_proceeds"})
"""Credit kinds that bring money in; a payments table without kinds holds only payments."""


def collected() -> pl.Expr:
    """The payments rows that are collections: good money received."""
    return pl.col("good") & pl.col("cash")


def with_cash(payments: pl.DataFrame) -> pl.DataFrame:
    """``payments`` with the ``cash`` flag, from ``credit_kind`` when the source records it."""
    if "credit_kind" not in payments.columns:
        return payments.with_columns(pl.lit(True).alias("cash"))
    return payments.with_columns(
        pl.col("credit_kind").is_in(sorted(CASH_CREDIT_KINDS)).alias("cash")
    )


ADJUSTMENTS: Final = pl.Schema(
    {"loan_id": pl.Int64, "effective_date": pl.Date, "amount_minor": pl.Int64}
)
"""Borrower-side ledger movements that loan events do not explain (waivers of a settlement,
write-offs, recoverable legal or repossession costs), signed as the ledger signs them (+ owed
more, − owed less). Empty until those workflows post such entries."""

DECISIONS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "as_of": pl.Date,
        "segment": pl.String,
        "experiment": pl.String,
        "arm": pl.String,
        "arm_probability": pl.Float64,
    }
)
"""The daily cycle's decisions (one per loan and cycle date) with the experiment arm it was in
and the probability of that arm (its share), recorded when the decision was made."""

ACTIONS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "treatment": pl.String,
        "kind": pl.String,
        "category": pl.String,
        "status": pl.String,
        "due_on": pl.Date,
        "assigned_to": pl.String,
    }
)
"""Actions the cycle planned (messages, call tasks, reviews, bureau updates) with the day they
were due, their status and, for call tasks, the agent they were assigned to (null if none)."""

TREATMENT_COSTS: Final = pl.Schema(
    {"treatment": pl.String, "kind": pl.String, "cost_minor": pl.Int64}
)
"""What one action of each treatment costs (``strategy/data/treatments.toml``)."""

EXPERIMENT_ARMS: Final = pl.Schema(
    {
        "experiment": pl.String,
        "segment": pl.String,
        "arm": pl.String,
        "role": pl.String,
    }
)
"""Which segments each experiment runs in and the role of each arm (``champion``,
``challenger``, ``holdout``): one row per (experiment, segment, arm)."""

NOT_DONE_STATUSES: Final = frozenset({"cancelled", "canceled", "failed", "expired", "skipped"})
"""Action statuses that mean the action never happened (so it cost nothing). Every other status
of an action due by a date counts as done on that date: until the channel workflows record
delivery, a planned action is assumed to have been carried out on its due day."""


def typed(frame: pl.DataFrame, schema: pl.Schema, *, name: str) -> pl.DataFrame:
    """``frame`` with exactly ``schema``'s columns and dtypes; missing columns are an error.

    Integer widths and null columns are cast; anything else must already match.
    """
    missing = [column for column in schema.names() if column not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing columns {missing}")
    return frame.select(pl.col(column).cast(dtype, strict=True) for column, dtype in schema.items())


def empty(schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)
