"""Level schedules and due items of small portfolios, checked by hand; an empty partition."""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.batch.delinquency import delinquency
from arrears.batch.frames import (
    CHARGES,
    DELINQUENCY,
    ENTRIES,
    INSTALLMENTS,
    ITEMS,
    LINES,
    LOANS,
    PAYMENTS,
)
from arrears.batch.items import due_items
from arrears.batch.posting import plan_postings
from arrears.batch.schedules import level_schedules


def _loans(*rows: tuple[int, str, int, int, int, date]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "loan_id": loan_id,
                "currency": currency,
                "principal_minor": principal,
                "annual_rate_micros": micros,
                "term_months": term,
                "origination_date": date(2023, 12, 31),
                "first_due_date": first_due,
                "charge_off_date": None,
            }
            for loan_id, currency, principal, micros, term, first_due in rows
        ],
        schema=LOANS,
    )


def test_a_level_schedule_worked_by_hand() -> None:
    """$1,000.00 at 12% over 3 months: payment 1000 × 0.01 × 1.01³ / (1.01³ − 1) = 340.0221…
    → 340.02. Month 1: interest 10.00, principal 330.02, balance 669.98. Month 2: interest
    6.6998 → 6.70, principal 333.32, balance 336.66. Month 3: interest 3.3666 → 3.37 and the
    last installment takes the 336.66 left. Due on the 31st: Jan 31, Feb 29 (2024), Mar 31."""
    schedule = level_schedules(_loans((7, "USD", 100_000, 120_000, 3, date(2024, 1, 31))))
    assert schedule.rows() == [
        (7, 1, date(2024, 1, 31), 33_002, 1_000, 0),
        (7, 2, date(2024, 2, 29), 33_332, 670, 0),
        (7, 3, date(2024, 3, 31), 33_666, 337, 0),
    ]


def test_interest_ties_round_half_even_and_payments_half_up() -> None:
    """2.50 at 12% for one month: interest 2.50 × 0.01 = 0.025 → 0.02 (a tie, to even), while
    the payment 2.525 → 2.53 rounds half up; the single installment repays the 2.50. A yen loan
    of ¥10,000 at 0% over 3 months pays ¥3,333 twice and ¥3,334 last."""
    schedule = level_schedules(
        _loans(
            (1, "USD", 250, 120_000, 1, date(2024, 5, 15)),
            (2, "JPY", 10_000, 0, 3, date(2025, 11, 30)),
        )
    )
    assert schedule.rows() == [
        (1, 1, date(2024, 5, 15), 250, 2, 0),
        (2, 1, date(2025, 11, 30), 3_333, 0, 0),
        (2, 2, date(2025, 12, 30), 3_333, 0, 0),
        (2, 3, date(2026, 1, 30), 3_334, 0, 0),
    ]
    assert schedule.schema == INSTALLMENTS


def test_due_items_order_charges_and_installment_parts_by_date_then_waterfall() -> None:
    """Loan 9: legal costs 7.00 assessed Feb 15, then on Mar 1 the installment's fees 5.00, a
    penalty 25.00 (charge), interest 10.00 and principal 90.00 — costs, fees, penalties,
    interest, principal. Loan 3 (listed after it) comes first: loans ascend by id."""
    installments = pl.DataFrame(
        [
            {"loan_id": 9, "seq": 1, "due_date": date(2026, 3, 1), "principal_minor": 9_000,
             "interest_minor": 1_000, "fees_minor": 500},
            {"loan_id": 3, "seq": 1, "due_date": date(2026, 3, 5), "principal_minor": 100,
             "interest_minor": 0, "fees_minor": 0},
        ],
        schema=INSTALLMENTS,
    )  # fmt: skip
    charges = pl.DataFrame(
        [
            {"loan_id": 9, "key": "late-1", "component": "penalties", "amount_minor": 2_500,
             "assessed_on": date(2026, 3, 1)},
            {"loan_id": 9, "key": "legal", "component": "costs", "amount_minor": 700,
             "assessed_on": date(2026, 2, 15)},
        ],
        schema=CHARGES,
    )  # fmt: skip
    assert due_items(installments, charges).rows() == [
        (3, date(2026, 3, 5), "principal", 100, "installment:1", 1),
        (9, date(2026, 2, 15), "costs", 700, "charge:legal", None),
        (9, date(2026, 3, 1), "fees", 500, "installment:1", 1),
        (9, date(2026, 3, 1), "penalties", 2_500, "charge:late-1", None),
        (9, date(2026, 3, 1), "interest", 1_000, "installment:1", 1),
        (9, date(2026, 3, 1), "principal", 9_000, "installment:1", 1),
    ]


def test_due_items_of_a_schedule_whose_columns_are_chunked_differently() -> None:
    """A schedule put together from several frames can hold each column in different chunks;
    Polars 1.44 panicked formatting the sources over such a frame once filtered (found by
    ``property/test_loan_state.py``). Its items are those of the same schedule in one chunk."""

    def column(name: str, parts: list[list[object]], dtype: type[pl.DataType]) -> pl.Series:
        return pl.concat([pl.Series(name, part, dtype=dtype) for part in parts], rechunk=False)

    installments = pl.DataFrame(
        [
            column("loan_id", [[1, 1, 1, 1, 1, 2, 2]], pl.Int64),
            column("seq", [[5, 1], [3, 2, 4], [1, 2]], pl.Int32),
            column("due_date", [[date(2026, m, 1) for m in (5, 1, 3, 2, 4, 1, 2)]], pl.Date),
            column("principal_minor", [[100] * 7], pl.Int64),
            column("interest_minor", [[10] * 7], pl.Int64),
            column("fees_minor", [[500, 0, 0], [500, 0, 500, 0]], pl.Int64),
        ]
    )
    assert len(set(installments.n_chunks("all"))) > 1  # the columns are chunked differently
    charges = pl.DataFrame(schema=CHARGES)
    expected = due_items(installments.rechunk(), charges)
    assert due_items(installments, charges).rows() == expected.rows()
    fees = expected.filter(pl.col("component") == "fees")
    assert fees.select("loan_id", "source").rows() == [
        (1, "installment:2"),
        (1, "installment:5"),
        (2, "installment:1"),
    ]


def test_an_empty_partition_gives_empty_frames_of_the_right_shape() -> None:
    """No loans: no installments, no items, no delinquency rows, nothing to post."""
    loans = pl.DataFrame(schema=LOANS)
    installments = level_schedules(loans)
    items = due_items(installments)
    payments = pl.DataFrame(schema=PAYMENTS)
    state = delinquency(items, payments, loans, as_of=date(2026, 1, 1))
    entries, lines = plan_postings(
        loans, items, payments, pl.DataFrame(schema=ENTRIES), pl.DataFrame(schema=LINES),
        as_of=date(2026, 1, 1),
    )  # fmt: skip
    assert (installments.schema, items.schema, state.schema) == (INSTALLMENTS, ITEMS, DELINQUENCY)
    assert (entries.schema, lines.schema) == (ENTRIES, LINES)
    assert installments.height == items.height == state.height == entries.height == 0
