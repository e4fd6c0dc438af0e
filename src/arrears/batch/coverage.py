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
    ints,
    keyed,
    known_positions,
    loan_bounds,
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
    installments: Installments  # those ever unpaid for a day, by (loan, due day)


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
    return Coverage(
        loan_ids, input_row, charge_off, rows.totals, payment_totals, plan.unpaid_for_a_while()
    )


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
    earlier = row_days[1:] < row_days[:-1]
    earlier &= same_loan
    if earlier.any():
        raise NotGroupedError("items must be in fill order per loan (see batch.items.due_items)")
    del earlier
    amounts = ints(frame["amount_minor"])
    if amounts.size and int(amounts.min()) <= 0:
        raise ValueError("due items are positive amounts")
    starts = starts_of_runs(same_loan) if loan.size else loan
    run_loan = known_positions(loan[starts], known=loan_ids, what="items")
    first, stop = loan_bounds(starts, run_loan=run_loan, rows=loan.size, loans=loan_ids.size)
    end = first + _count_per_loan(row_days < horizon, first=first, stop=stop)
    totals = Totals(
        first=first, end=end, stop=stop, row_days=row_days, amounts=amounts, horizon=horizon
    )
    seq = frame["installment_seq"]
    return ItemRows(
        totals=totals,
        same_loan=same_loan,
        is_installment=seq.is_not_null().to_numpy(),
        seq=_values_of(seq),
        horizon=horizon,
    )


def _values_of(seq: pl.Series) -> Ints:
    """The values of an integer column with nulls, without filling them (where a value is
    null the number is meaningless: callers look only where it is not)."""
    if seq.null_count() == 0:
        return np.asarray(seq.to_numpy())
    array = seq.to_arrow()
    width = np.dtype(np.int32).itemsize
    return np.frombuffer(
        array.buffers()[1], dtype=np.int32, count=len(array), offset=array.offset * width
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

    Payments grouped by loan (the usual case) are only filtered, and sorted by day inside each
    loan if they are not already; others are sorted by (loan, day) first.
    """
    columns = ["loan_id", "effective_date", "amount_minor", "good"]
    frame = conform(payments, PAYMENTS, name="payments", columns=columns)
    last = day_number(horizon)
    loan, day = ints(frame["loan_id"]), days(frame["effective_date"])
    amount = ints(frame["amount_minor"])
    counts = np.asarray(frame["good"].fill_null(False).to_numpy())
    counts &= day <= last
    if np.any((amount < 0) & counts):
        raise ValueError("a good payment cannot be negative")
    if np.any(loan[1:] < loan[:-1]):
        order = np.argsort(loan, kind="stable")
        loan, day, amount, counts = loan[order], day[order], amount[order], counts[order]
    if not counts.all():
        kept = np.flatnonzero(counts)
        loan, day, amount = loan[kept], day[kept], amount[kept]
    starts = starts_of_runs(loan[1:] == loan[:-1]) if loan.size else loan
    run_loan = known_positions(loan[starts], known=loan_ids, what="payments")
    first, end = loan_bounds(starts, run_loan=run_loan, rows=loan.size, loans=loan_ids.size)
    earlier = day[1:] < day[:-1]
    earlier &= loan[1:] == loan[:-1]
    if earlier.any():  # sort by day inside each loan: the loans' ranges do not move
        lengths = np.diff(np.append(starts, loan.size))
        key = np.repeat(np.arange(starts.size, dtype=np.int64) << 32, lengths)
        key += day
        order = np.argsort(key, kind="stable")
        day, amount = day[order], amount[order]
    return Totals(first=first, end=end, stop=end, row_days=day, amounts=amount, horizon=last + 1)
