"""Bugs found in the scalar references while building their batch equivalents.

Each test failed against the reference before its fix; the batch functions follow the fixed
reference (the equivalence properties check that).
"""

from __future__ import annotations

from datetime import date

from arrears.domain.allocation import due_items
from arrears.domain.money import Money
from arrears.domain.schedules import Installment
from arrears.ledger.accounts import Account
from arrears.ledger.entries import balances
from arrears.ledger.postings import PaymentFact, desired_postings, reconcile

ITEMS = due_items([Installment(1, date(2026, 3, 1), Money(9_000), Money(1_000), Money(0))])


def _post(payment_date: date, existing: list) -> list:
    desired = desired_postings(
        principal_minor=9_000,
        origination_date=date(2026, 2, 1),
        items=ITEMS,
        payments=[PaymentFact(7, payment_date, 10_000, True)],
        as_of=date(2026, 3, 31),
    )
    return reconcile(loan_id=1, currency="USD", desired=desired, existing=existing)


def test_correcting_a_payments_date_moves_it_in_the_journal() -> None:
    """A payment first recorded on Mar 20 is corrected to Mar 5 (same amount, same allocation:
    10.00 interest and 90.00 principal). As of Mar 10 the journal must show it paid — cash
    100.00, principal receivable 0 — as a journal posted from scratch does. Before the fix the
    unchanged lines hid the new date (nothing was appended), and a reversal would have been
    dated Mar 5 too, cancelling the Mar 20 entry before it ever took effect."""
    journal = _post(date(2026, 3, 20), [])
    journal += _post(date(2026, 3, 5), journal)
    from_scratch = _post(date(2026, 3, 5), [])
    for as_of in (date(2026, 3, 4), date(2026, 3, 10), date(2026, 3, 25)):
        assert _nonzero(balances(journal, as_of=as_of)) == _nonzero(
            balances(from_scratch, as_of=as_of)
        ), as_of
    assert balances(journal, as_of=date(2026, 3, 10))[Account.CASH] == 10_000


def _nonzero(totals: dict[Account, int]) -> dict[Account, int]:
    return {account: amount for account, amount in totals.items() if amount}
