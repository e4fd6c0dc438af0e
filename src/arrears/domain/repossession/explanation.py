"""The explanation of a surplus or deficiency owed to a consumer: UCC 9-616.

In a consumer-goods transaction the secured party sends it before or when it pays a surplus or
first demands a deficiency in writing (and within 14 days of a debtor's request). 9-616(c)
fixes the order of the calculation, which ``Explanation.lines`` follows:

1. the aggregate amount of the secured obligations, calculated as of a date not more than
   35 days before the secured party took possession (and whether it reflects a rebate of
   unearned interest);
2. the amount of the proceeds of the disposition;
3. the aggregate amount of the obligations after deducting the proceeds;
4. the amount, by type, of expenses — retaking, holding, preparing, processing, disposing,
   attorney's fees — and, shown as its own type, interest and charges that fell due after the
   calculation date (so the result ties to the account's ledger);
5. the amount, by type, of credits not reflected in (1), such as payments received after the
   calculation date or rebates;
6. the amount of the surplus or deficiency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from arrears.domain.repossession.case import ExpenseKind
from arrears.errors import RuleViolation

MAX_DAYS_BEFORE_POSSESSION = 35
NO_REBATE = "no rebate of unearned interest: interest is charged only as it falls due"


@dataclass(frozen=True, slots=True)
class Line:
    step: int  # the paragraph of 9-616(c) it answers
    key: str  # obligation | proceeds | balance | expense:<kind> | later_charges | credit:<name>
    label: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Explanation:
    calculated_on: date
    obligation_minor: int
    rebate_note: str
    proceeds_minor: int
    expenses: tuple[tuple[ExpenseKind, int], ...]
    later_charges_minor: int
    credits: tuple[tuple[str, int], ...]

    @property
    def balance_minor(self) -> int:
        return self.obligation_minor - self.proceeds_minor

    @property
    def expenses_minor(self) -> int:
        return sum(amount for _, amount in self.expenses) + self.later_charges_minor

    @property
    def credits_minor(self) -> int:
        return sum(amount for _, amount in self.credits)

    @property
    def result_minor(self) -> int:
        """Positive: the deficiency owed; negative: the surplus (its absolute value)."""
        return self.balance_minor + self.expenses_minor - self.credits_minor

    @property
    def deficiency_minor(self) -> int:
        return max(self.result_minor, 0)

    @property
    def surplus_minor(self) -> int:
        return max(-self.result_minor, 0)

    def lines(self) -> list[Line]:
        """Every figure in the order 9-616(c) requires."""
        lines = [
            Line(1, "obligation", f"amount owed as of {self.calculated_on}", self.obligation_minor),
            Line(2, "proceeds", "proceeds of the sale", self.proceeds_minor),
            Line(3, "balance", "balance after the proceeds", self.balance_minor),
        ]
        lines += [
            Line(4, f"expense:{kind.value}", f"expenses of {kind.label}", amount)
            for kind, amount in self.expenses
        ]
        if self.later_charges_minor:
            lines.append(
                Line(
                    4,
                    "later_charges",
                    f"interest and charges due after {self.calculated_on}",
                    self.later_charges_minor,
                )
            )
        lines += [Line(5, f"credit:{name}", name, amount) for name, amount in self.credits]
        result = "deficiency" if self.result_minor >= 0 else "surplus"
        lines.append(Line(6, result, result, abs(self.result_minor)))
        return lines


def explain(
    *,
    calculated_on: date,
    possession_on: date,
    obligation_minor: int,
    proceeds_minor: int,
    expenses: Mapping[ExpenseKind, int],
    later_charges_minor: int = 0,
    credits: Mapping[str, int] | None = None,
) -> Explanation:
    """The 9-616 explanation; refuses a calculation date 9-616(c)(1) does not allow."""
    earliest = possession_on - timedelta(days=MAX_DAYS_BEFORE_POSSESSION)
    if not earliest <= calculated_on <= possession_on:
        raise RuleViolation(
            f"the amount owed must be calculated as of a date between {earliest} and "
            f"{possession_on}, not {calculated_on}",
            rule="repossession.explanation_date",
            source="UCC 9-616(c)(1)",
        )
    amounts = [obligation_minor, proceeds_minor, later_charges_minor, *expenses.values()]
    amounts += list((credits or {}).values())
    if any(amount < 0 for amount in amounts):
        raise RuleViolation(
            "the figures of an explanation are never negative",
            rule="repossession.amount",
            source="UCC 9-616(c)",
        )
    return Explanation(
        calculated_on=calculated_on,
        obligation_minor=obligation_minor,
        rebate_note=NO_REBATE,
        proceeds_minor=proceeds_minor,
        expenses=tuple((kind, expenses[kind]) for kind in ExpenseKind if expenses.get(kind)),
        later_charges_minor=later_charges_minor,
        credits=tuple((name, amount) for name, amount in (credits or {}).items() if amount),
    )
