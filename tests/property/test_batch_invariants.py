"""Invariants of the batch posting and delinquency on random small portfolios.

Payments are allocated in full; every planned batch balances; a journal built by posting a
changing history day after day says, on every date, what a journal posted from scratch says;
without payments days past due only grow.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.batch.delinquency import delinquency_at
from arrears.batch.frames import ENTRIES, LINES
from arrears.batch.items import due_items
from arrears.batch.posting import check_balanced, plan_postings
from unit.batch.histories import History, day, histories, with_payments

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NO_ENTRIES, NO_LINES = pl.DataFrame(schema=ENTRIES), pl.DataFrame(schema=LINES)
RECEIVABLE_OR_SUSPENSE = ["costs", "fees", "penalties", "interest", "principal", "suspense"]


def _items(history: History) -> pl.DataFrame:
    return due_items(history.installments, history.charges)


@SETTINGS
@given(history=histories(), as_of=st.integers(0, 520).map(day))
def test_every_payment_is_allocated_in_full(history: History, as_of: date) -> None:
    """Each payment entry debits cash with the payment and credits receivables and suspense
    with exactly as much; suspense per loan is what was paid beyond every item."""
    items = _items(history)
    entries, lines = plan_postings(
        history.loans, items, history.payments, NO_ENTRIES, NO_LINES, as_of=as_of
    )
    paid = lines.filter(pl.col("source").str.starts_with("payment:"))
    per_payment = paid.group_by("loan_id", "source").agg(
        pl.col("amount_minor").filter(pl.col("account") == "cash").sum().alias("cash"),
        (-pl.col("amount_minor").filter(pl.col("account").is_in(RECEIVABLE_OR_SUSPENSE)))
        .sum()
        .alias("allocated"),
    )
    assert (per_payment["cash"] == per_payment["allocated"]).all()
    good = history.payments.filter(pl.col("good") & (pl.col("effective_date") <= as_of))
    expected_cash = good.select(
        "loan_id",
        pl.format("payment:{}", "payment_id").alias("source"),
        pl.col("amount_minor").alias("cash"),
    )
    assert (
        per_payment.select("loan_id", "source", "cash")
        .sort("loan_id", "source")
        .equals(expected_cash.sort("loan_id", "source"))
    )
    suspense = (
        paid.filter(pl.col("account") == "suspense")
        .group_by("loan_id")
        .agg((-pl.col("amount_minor")).sum().alias("suspense"))
    )
    beyond = (
        good.group_by("loan_id")
        .agg(pl.col("amount_minor").sum().alias("paid"))
        .join(
            items.group_by("loan_id").agg(pl.col("amount_minor").sum().alias("owed")),
            on="loan_id",
            how="left",
        )
        .select("loan_id", (pl.col("paid") - pl.col("owed").fill_null(0)).alias("suspense"))
        .filter(pl.col("suspense") > 0)
    )
    assert suspense.sort("loan_id").equals(beyond.sort("loan_id"))
    assert entries.filter(pl.col("kind") == "payment").height == good.height


@SETTINGS
@given(
    history=histories(),
    steps=st.lists(
        st.tuples(
            st.integers(0, 60),
            st.sets(st.integers(0, 30), max_size=3),
            st.sets(st.integers(0, 30), max_size=2),
            st.lists(st.tuples(st.integers(0, 400), st.integers(1, 90_000)), max_size=2),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_a_journal_posted_day_after_day_matches_one_posted_from_scratch(
    history: History, steps: list[tuple[int, set[int], set[int], list[tuple[int, int]]]]
) -> None:
    """Post, then repeatedly return, re-present or re-date payments, add backdated ones and move
    the date on, posting each time: every batch balances, and on every date each loan's balance
    per account equals that of the final history posted in one go."""
    items = _items(history)
    as_of = day(120)
    journal = plan_postings(
        history.loans, items, history.payments, NO_ENTRIES, NO_LINES, as_of=as_of
    )
    check_balanced(journal[1], entries=journal[0])
    for n, (advance, flipped, moved, added) in enumerate(steps):
        history = _next_day(history, flipped, moved, added, first_id=10**9 + 10 * n)
        as_of += timedelta(days=advance)
        entries, lines = plan_postings(
            history.loans, items, history.payments, *journal, as_of=as_of
        )
        check_balanced(lines, entries=entries)
        journal = pl.concat([journal[0], entries]), pl.concat([journal[1], lines])
    fresh = plan_postings(history.loans, items, history.payments, NO_ENTRIES, NO_LINES, as_of=as_of)
    changes = pl.concat([journal[0]["effective_date"], fresh[0]["effective_date"]]).unique()
    for on in [*changes.to_list(), *(d - timedelta(days=1) for d in changes.to_list()), as_of]:
        assert _balances(*journal, on=on).equals(_balances(*fresh, on=on)), on


def _next_day(
    history: History,
    flipped: set[int],
    moved: set[int],
    added: list[tuple[int, int]],
    *,
    first_id: int,
) -> History:
    """Payments flipped between good and returned, re-dated 12 days earlier, and new ones."""
    payments = (
        history.payments.with_row_index("row")
        .with_columns(
            pl.when(pl.col("row").is_in(list(flipped)))
            .then(~pl.col("good"))
            .otherwise(pl.col("good"))
            .alias("good"),
            pl.when(pl.col("row").is_in(list(moved)))
            .then(pl.col("effective_date") - pl.duration(days=12))
            .otherwise(pl.col("effective_date"))
            .alias("effective_date"),
        )
        .drop("row")
    )
    loan_ids = history.loan_ids
    extra = pl.DataFrame(
        {
            "loan_id": [loan_ids[n % len(loan_ids)] for n in range(len(added))],
            "payment_id": [first_id + n for n in range(len(added))],
            "effective_date": [day(offset) for offset, _ in added],
            "amount_minor": [amount for _, amount in added],
            "good": [True] * len(added),
            "note": [None] * len(added),
        },
        schema=payments.schema,
    )
    return with_payments(history, pl.concat([payments, extra]))


def _balances(entries: pl.DataFrame, lines: pl.DataFrame, *, on: date) -> pl.DataFrame:
    """Non-zero balance per (loan, account) of entries effective on or before ``on``."""
    effective = entries.filter(pl.col("effective_date") <= on).select(
        "loan_id", "source", "version"
    )
    return (
        lines.join(effective, on=["loan_id", "source", "version"])
        .group_by("loan_id", "account")
        .agg(pl.col("amount_minor").sum())
        .filter(pl.col("amount_minor") != 0)
        .sort("loan_id", "account")
    )


@SETTINGS
@given(history=histories(), offsets=st.lists(st.integers(-10, 520), min_size=2, max_size=6))
def test_without_payments_days_past_due_never_fall(history: History, offsets: list[int]) -> None:
    """With no payment at all, each loan's DPD on later dates is never lower than on earlier
    ones (the oldest unpaid installment stays unpaid)."""
    unpaid = with_payments(history, history.payments.clear())
    dates = sorted({day(offset) for offset in offsets})
    states = delinquency_at(_items(unpaid), unpaid.payments, unpaid.loans, dates=dates).sort(
        "loan_id", "as_of"
    )
    falls = states.with_columns(
        (pl.col("dpd") < pl.col("dpd").shift().over("loan_id")).alias("falls")
    )
    assert not falls["falls"].fill_null(False).any()
