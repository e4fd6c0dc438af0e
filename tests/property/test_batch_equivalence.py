"""The vectorised batch functions equal the scalar references on random small portfolios.

Each property draws a few loans with made-up schedules (fees, repeated due dates, rows in any
order), charges, and payments (returned, backdated, same-day, overpaying), runs the batch
function once over the whole portfolio and the reference loan by loan, and compares frames.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.batch.delinquency import delinquency, delinquency_at
from arrears.batch.frames import ENTRIES, LINES
from arrears.batch.items import due_items
from arrears.batch.posting import plan_postings
from arrears.batch.schedules import level_schedules
from arrears.domain.allocation import WaterfallPolicy
from arrears.domain.allocation import due_items as reference_due_items
from arrears.domain.components import DEFAULT_ORDER, Component
from arrears.domain.delinquency import BucketScheme
from arrears.domain.money import Money
from arrears.domain.schedules import level_schedule
from unit.batch.histories import (
    History,
    day,
    entry_frames,
    histories,
    item_rows,
    rate_of,
    reference_charges,
    reference_delinquency,
    reference_installments,
    reference_postings,
    scalar_entries,
    with_payments,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
policies = st.builds(
    WaterfallPolicy,
    order=st.sampled_from(
        [
            DEFAULT_ORDER,
            (
                Component.PRINCIPAL,
                Component.INTEREST,
                Component.FEES,
                Component.COSTS,
                Component.PENALTIES,
            ),
        ]
    ),
    tolerance_minor=st.sampled_from([0, 0, 1, 250]),
)
dates = st.integers(-10, 520).map(day)
NO_ENTRIES, NO_LINES = pl.DataFrame(schema=ENTRIES), pl.DataFrame(schema=LINES)


def _items(history: History, policy: WaterfallPolicy | None = None) -> pl.DataFrame:
    return due_items(history.installments, history.charges, policy=policy)


@SETTINGS
@given(history=histories(max_loans=8))
def test_level_schedules_equal_the_scalar_builder_row_for_row(history: History) -> None:
    """Every loan's installments (dates, interest, principal) are those of level_schedule."""
    expected = []
    for loan in history.loans.iter_rows(named=True):
        schedule = level_schedule(
            principal=Money(loan["principal_minor"], loan["currency"]),
            rate=rate_of(loan["annual_rate_micros"]),
            term_months=loan["term_months"],
            first_due_date=loan["first_due_date"],
        )
        expected += [
            (loan["loan_id"], i.seq, i.due_date, i.principal.minor, i.interest.minor,
             i.fees.minor)
            for i in schedule
        ]  # fmt: skip
    assert level_schedules(history.loans).rows() == expected


@SETTINGS
@given(history=histories(), policy=policies)
def test_due_items_equal_the_reference_order_per_loan(
    history: History, policy: WaterfallPolicy
) -> None:
    """Items per loan, in fill order, are exactly domain.allocation.due_items' list."""
    items = _items(history, policy)
    expected = []
    for loan_id in sorted(history.loan_ids):
        reference = reference_due_items(
            reference_installments(history, loan_id), reference_charges(history, loan_id), policy
        )
        expected += item_rows(reference, loan_id)
    assert items.rows() == expected


@SETTINGS
@given(history=histories(), policy=policies, as_of=dates)
def test_delinquency_equals_the_reference_as_of_any_date(
    history: History, policy: WaterfallPolicy, as_of: date
) -> None:
    """DPD, bucket, amounts, oldest unpaid, DOFD (charge-off freeze) and cure match per loan."""
    items = _items(history, policy)
    got = delinquency(items, history.payments, history.loans, as_of=as_of, policy=policy)
    expected = reference_delinquency(history, items, as_of=as_of, policy=policy)
    assert got.equals(expected)


@SETTINGS
@given(history=histories(), as_ofs=st.lists(dates, min_size=1, max_size=4, unique=True))
def test_delinquency_at_many_dates_equals_one_date_at_a_time(
    history: History, as_ofs: list[date]
) -> None:
    """delinquency_at stacks, date by date, what delinquency gives for each date alone."""
    items = _items(history)
    buckets = BucketScheme.from_bounds([("current", 0), ("late", 1), ("bad", 61)])
    got = delinquency_at(items, history.payments, history.loans, dates=as_ofs, buckets=buckets)
    for as_of in as_ofs:
        alone = delinquency(items, history.payments, history.loans, as_of=as_of, buckets=buckets)
        assert got.filter(pl.col("as_of") == as_of).drop("as_of").equals(alone)
    assert got.height == len(as_ofs) * history.loans.height


@SETTINGS
@given(history=histories(), as_of=dates)
def test_first_posting_equals_reconciling_the_desired_postings(
    history: History, as_of: date
) -> None:
    """With an empty journal, plan_postings is reconcile(desired_postings) of every loan."""
    items = _items(history)
    entries, lines = plan_postings(
        history.loans, items, history.payments, NO_ENTRIES, NO_LINES, as_of=as_of
    )
    expected_entries, expected_lines = entry_frames(
        reference_postings(history, items, [], as_of=as_of)
    )
    assert entries.equals(expected_entries)
    assert lines.equals(expected_lines)


@SETTINGS
@given(
    history=histories(),
    first_as_of=dates,
    later=st.integers(0, 120),
    returned=st.sets(st.integers(0, 40)),
    moved=st.sets(st.integers(0, 40)),
    late_payments=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 90_000)), max_size=4),
)
def test_posting_onto_a_journal_appends_what_reconcile_appends(
    history: History,
    first_as_of: date,
    later: int,
    returned: set[int],
    moved: set[int],
    late_payments: list[tuple[int, int]],
) -> None:
    """After a first posting, returned, re-dated and backdated payments and a later date
    re-derive the same reversals and new versions as the reference; re-running appends
    nothing."""
    items = _items(history)
    entries, lines = plan_postings(
        history.loans, items, history.payments, NO_ENTRIES, NO_LINES, as_of=first_as_of
    )
    changed = _changed_payments(history, returned, moved, late_payments)
    as_of = first_as_of + timedelta(days=later)
    appended, appended_lines = plan_postings(
        history.loans, items, changed.payments, entries, lines, as_of=as_of
    )
    expected = reference_postings(changed, items, scalar_entries(entries, lines), as_of=as_of)
    expected_entries, expected_lines = entry_frames(expected)
    assert appended.equals(expected_entries)
    assert appended_lines.equals(expected_lines)
    journal = pl.concat([entries, appended]), pl.concat([lines, appended_lines])
    again, again_lines = plan_postings(
        history.loans, items, changed.payments, *journal, as_of=as_of
    )
    assert (again.height, again_lines.height) == (0, 0)


def _changed_payments(
    history: History, returned: set[int], moved: set[int], late_payments: list[tuple[int, int]]
) -> History:
    """Some payments returned or re-presented, some re-dated, some backdated ones added."""
    payments = (
        history.payments.with_row_index("row")
        .with_columns(
            pl.when(pl.col("row").is_in(list(moved)))
            .then(pl.col("effective_date") - pl.duration(days=9))
            .otherwise(pl.col("effective_date"))
            .alias("effective_date"),
            pl.when(pl.col("row").is_in(list(returned)))
            .then(~pl.col("good"))
            .otherwise(pl.col("good"))
            .alias("good"),
            pl.when(pl.col("row").is_in(list(returned)))
            .then(pl.lit("returned: NSF"))
            .otherwise(pl.col("note"))
            .alias("note"),
        )
        .drop("row")
    )
    loan_ids = history.loan_ids
    extra = pl.DataFrame(
        {
            "loan_id": [loan_ids[n % len(loan_ids)] for n in range(len(late_payments))],
            "payment_id": [10**9 + n for n in range(len(late_payments))],
            "effective_date": [day(offset) for offset, _ in late_payments],
            "amount_minor": [amount for _, amount in late_payments],
            "good": [True] * len(late_payments),
            "note": [None] * len(late_payments),
        },
        schema=payments.schema,
    )
    return with_payments(history, pl.concat([payments, extra]))
