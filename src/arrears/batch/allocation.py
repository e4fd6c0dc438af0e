"""The allocation waterfall for every good payment of a partition at once.

``arrears.domain.allocation.allocate`` is the specification: a loan's good payments, in the
order (effective date, payment id), fill its items strictly in fill order; what is left beyond
every item is suspense. With ``S`` the running total of items and ``B``/``A`` the loan's total
paid before/after a payment, the payment covers ``min(A, S_k) − max(B, S_{k−1})`` of each item
``k`` it overlaps — the items between two binary searches — so one pass over (payment, item)
pairs allocates the whole partition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from arrears.batch.arrays import Ints, days, ints, loan_positions, running_total, total_before
from arrears.domain.components import Component

#: Components in alphabetical order: their codes index the columns of ``Allocation.parts``.
COMPONENTS: tuple[Component, ...] = tuple(sorted(Component, key=lambda c: c.value))


@dataclass(frozen=True, slots=True)
class Allocation:
    """Good payments in application order with what each paid, per component and suspense."""

    payments: pl.DataFrame  # loan_id, payment_id, effective_date, amount_minor (sorted)
    loan: Ints  # position of each payment's loan
    parts: Ints  # (payments × components) minor units, columns in COMPONENTS order
    suspense: Ints


def allocate_payments(items: pl.DataFrame, payments: pl.DataFrame, loan_ids: Ints) -> Allocation:
    """Allocate ``payments`` (good ones, already chosen) over ``items`` (all, in fill order).

    ``loan_ids`` are the partition's sorted loan ids; items must be grouped by ascending id.
    Raises ``ValueError`` for a payment that is not positive, as the reference does.
    """
    ordered = _in_application_order(payments)
    amount = ints(ordered["amount_minor"])
    if np.any(amount <= 0):
        bad = ordered.filter(pl.col("amount_minor") <= 0)["payment_id"][0]
        raise ValueError(f"payment {bad} must be positive to allocate")
    payment_loan = loan_positions(ints(ordered["loan_id"]), known=loan_ids, what="payments")
    item_loan = loan_positions(ints(items["loan_id"]), known=loan_ids, what="items")
    item_amount = ints(items["amount_minor"])
    item_running = running_total(item_amount)
    first = np.searchsorted(item_loan, np.arange(loan_ids.size), side="left")
    end = np.searchsorted(item_loan, np.arange(loan_ids.size), side="right")
    item_base = total_before(item_running, first)
    item_total = total_before(item_running, end) - item_base
    paid_running = running_total(amount)
    paid_first = np.searchsorted(payment_loan, np.arange(loan_ids.size), side="left")
    after = paid_running - total_before(paid_running, paid_first)[payment_loan]
    before = after - amount
    component = _component_codes(items["component"])
    parts = _parts(
        loan=payment_loan,
        before=before + item_base[payment_loan],
        after=after + item_base[payment_loan],
        item_running=item_running,
        item_amount=item_amount,
        item_end=end,
        component=component,
    )
    total = item_total[payment_loan]
    suspense = np.maximum(after - total, 0) - np.maximum(before - total, 0)
    return Allocation(ordered, payment_loan, parts, suspense)


def _in_application_order(payments: pl.DataFrame) -> pl.DataFrame:
    """Payments sorted by (loan_id, effective_date, payment_id), cheaply when nearly so."""
    loan, day, payment = (
        ints(payments["loan_id"]),
        days(payments["effective_date"]),
        ints(payments["payment_id"]),
    )
    later = (loan[1:] > loan[:-1]) | (
        (loan[1:] == loan[:-1])
        & ((day[1:] > day[:-1]) | ((day[1:] == day[:-1]) & (payment[1:] >= payment[:-1])))
    )
    if later.all():
        return payments
    return payments.sort(["loan_id", "effective_date", "payment_id"], maintain_order=True)


def _component_codes(component: pl.Series) -> Ints:
    return ints(component.cast(pl.Enum([c.value for c in COMPONENTS])).to_physical())


def _parts(
    *,
    loan: Ints,
    before: Ints,
    after: Ints,
    item_running: Ints,
    item_amount: Ints,
    item_end: Ints,
    component: Ints,
) -> Ints:
    """(payments × components) amounts paid, from the items each payment's range overlaps.

    ``before``/``after`` are in the global running-total space of the items (the loan's base
    added), so one binary search finds the first and last item a payment touches.
    """
    last_item = item_end[loan] - 1
    lowest = np.searchsorted(item_running, before, side="right")
    highest = np.minimum(np.searchsorted(item_running, after, side="left"), last_item)
    touched = np.where(lowest <= last_item, highest - lowest + 1, 0)
    pair_payment = np.repeat(np.arange(loan.size), touched)
    offsets = np.cumsum(touched) - touched
    item = lowest[pair_payment] + np.arange(pair_payment.size) - offsets[pair_payment]
    end_at = item_running[item]
    paid = np.minimum(after[pair_payment], end_at) - np.maximum(
        before[pair_payment], end_at - item_amount[item]
    )
    parts = np.zeros(loan.size * len(COMPONENTS), dtype=np.int64)
    np.add.at(parts, pair_payment * len(COMPONENTS) + component[item], paid)
    return parts.reshape(-1, len(COMPONENTS))
