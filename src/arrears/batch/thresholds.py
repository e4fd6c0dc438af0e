"""Each installment's threshold (total paid at which it counts as paid) and its cleared day.

``arrears.domain.delinquency`` calls an installment unpaid while its shortfall under the fill
model exceeds the policy's tolerance. With ``S`` the loan's running total of items in fill order
and the installment's items ``k``, the shortfall once ``P`` has been paid is
``Σ a_k − clamp(P − S_{k−1}, 0, a_k)`` — non-increasing in ``P`` — so there is one smallest ``P``
(the threshold) from which it counts as paid, and one first payment day (the cleared day) on
which the loan's running total of payments reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from arrears.batch.arrays import NEVER, NO_DAY, Bools, Ints, keyed, total_before

if TYPE_CHECKING:
    from arrears.batch.coverage import Totals


@dataclass(frozen=True, slots=True)
class ItemRows:
    """Item rows grouped by loan in fill order, with what marks their installments."""

    totals: Totals
    same_loan: Bools  # per row after the first: same loan as the row before
    is_installment: Bools
    seq: Ints  # installment seq (0 for charges)
    horizon: int  # installments due on or after this day are left out


@dataclass(frozen=True, slots=True)
class Installments:
    """Installments due before the horizon, sorted by (loan position, due day)."""

    loan: Ints
    due: Ints
    cleared: Ints  # first day counted as paid; NO_DAY if never unpaid, NEVER if not by horizon

    def unpaid_for_a_while(self) -> Installments:
        """Only those left unpaid at least one day (cleared after the day after their due
        date): the others never make a loan delinquent, on any date."""
        keep = self.cleared > self.due + 1
        return Installments(self.loan[keep], self.due[keep], self.cleared[keep])


def installments_of(rows: ItemRows, *, payments: Totals, tolerance: int) -> Installments:
    """The installments due before the horizon with their cleared days."""
    items = rows.totals
    runs = _runs(rows)
    if runs is not None:  # in item order, so already by (loan, due day)
        first_row, last_row, owner = runs
        # The threshold is S at the last item less the tolerance; in the payments' running
        # total space the loan's item base gives way to its payment base.
        target = items.running[last_row]
        target += (payments.base - items.base)[owner]
        target -= tolerance
        never = _within_tolerance(first_row, last_row, items, tolerance)
        cleared = _cleared(owner, target, never, payments)
        return Installments(owner, items.row_days[last_row], cleared)
    candidates = np.flatnonzero(rows.is_installment & (items.row_days < rows.horizon))
    last_row, owner, threshold = _interleaved_thresholds(candidates, rows.seq, items, tolerance)
    due = items.row_days[last_row]
    cleared = _cleared(owner, threshold + payments.base[owner], threshold <= 0, payments)
    by_due = np.argsort(keyed(owner, due), kind="stable")
    return Installments(owner[by_due], due[by_due], cleared[by_due])


def _owner(rows: Ints, items: Totals) -> Ints:
    """The loan position owning each item row (rows grouped by loan position)."""
    return np.searchsorted(items.stop, rows, side="right").astype(np.int32)


def _runs(rows: ItemRows) -> tuple[Ints, Ints, Ints] | None:
    """(first row, last row, loan) of each installment due before the horizon, if consecutive.

    Consecutive items are the rule for schedules (an installment's parts share a due date and
    nothing of another installment sorts between them); it is checked — each loan's runs must
    carry rising seqs — and ``None`` returned when it does not hold.
    """
    installment = rows.totals.row_days < rows.horizon
    installment &= rows.is_installment
    seq = rows.seq
    if installment.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int32)
    breaks = np.equal(seq[1:], seq[:-1])
    breaks &= installment[1:]
    breaks &= installment[:-1]
    breaks &= rows.same_loan
    np.logical_not(breaks, out=breaks)  # now: the row does not continue the previous one
    edges = installment.copy()
    edges[1:] &= breaks
    first_row = np.flatnonzero(edges)
    np.copyto(edges, installment)
    edges[:-1] &= breaks
    last_row = np.flatnonzero(edges)
    del breaks, edges, installment
    owner = _owner(last_row, rows.totals)
    same_loan = owner[1:] == owner[:-1]
    if np.any(same_loan & (seq[first_row[1:]] <= seq[first_row[:-1]])):
        return None
    return first_row, last_row, owner


def _within_tolerance(first_row: Ints, last_row: Ints, items: Totals, tolerance: int) -> Bools:
    """Installments (of consecutive items) no larger than the tolerance: never unpaid."""
    if tolerance == 0:  # items are positive
        return np.zeros(first_row.size, dtype=np.bool_)
    whole = items.running[last_row] - items.running[first_row] + items.amounts[first_row]
    small: Bools = whole <= tolerance
    return small


def _interleaved_thresholds(
    rows: Ints, seq: Ints, items: Totals, tolerance: int
) -> tuple[Ints, Ints, Ints]:
    """The general case: an installment's items may be interleaved with other items.

    Inside an installment (its items in fill order) let ``R`` be what is left of it after an
    item. The first of its items with ``R <= tolerance`` is where it becomes paid: once
    ``max(S_before, S_after + R - tolerance)`` has been paid. An installment no larger than the
    tolerance is never unpaid (threshold 0). Returns (last row, loan, threshold) per installment.
    """
    if rows.size == 0:
        return rows, rows, rows
    owner_of_row = _owner(rows, items)
    group = keyed(owner_of_row, seq[rows])
    if np.any(group[1:] < group[:-1]):
        regroup = np.argsort(group, kind="stable")
        rows, group, owner_of_row = rows[regroup], group[regroup], owner_of_row[regroup]
    starts = np.flatnonzero(np.append(True, group[1:] != group[:-1]))
    stops = np.append(starts[1:], rows.size)
    lengths = stops - starts
    running = np.cumsum(items.amounts[rows], dtype=np.int64)
    within = running - np.repeat(total_before(running, starts), lengths)
    whole = within[stops - 1]
    left = np.repeat(whole, lengths) - within
    still_short = np.add.reduceat((left > tolerance).astype(np.int64), starts)
    paying = starts + still_short
    item = rows[paying]
    owner = owner_of_row[paying]
    paid_after = items.running[item] - items.base[owner]
    paid_before = paid_after - items.amounts[item]
    threshold = np.maximum(paid_before, paid_after + left[paying] - tolerance)
    threshold[whole <= tolerance] = 0
    return rows[stops - 1], owner, threshold


def _cleared(owner: Ints, target: Ints, never: Bools, payments: Totals) -> Ints:
    """First payment day on which the payments' running total reaches ``target`` (NEVER if
    the loan's payments never do; NO_DAY where ``never``).

    Targets past a loan's last payment are capped just beyond it, which keeps them ascending
    (loans in order, thresholds rising) so the binary searches walk the payments in order.
    """
    beyond = (total_before(payments.running, payments.end) + 1)[owner]
    np.minimum(target, beyond, out=target)
    hit = np.searchsorted(payments.running, target, side="left")
    np.minimum(hit, max(payments.running.size - 1, 0), out=hit)
    day = payments.row_days[hit] if payments.running.size else np.zeros(hit.size, np.int32)
    cleared: Ints = np.where(target < beyond, day, np.int32(NEVER))
    cleared[never] = NO_DAY
    return cleared
