"""The payment allocation waterfall: which part of what is owed each payment pays.

Rule (configurable, DESIGN §2): items fall due on dates; a payment pays the oldest due date first
and, inside one due date, components in the policy's order (default costs → fees → penalties →
interest → principal). Money beyond everything due goes to the next installments (paid ahead);
money beyond the whole schedule is held in suspense as an overpayment.

Because items are paid strictly in order, the amount of item *k* covered once the borrower
has paid ``P`` in total is ``clamp(P − S[k−1], 0, a[k])`` (``S`` the running total of item
amounts). This makes the allocation of any payment a pure function of the payment history, so
a backdated or returned payment re-derives every later allocation — the reference
implementation here and the vectorised one in ``arrears.batch`` must agree (property-tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from arrears.domain.charges import Charge
from arrears.domain.components import DEFAULT_ORDER, Component
from arrears.domain.schedules import Installment


@dataclass(frozen=True, slots=True)
class WaterfallPolicy:
    order: tuple[Component, ...] = DEFAULT_ORDER
    #: An installment short by no more than this many minor units counts as paid.
    tolerance_minor: int = 0

    def __post_init__(self) -> None:
        if sorted(self.order) != sorted(Component):
            raise ValueError("the waterfall order must name every component exactly once")
        if self.tolerance_minor < 0:
            raise ValueError("tolerance cannot be negative")

    def rank(self, component: Component) -> int:
        return self.order.index(component)


DEFAULT_POLICY = WaterfallPolicy()


@dataclass(frozen=True, slots=True)
class DueItem:
    """One amount of one component falling due on one date."""

    due_date: date
    component: Component
    amount_minor: int
    source: str  # "installment:<seq>" or "charge:<key>"
    installment_seq: int | None = None


def due_items(
    installments: Iterable[Installment],
    charges: Iterable[Charge] = (),
    policy: WaterfallPolicy | None = None,
) -> list[DueItem]:
    """Every positive item, in the order payments pay them."""
    items = [
        DueItem(i.due_date, component, money.minor, f"installment:{i.seq}", i.seq)
        for i in installments
        for component, money in i.parts()
        if money.minor > 0
    ]
    items += [
        DueItem(c.assessed_on, c.component, c.amount.minor, f"charge:{c.key}") for c in charges
    ]
    rank = (policy or DEFAULT_POLICY).rank
    items.sort(key=lambda it: (it.due_date, rank(it.component), it.source))
    return items


@dataclass(frozen=True, slots=True)
class PaymentAllocation:
    """What one payment paid: minor units per component, plus any overpayment held in suspense."""

    payment_key: str
    parts: dict[Component, int] = field(default_factory=dict)
    suspense_minor: int = 0

    @property
    def total_minor(self) -> int:
        return sum(self.parts.values()) + self.suspense_minor


def covered(items: Sequence[DueItem], paid_minor: int) -> list[int]:
    """Minor units of each item covered once ``paid_minor`` has been paid in total."""
    result: list[int] = []
    before = 0
    for item in items:
        result.append(max(0, min(item.amount_minor, paid_minor - before)))
        before += item.amount_minor
    return result


def allocate(
    items: Sequence[DueItem], payments: Sequence[tuple[str, int]]
) -> list[PaymentAllocation]:
    """Allocate good payments, given in application order as ``(key, amount_minor)``.

    Each payment's share of an item is the growth of that item's coverage while the payment is
    applied; the rest beyond every item is suspense.
    """
    total_due = sum(item.amount_minor for item in items)
    allocations: list[PaymentAllocation] = []
    paid_before = 0
    coverage_before = covered(items, 0)
    for key, amount in payments:
        if amount <= 0:
            raise ValueError(f"payment {key} must be positive to allocate")
        paid_after = paid_before + amount
        coverage_after = covered(items, paid_after)
        parts: dict[Component, int] = {}
        for item, before, after in zip(items, coverage_before, coverage_after, strict=True):
            if after > before:
                parts[item.component] = parts.get(item.component, 0) + after - before
        suspense = max(0, paid_after - total_due) - max(0, paid_before - total_due)
        allocations.append(PaymentAllocation(key, parts, suspense))
        paid_before, coverage_before = paid_after, coverage_after
    return allocations
