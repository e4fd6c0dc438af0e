"""The allocation waterfall for every good payment of a partition at once.

``arrears.domain.allocation.allocate`` is the specification: a loan's good payments, in the
order (effective date, payment id), fill its items strictly in fill order; what is left beyond
every item is suspense. Coverage is a function of the total paid, so a payment's share of each
component is what that component had covered once the loan's total reached ``A`` (its total
after the payment) less what it had covered at ``B`` (before): two binary searches per payment
into the items' running total and one running total per component.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from arrears.batch.arrays import Ints, days, ints, loan_positions, running_total, total_before
from arrears.domain.components import Component

#: Components in alphabetical order: their codes index the columns of ``Allocation.parts``.
COMPONENTS: tuple[Component, ...] = tuple(sorted(Component, key=lambda c: c.value))


@dataclass(frozen=True, slots=True)
class ItemArrays:
    """A partition's items (in fill order, grouped by loan) as the arrays the batch needs."""

    loan: Ints  # position of the item's loan
    day: Ints  # due date as days since 1970-01-01
    amount: Ints
    component: Ints  # index into COMPONENTS
    seq: Ints  # installment seq (0 for charges)
    is_installment: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, items: pl.DataFrame, loan_ids: Ints) -> ItemArrays:
        """``items`` (an ITEMS frame grouped by ascending loan id) as arrays."""
        seq = items["installment_seq"]
        return cls(
            loan=loan_positions(ints(items["loan_id"]), known=loan_ids, what="items"),
            day=days(items["due_date"]),
            amount=ints(items["amount_minor"]),
            component=ints(
                items["component"].cast(pl.Enum([c.value for c in COMPONENTS])).to_physical()
            ),
            seq=ints(seq.fill_null(0)),
            is_installment=seq.is_not_null().to_numpy(),
        )


@dataclass(frozen=True, slots=True)
class Allocation:
    """Good payments in application order with what each paid, per component and suspense."""

    payments: pl.DataFrame  # loan_id, payment_id, effective_date, amount_minor (sorted)
    loan: Ints  # position of each payment's loan
    parts: Ints  # (payments × components) minor units, columns in COMPONENTS order
    suspense: Ints


def allocate_payments(items: ItemArrays, payments: pl.DataFrame, loan_ids: Ints) -> Allocation:
    """Allocate ``payments`` (good ones, already chosen) over ``items`` (all, in fill order).

    ``loan_ids`` are the partition's sorted loan ids. Raises ``ValueError`` for a payment that
    is not positive, as the reference does.
    """
    ordered = _in_application_order(payments)
    amount = ints(ordered["amount_minor"])
    if np.any(amount <= 0):
        bad = ordered.filter(pl.col("amount_minor") <= 0)["payment_id"][0]
        raise ValueError(f"payment {bad} must be positive to allocate")
    payment_loan = loan_positions(ints(ordered["loan_id"]), known=loan_ids, what="payments")
    everyone = np.arange(loan_ids.size)
    item_running = running_total(items.amount)
    first = np.searchsorted(items.loan, everyone, side="left")
    end = np.searchsorted(items.loan, everyone, side="right")
    item_base = total_before(item_running, first)
    item_total = total_before(item_running, end) - item_base
    paid_running = running_total(amount)
    paid_first = np.searchsorted(payment_loan, everyone, side="left")
    after = paid_running - total_before(paid_running, paid_first)[payment_loan]
    before = after - amount
    cap = total_before(item_running, end)[payment_loan]
    parts = _parts(
        before=np.minimum(before + item_base[payment_loan], cap),
        after=np.minimum(after + item_base[payment_loan], cap),
        item_running=item_running,
        items=items,
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


def _parts(*, before: Ints, after: Ints, item_running: Ints, items: ItemArrays) -> Ints:
    """(payments × components) amounts paid: what each component had covered after the payment
    less what it had covered before.

    Once ``P`` has been paid (in the items' global running-total space, capped at the loan's
    total), component ``c`` has covered its items fully paid — a running total per component,
    read just before the first item not fully paid — plus the part of that item if it is a
    ``c`` item. Components without items are skipped.
    """
    parts = np.zeros((after.size, len(COMPONENTS)), dtype=np.int64)
    if item_running.size == 0:
        return parts
    present = np.flatnonzero(np.bincount(items.component, minlength=len(COMPONENTS)))
    by_component = {
        int(code): np.cumsum(np.where(items.component == code, items.amount, 0)) for code in present
    }
    for paid, sign in ((after, 1), (before, -1)):
        fully = np.searchsorted(item_running, paid, side="right")  # items fully paid: all before
        straddling = items.component[np.minimum(fully, item_running.size - 1)]
        partial = paid - total_before(item_running, fully)
        partial[fully >= item_running.size] = 0
        for code, running in by_component.items():
            covered = total_before(running, fully) + np.where(straddling == code, partial, 0)
            parts[:, code] += sign * covered
    return parts
