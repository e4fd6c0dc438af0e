"""How far each loan's payments cover its due items over time, as flat sorted arrays.

Payments fill items strictly in order (``arrears.domain.allocation``), so with ``S`` a loan's
running total of item amounts and ``P(t)`` its running total of good payments, an installment
counts as paid on day ``t`` exactly when ``P(t)`` reaches a fixed *threshold* that depends only on
the items (``batch.thresholds``). Since ``P`` only grows, every installment has one *cleared*
day — the first payment day on which the total reaches its threshold — and is unpaid from the day
after it falls due until then. Delinquency on any date is a function of those intervals
(``batch.episodes``) and of two running totals; nothing loops per loan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import polars as pl

from arrears.batch.arrays import (
    NEVER,
    Bools,
    Ints,
    NotGroupedError,
    day_number,
    days,
    group_bounds,
    ints,
    keyed,
    known_positions,
    loan_bounds,
    loan_positions,
    row_loans,
    running_total,
    starts_of_runs,
    total_before,
)
from arrears.batch.frames import ITEMS, LOANS, PAYMENTS, conform
from arrears.batch.thresholds import Installments, ItemRows, installments_of


class Totals:
    """Rows of one kind (items or payments) sorted by (loan, day), with running amounts.

    Only rows dated before ``horizon`` count. Later rows may follow a loan's rows (``end``
    stops before them, ``stop`` after): they keep every loan's rows contiguous without a copy.
    """

    def __init__(
        self, *, first: Ints, end: Ints, stop: Ints, row_days: Ints, amounts: Ints, horizon: int
    ):
        self.first = first  # per loan: its first row
        self.end = end  # per loan: one past its last row before the horizon
        self.stop = stop  # per loan: one past its last row
        self.row_days = row_days
        self.amounts = amounts
        self.horizon = horizon
        self.running = running_total(amounts)  # inclusive, over all rows
        self.base = total_before(self.running, first)  # per loan: total before its first row

    def total(self) -> Ints:
        """Per loan, the total of its rows before the horizon."""
        return total_before(self.running, self.end) - self.base

    def before(self, cutoff: int, *, inclusive: bool) -> Ints:
        """Per loan, the total of its rows dated before ``cutoff`` (or on it, if inclusive)."""
        if cutoff + inclusive >= self.horizon:
            return self.total()
        targets = keyed(np.arange(self.first.size), cutoff)
        if inclusive:
            end = np.searchsorted(self.keys, targets, side="right")
        else:
            end = np.searchsorted(self.keys, targets, side="left")
        return total_before(self.running, np.minimum(end, self.end)) - self.base

    @cached_property
    def keys(self) -> Ints:
        """keyed(loan position, day) per row, ascending: built only when a date needs it."""
        return keyed(row_loans(self.first, self.stop), self.row_days)


@dataclass(frozen=True, slots=True)
class Coverage:
    """Everything delinquency needs about a partition, up to a horizon date."""

    loan_ids: Ints  # sorted, unique
    input_row: Ints  # input row of each sorted loan (to answer in input order)
    charge_off: Ints  # per sorted loan: charge-off day, NEVER if none
    items: Totals
    payments: Totals
    installments: Installments


def coverage(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    loans: pl.DataFrame,
    *,
    horizon: date,
    tolerance_minor: int,
) -> Coverage:
    """Prepare the arrays for every date up to ``horizon`` (items due and good payments made)."""
    loan_frame = conform(loans, LOANS, name="loans", columns=["loan_id", "charge_off_date"])
    raw_ids = ints(loan_frame["loan_id"])
    input_row = np.argsort(raw_ids, kind="stable").astype(np.int64)
    loan_ids = raw_ids[input_row]
    if np.any(loan_ids[1:] == loan_ids[:-1]):
        raise ValueError("loans must not repeat a loan_id")
    charge_off = days(loan_frame["charge_off_date"], null=NEVER)[input_row]
    rows = _item_rows(items, loan_ids, day_number(horizon))
    payment_totals = _good_payments(payments, loan_ids, horizon)
    plan = installments_of(rows, payments=payment_totals, tolerance=tolerance_minor)
    return Coverage(loan_ids, input_row, charge_off, rows.totals, payment_totals, plan)


def _item_rows(items: pl.DataFrame, loan_ids: Ints, horizon: int) -> ItemRows:
    """The item columns as arrays, with each loan's range of rows due before the horizon."""
    columns = ["loan_id", "due_date", "amount_minor", "installment_seq"]
    frame = conform(items, ITEMS, name="items", columns=columns)
    if frame.n_chunks() > 1:
        frame = frame.rechunk()
    loan = ints(frame["loan_id"])
    if np.any(loan[1:] < loan[:-1]):
        frame = frame.sort("loan_id", maintain_order=True).rechunk()
        loan = ints(frame["loan_id"])
    row_days = days(frame["due_date"])
    same_loan = loan[1:] == loan[:-1]
    if np.any((row_days[1:] < row_days[:-1]) & same_loan):
        raise NotGroupedError("items must be in fill order per loan (see batch.items.due_items)")
    starts = starts_of_runs(same_loan) if loan.size else loan
    run_loan = known_positions(loan[starts], known=loan_ids, what="items")
    first, stop = loan_bounds(starts, run_loan=run_loan, rows=loan.size, loans=loan_ids.size)
    end = first + _count_per_loan(row_days < horizon, first=first, stop=stop)
    seq = frame["installment_seq"]
    totals = Totals(
        first=first,
        end=end,
        stop=stop,
        row_days=row_days,
        amounts=ints(frame["amount_minor"]),
        horizon=horizon,
    )
    return ItemRows(
        totals=totals,
        same_loan=same_loan,
        is_installment=seq.is_not_null().to_numpy(),
        seq=np.asarray(seq.fill_null(0).to_numpy()),
        horizon=horizon,
    )


def _count_per_loan(flags: Bools, *, first: Ints, stop: Ints) -> Ints:
    """How many rows of each loan's range are flagged."""
    counts = np.zeros(first.size, dtype=np.int64)
    filled = np.flatnonzero(stop > first)
    if filled.size:
        counts[filled] = np.add.reduceat(flags.view(np.uint8), first[filled], dtype=np.int64)
    return counts


def _good_payments(payments: pl.DataFrame, loan_ids: Ints, horizon: date) -> Totals:
    """Good payments effective by the horizon, sorted by (loan, day).

    Payments already in that order (the usual case) are only filtered; others are sorted once,
    the ones that do not count sorting last and being cut off.
    """
    columns = ["loan_id", "effective_date", "amount_minor", "good"]
    frame = conform(payments, PAYMENTS, name="payments", columns=columns)
    last = day_number(horizon)
    loan, day = ints(frame["loan_id"]), days(frame["effective_date"])
    amount = ints(frame["amount_minor"])
    counts = np.asarray(frame["good"].fill_null(False).to_numpy()) & (day <= last)
    if np.any(counts & (amount < 0)):
        raise ValueError("a good payment cannot be negative")
    ordered = (loan[1:] > loan[:-1]) | ((loan[1:] == loan[:-1]) & (day[1:] >= day[:-1]))
    if ordered.all():
        if not counts.all():
            kept = np.flatnonzero(counts)
            loan, day, amount = loan[kept], day[kept], amount[kept]
        starts = starts_of_runs(loan[1:] == loan[:-1]) if loan.size else loan
        run_loan = known_positions(loan[starts], known=loan_ids, what="payments")
        first, end = loan_bounds(starts, run_loan=run_loan, rows=loan.size, loans=loan_ids.size)
    else:
        position = loan_positions(loan, known=loan_ids, what="payments")
        key = keyed(position, day)
        key[~counts] = np.iinfo(np.int64).max
        order = np.argsort(key, kind="stable")[: int(counts.sum())]
        position, day, amount = position[order], day[order], amount[order]
        first, end = group_bounds(position, loan_ids.size)
    return Totals(first=first, end=end, stop=end, row_days=day, amounts=amount, horizon=last + 1)
