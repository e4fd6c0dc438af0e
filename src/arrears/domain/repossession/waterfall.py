"""Applying the proceeds of a disposition: UCC 9-615(a), (d).

The cash proceeds are applied in this order, each tier paid in full before the next gets
anything:

1. the reasonable expenses of retaking, holding, preparing for disposition, processing and
   disposing, and — where the agreement provides and the law allows — reasonable attorney's
   fees and legal expenses (9-615(a)(1));
2. the obligation secured by the security interest under which the disposition is made
   (9-615(a)(2));
3. obligations secured by subordinate security interests or liens whose holder sent an
   authenticated demand before distribution of the proceeds was completed, by rank
   (9-615(a)(3));

then any surplus goes to the debtor and the obligor is liable for any deficiency (9-615(d)).
Everything is integer minor units: the distribution always sums to the proceeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from arrears.domain.repossession.case import Expense, ExpenseKind, LienDemand
from arrears.errors import RuleViolation

_EXPENSE_ORDER = list(ExpenseKind)


@dataclass(frozen=True, slots=True)
class Share:
    """One claim on the proceeds and what it received."""

    tier: str  # expenses | obligation | subordinate
    label: str
    claimed_minor: int
    paid_minor: int
    source: str


@dataclass(frozen=True, slots=True)
class Distribution:
    proceeds_minor: int
    expenses: tuple[Share, ...]
    obligation: Share
    subordinates: tuple[Share, ...]
    not_entitled: tuple[LienDemand, ...]  # demands made after distribution was completed
    surplus_minor: int
    deficiency_minor: int

    @property
    def shares(self) -> tuple[Share, ...]:
        return (*self.expenses, self.obligation, *self.subordinates)

    @property
    def expenses_paid_minor(self) -> int:
        return sum(share.paid_minor for share in self.expenses)

    @property
    def to_secured_party_minor(self) -> int:
        """What the lender keeps: its expenses and the debt (tiers 1 and 2)."""
        return self.expenses_paid_minor + self.obligation.paid_minor

    @property
    def to_subordinates_minor(self) -> int:
        return sum(share.paid_minor for share in self.subordinates)


def apply_proceeds(
    *,
    proceeds_minor: int,
    expenses: Sequence[Expense],
    obligation_minor: int,
    demands: Sequence[LienDemand] = (),
    distributed_on: date,
) -> Distribution:
    """Distribute ``proceeds_minor`` in the order of 9-615(a); see the module docstring."""
    _not_negative(proceeds_minor, "the proceeds", "UCC 9-615(a)")
    _not_negative(obligation_minor, "the secured obligation", "UCC 9-615(a)(2)")
    for expense in expenses:
        _not_negative(expense.amount_minor, f"the {expense.kind.value} expense", "UCC 9-615(a)(1)")
    for demand in demands:
        _not_negative(demand.amount_minor, f"{demand.holder}'s demand", "UCC 9-615(a)(3)")
    left = proceeds_minor
    paid_expenses: list[Share] = []
    ordered = sorted(expenses, key=lambda e: (_EXPENSE_ORDER.index(e.kind), e.incurred_on))
    for expense in ordered:
        paid = min(left, expense.amount_minor)
        left -= paid
        paid_expenses.append(
            Share("expenses", expense.kind.label, expense.amount_minor, paid, "UCC 9-615(a)(1)")
        )
    debt = min(left, obligation_minor)
    left -= debt
    obligation = Share(
        "obligation", "the secured obligation", obligation_minor, debt, "UCC 9-615(a)(2)"
    )
    entitled = sorted(
        (d for d in demands if d.demanded_on <= distributed_on),
        key=lambda d: (d.rank, d.demanded_on, d.holder),
    )
    subordinates: list[Share] = []
    for demand in entitled:
        paid = min(left, demand.amount_minor)
        left -= paid
        subordinates.append(
            Share("subordinate", demand.holder, demand.amount_minor, paid, "UCC 9-615(a)(3)")
        )
    unpaid_expenses = sum(s.claimed_minor - s.paid_minor for s in paid_expenses)
    return Distribution(
        proceeds_minor=proceeds_minor,
        expenses=tuple(paid_expenses),
        obligation=obligation,
        subordinates=tuple(subordinates),
        not_entitled=tuple(d for d in demands if d.demanded_on > distributed_on),
        surplus_minor=left,
        deficiency_minor=unpaid_expenses + obligation_minor - debt,
    )


def _not_negative(amount: int, what: str, source: str) -> None:
    if amount < 0:
        raise RuleViolation(
            f"{what} cannot be negative ({amount})", rule="repossession.amount", source=source
        )
