"""Where each loan actually stands, computed from its good payments as the importer will.

Payments pay installments strictly in order (``arrears.domain.allocation``), so installment *k*
is paid on day *t* exactly when the good payments effective by *t* reach everything due up to and
including *k*. Days past due on a date run from the oldest installment not paid; a loan is charged
off on the first day it reaches 180 DPD — for installment *k* that can only be its due date + 180,
so only those days need checking. This is ``arrears.domain.delinquency`` on whole arrays, with the
waterfall's default tolerance of zero (the unit tests compare the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from arrears.simulation import dates
from arrears.simulation.amortisation import Installments
from arrears.simulation.behaviour import CHARGE_OFF_DPD
from arrears.simulation.draws import Ints
from arrears.simulation.payments import PaymentRows

_DAY_BITS = 20  # day numbers stay below 2**20 until the year 4840


@dataclass(frozen=True, slots=True)
class PaidToDate:
    """Cumulative good payments per loan, answerable for any (loan, day)."""

    keys: Ints
    running: Ints

    @classmethod
    def of(cls, payments: PaymentRows) -> PaidToDate:
        good = payments.where(payments.good)
        keys = (good.loan << _DAY_BITS) | good.day
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], np.concatenate([[0], np.cumsum(good.amount[order])]))

    def by(self, loan: Ints, day: Ints) -> Ints:
        """Total paid on each loan by the end of each day."""
        through = np.searchsorted(self.keys, (loan << _DAY_BITS) | day, side="right")
        before = np.searchsorted(self.keys, loan << _DAY_BITS, side="left")
        return self.running[through] - self.running[before]


@dataclass(frozen=True, slots=True)
class Standing:
    """Per loan on ``as_of``: days past due, charge-off day (-1: none) and paid-off flag."""

    dpd: Ints
    charge_off_day: Ints
    paid_at_charge_off: Ints
    paid_off: NDArray[np.bool_]

    @property
    def charged_off(self) -> NDArray[np.bool_]:
        return self.charge_off_day >= 0


def _first_row_per_loan(rows: Ints, loan_of_row: Ints) -> tuple[Ints, Ints]:
    """(loans with a row, their first row) for rows given in loan order."""
    loan = loan_of_row[rows]
    found, first = np.unique(loan, return_index=True)
    return found, rows[first]


def standing_as_of(
    installments: Installments, payments: PaymentRows, *, term_months: Ints, as_of: date
) -> Standing:
    loans = len(installments.row_count)
    as_of_day = dates.day_number(as_of)
    paid = PaidToDate.of(payments)
    owed = installments.cumulative_due()
    loan, due = installments.loan, installments.due

    paid_now = paid.by(loan, np.full(len(loan), as_of_day))
    unpaid = np.flatnonzero((due < as_of_day) & (paid_now < owed))
    late_loans, oldest = _first_row_per_loan(unpaid, loan)
    dpd = np.zeros(loans, dtype=np.int64)
    dpd[late_loans] = as_of_day - due[oldest]

    deadline = due + CHARGE_OFF_DPD
    at_deadline = paid.by(loan, np.minimum(deadline, as_of_day))
    reached = np.flatnonzero((deadline <= as_of_day) & (at_deadline < owed))
    charged_loans, first_reached = _first_row_per_loan(reached, loan)
    charge_off_day = np.full(loans, -1, dtype=np.int64)
    charge_off_day[charged_loans] = deadline[first_reached]
    paid_at_charge_off = np.zeros(loans, dtype=np.int64)
    paid_at_charge_off[charged_loans] = at_deadline[first_reached]

    complete = installments.row_count == term_months
    last_row = installments.first_row + installments.row_count - 1
    total_owed = owed[np.maximum(last_row, 0)] if len(owed) else np.zeros(loans, np.int64)
    paid_off = complete & (paid.by(np.arange(loans), np.full(loans, as_of_day)) >= total_owed)
    return Standing(
        dpd=dpd,
        charge_off_day=charge_off_day,
        paid_at_charge_off=paid_at_charge_off,
        paid_off=paid_off & (charge_off_day < 0),
    )
