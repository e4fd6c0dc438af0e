"""Charge-off amounts, computed loan by loan with the domain's payment waterfall.

The balance charged off is what the borrower owed on the charge-off date: all principal not yet
paid plus the interest that had fallen due and was not paid (future interest is not owed). The
installments due by then — the importer's own schedule, which ``amortisation`` reproduces to the
cent — go through ``arrears.domain.allocation`` (``due_items``, ``covered``); later installments
add only their principal, since a loan 180 days behind has paid nothing ahead. Only charged-off
loans (a few percent of the book) take this per-loan path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np

from arrears.domain.allocation import covered, due_items
from arrears.domain.components import Component
from arrears.domain.money import Money
from arrears.domain.schedules import Installment
from arrears.simulation.amortisation import Installments
from arrears.simulation.draws import Ints

_EPOCH = date(1970, 1, 1)


def balance_owed(installments: Sequence[Installment], *, paid_minor: int, on: date) -> int:
    """Unpaid principal plus unpaid interest due on or before ``on`` (minor units)."""
    items = due_items(installments)
    balance = 0
    for item, cover in zip(items, covered(items, paid_minor), strict=True):
        if item.component is Component.PRINCIPAL or item.due_date <= on:
            balance += item.amount_minor - cover
    return balance


def _installments_due_by(installments: Installments, loan: int, day: int) -> list[Installment]:
    start = int(installments.first_row[loan])
    rows = range(start, start + int(installments.row_count[loan]))
    zero = Money.zero()
    return [
        Installment(
            seq=int(installments.number[row]),
            due_date=_EPOCH + timedelta(days=int(installments.due[row])),
            principal=Money(int(installments.principal[row])),
            interest=Money(int(installments.interest[row])),
            fees=zero,
        )
        for row in rows
        if installments.due[row] <= day
    ]


def charge_off_amounts(
    installments: Installments,
    *,
    principal: Ints,
    charge_off_day: Ints,
    paid_at_charge_off: Ints,
) -> Ints:
    """Per loan: the balance charged off (0 for loans not charged off)."""
    amounts = np.zeros(len(charge_off_day), dtype=np.int64)
    for loan in np.flatnonzero(charge_off_day >= 0):
        day = int(charge_off_day[loan])
        due = _installments_due_by(installments, int(loan), day)
        not_yet_due = int(principal[loan]) - sum(i.principal.minor for i in due)
        owed = balance_owed(
            due, paid_minor=int(paid_at_charge_off[loan]), on=_EPOCH + timedelta(days=day)
        )
        amounts[loan] = owed + not_yet_due
    return amounts
