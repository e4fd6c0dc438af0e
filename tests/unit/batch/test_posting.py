"""Posting a small history to the journal, and the balance check, checked by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from arrears.batch.frames import ENTRIES, INSTALLMENTS, LINES, LOANS, PAYMENTS
from arrears.batch.items import due_items
from arrears.batch.posting import check_balanced, plan_postings
from arrears.ledger.entries import UnbalancedBatch

LOAN = pl.DataFrame(
    [
        {"loan_id": 9, "currency": "USD", "principal_minor": 27_300, "annual_rate_micros": 0,
         "term_months": 3, "origination_date": date(2025, 12, 1),
         "first_due_date": date(2026, 1, 1), "charge_off_date": None}
    ],
    schema=LOANS,
)  # fmt: skip
#: Interest 10.00, 9.00, 8.00 and principal 90.00, 91.00, 92.00 due Jan–Mar 2026.
ITEMS = due_items(
    pl.DataFrame(
        [
            {"loan_id": 9, "seq": n, "due_date": date(2026, n, 1),
             "principal_minor": 8_900 + 100 * n, "interest_minor": 1_100 - 100 * n,
             "fees_minor": 0}
            for n in (1, 2, 3)
        ],
        schema=INSTALLMENTS,
    )
)  # fmt: skip
NO_ENTRIES, NO_LINES = pl.DataFrame(schema=ENTRIES), pl.DataFrame(schema=LINES)


def _payments(second_good: bool) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (9, 1, date(2026, 1, 1), 10_000, True, None),
            (9, 2, date(2026, 2, 1), 10_000, second_good, None if second_good else "returned: NSF"),
        ],
        schema=PAYMENTS,
        orient="row",
    )


def test_first_posting_of_a_history() -> None:
    """Disbursement 273.00 on Dec 1; interest charged as it fell due (10.00, 9.00, 8.00); the
    two 100.00 payments pay January (10.00 interest, 90.00 principal) and February (9.00,
    91.00). Entries come sorted by source text, lines in account-name order."""
    entries, lines = plan_postings(
        LOAN, ITEMS, _payments(True), NO_ENTRIES, NO_LINES, as_of=date(2026, 3, 15)
    )
    assert entries.select("source", "version", "kind", "effective_date").rows() == [
        ("installment:1", 1, "charge", date(2026, 1, 1)),
        ("installment:2", 1, "charge", date(2026, 2, 1)),
        ("installment:3", 1, "charge", date(2026, 3, 1)),
        ("loan", 1, "disbursement", date(2025, 12, 1)),
        ("payment:1", 1, "payment", date(2026, 1, 1)),
        ("payment:2", 1, "payment", date(2026, 2, 1)),
    ]
    assert lines.filter(pl.col("source") == "payment:2").select(
        "account", "amount_minor"
    ).rows() == [
        ("cash", 10_000),
        ("interest", -900),
        ("principal", -9_100),
    ]
    balance = lines.group_by("account").agg(pl.col("amount_minor").sum())
    assert dict(balance.rows()) == {
        "cash": 20_000,
        "funding": -27_300,
        "interest": 2_700 - 1_000 - 900,
        "interest_income": -2_700,
        "principal": 27_300 - 9_000 - 9_100,
    }
    check_balanced(lines, entries=entries)


def test_a_returned_payment_is_reversed_once_with_its_note() -> None:
    """February's payment comes back: one reversal (version 2, dated Feb 1 like the entry it
    undoes, memo "returned: NSF") puts 100.00 back on interest (9.00) and principal (91.00).
    Posting the same history again appends nothing."""
    first = plan_postings(
        LOAN, ITEMS, _payments(True), NO_ENTRIES, NO_LINES, as_of=date(2026, 3, 15)
    )
    entries, lines = plan_postings(LOAN, ITEMS, _payments(False), *first, as_of=date(2026, 3, 16))
    assert entries.rows() == [
        (9, "payment:2", 2, "reversal", date(2026, 2, 1), "USD", 1, "returned: NSF"),
    ]
    assert lines.select("account", "amount_minor").rows() == [
        ("cash", -10_000),
        ("interest", 900),
        ("principal", 9_100),
    ]
    journal = pl.concat([first[0], entries]), pl.concat([first[1], lines])
    again = plan_postings(LOAN, ITEMS, _payments(False), *journal, as_of=date(2026, 3, 16))
    assert (again[0].height, again[1].height) == (0, 0)


def test_check_balanced_names_every_offending_entry() -> None:
    """An entry whose debits (10.00) exceed its credits (9.00), a one-line entry and a zero
    line are all refused, each named by its key."""
    lines = pl.DataFrame(
        [
            (1, "payment:1", 1, "cash", 1_000),
            (1, "payment:1", 1, "principal", -900),
            (1, "payment:2", 1, "cash", 500),
            (2, "loan", 1, "funding", 0),
            (2, "loan", 1, "principal", 0),
        ],
        schema=LINES,
        orient="row",
    )
    with pytest.raises(UnbalancedBatch) as refused:
        check_balanced(lines)
    message = str(refused.value)
    assert "1:payment:1:1: debits 1000 != credits 900" in message
    assert "1:payment:2:1: an entry needs a debit and a credit" in message
    assert "2:loan:1: zero-amount line" in message


def test_check_balanced_refuses_a_key_used_twice() -> None:
    """Two entries with the same key in one batch are refused even if both balance."""
    entries = pl.DataFrame(
        [(1, "loan", 1, "disbursement", date(2026, 1, 1), "USD", None, "")] * 2,
        schema=ENTRIES,
        orient="row",
    )
    lines = pl.DataFrame(
        [(1, "loan", 1, "funding", -5), (1, "loan", 1, "principal", 5)],
        schema=LINES,
        orient="row",
    )
    check_balanced(lines)
    with pytest.raises(UnbalancedBatch, match="1:loan:1: key used twice"):
        check_balanced(lines, entries=entries)
