"""The journal: balance checks, reversals and reconciliation that only appends the difference."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.domain.allocation import due_items
from arrears.domain.money import Money
from arrears.domain.schedules import Installment
from arrears.ledger.accounts import Account
from arrears.ledger.entries import (
    Entry,
    EntryKind,
    Line,
    UnbalancedBatch,
    balances,
    check_batch,
    reversal_of,
)
from arrears.ledger.postings import PaymentFact, desired_postings, reconcile


def entry(key: str, *lines: tuple[Account, int]) -> Entry:
    return Entry(
        key,
        1,
        EntryKind.ADJUSTMENT,
        date(2026, 1, 1),
        "USD",
        tuple(Line(a, m) for a, m in lines),
        "x",
    )


def test_an_unbalanced_entry_refuses_the_whole_batch() -> None:
    good = entry("a", (Account.CASH, 100), (Account.PRINCIPAL, -100))
    bad = entry("b", (Account.CASH, 100), (Account.PRINCIPAL, -90))
    with pytest.raises(UnbalancedBatch, match="b: debits 100 != credits 90"):
        check_batch([good, bad])


def test_an_entry_naming_one_account_on_two_lines_refuses_the_batch() -> None:
    """The journal stores an entry as one amount per account (ADR 0017)."""
    doubled = entry("a", (Account.CASH, 100), (Account.PRINCIPAL, -60), (Account.PRINCIPAL, -40))
    with pytest.raises(UnbalancedBatch, match="a: an account on two lines"):
        check_batch([doubled])


def test_a_key_used_twice_refuses_the_batch() -> None:
    one = entry("a", (Account.CASH, 1), (Account.PRINCIPAL, -1))
    with pytest.raises(UnbalancedBatch, match="key used twice"):
        check_batch([one, one])


def test_a_reversal_undoes_its_entry_line_by_line() -> None:
    original = entry("a", (Account.CASH, 100), (Account.PRINCIPAL, -100))
    undo = reversal_of(original, key="a-r", effective_date=date(2026, 1, 1), memo="posted in error")
    assert undo.reverses == "a"
    assert balances([original, undo]) == {Account.CASH: 0, Account.PRINCIPAL: 0}


def _history() -> tuple[list, list[PaymentFact]]:
    items = due_items(
        [
            Installment(n, date(2026, n, 1), Money(8900 + 100 * n), Money(1100 - 100 * n), Money(0))
            for n in (1, 2, 3)
        ]
    )
    payments = [
        PaymentFact(1, date(2026, 1, 1), 10000, True),
        PaymentFact(2, date(2026, 2, 1), 10000, True),
    ]
    return items, payments


def test_first_posting_of_a_history() -> None:
    """Disbursement 273.00; interest charged Jan–Mar (10 + 9 + 8 = 27.00); two payments of 100.00
    pay January (10 interest, 90 principal) and February (9, 91)."""
    items, payments = _history()
    desired = desired_postings(
        principal_minor=27300, origination_date=date(2025, 12, 1), items=items, payments=payments,
        as_of=date(2026, 3, 15),
    )  # fmt: skip
    entries = reconcile(loan_id=9, currency="USD", desired=desired, existing=[])
    check_batch(entries)
    totals = balances(entries)
    assert totals[Account.PRINCIPAL] == 27300 - 9000 - 9100
    assert totals[Account.INTEREST] == 2700 - 1000 - 900
    assert totals[Account.CASH] == 20000


def test_reconciling_again_appends_nothing() -> None:
    items, payments = _history()
    kwargs = {"principal_minor": 27300, "origination_date": date(2025, 12, 1), "items": items}
    desired = desired_postings(payments=payments, as_of=date(2026, 3, 15), **kwargs)
    first = reconcile(loan_id=9, currency="USD", desired=desired, existing=[])
    assert reconcile(loan_id=9, currency="USD", desired=desired, existing=first) == []


def test_a_backdated_payment_re_derives_later_allocations() -> None:
    """A payment found later for Dec (before Jan's) moves January's payment onto February."""
    items, payments = _history()
    kwargs = {"principal_minor": 27300, "origination_date": date(2025, 12, 1), "items": items}
    first = reconcile(
        loan_id=9, currency="USD",
        desired=desired_postings(payments=payments, as_of=date(2026, 3, 15), **kwargs), existing=[],
    )  # fmt: skip
    late = [PaymentFact(3, date(2025, 12, 20), 10000, True), *payments]
    second = reconcile(
        loan_id=9, currency="USD",
        desired=desired_postings(payments=late, as_of=date(2026, 3, 15), **kwargs), existing=first,
    )  # fmt: skip
    check_batch(second)
    assert {e.kind for e in second} == {EntryKind.PAYMENT, EntryKind.REVERSAL}
    assert balances(first + second)[Account.PRINCIPAL] == 27300 - 27300
    assert all(e.reverses for e in second if e.kind is EntryKind.REVERSAL)
