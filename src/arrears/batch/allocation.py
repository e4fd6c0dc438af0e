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
    """(payments × components) amounts paid: what each component had covered after the payment
    less what it had covered before.

    Once ``P`` has been paid (in the items' global running-total space, capped at the loan's
    total), component ``c`` has covered its items fully paid — a running total per component,
    read just before the first item not fully paid — plus the part of that item if it is a
    ``c`` item.
    """
    if item_running.size == 0:
        return np.zeros((loan.size, len(COMPONENTS)), dtype=np.int64)
    cap = total_before(item_running, item_end)[loan]
    by_component = [
        np.cumsum(np.where(component == code, item_amount, 0)) for code in range(len(COMPONENTS))
    ]
    after_covered, before_covered = (
        _covered(np.minimum(paid, cap), item_running, by_component, component)
        for paid in (after, before)
    )
    parts: Ints = after_covered - before_covered
    return parts


def _covered(paid: Ints, item_running: Ints, by_component: list[Ints], component: Ints) -> Ints:
    """(payments × components): what each component has covered once ``paid`` has been paid."""
    fully = np.searchsorted(item_running, paid, side="right")  # items fully paid: all before
    straddling = component[np.minimum(fully, item_running.size - 1)]
    partial = paid - total_before(item_running, fully)
    partial[fully >= item_running.size] = 0
    covered = np.empty((paid.size, len(by_component)), dtype=np.int64)
    for code, running in enumerate(by_component):
        covered[:, code] = total_before(running, fully) + np.where(straddling == code, partial, 0)
    return covered
