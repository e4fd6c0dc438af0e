"""UCC 9-615 application of proceeds: worked examples checked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.domain.repossession.case import Expense, ExpenseKind, LienDemand
from arrears.domain.repossession.waterfall import apply_proceeds
from arrears.errors import RuleViolation

SOLD_ON = date(2027, 2, 10)

# Expenses of the worked examples (9-615(a)(1)):
#   retaking $400.00 + storage 30 days × $10.00 = $300.00 + preparing $250.00 + selling $500.00
#   = $1,450.00
EXPENSES = [
    Expense(ExpenseKind.SELLING, 50_000, SOLD_ON),
    Expense(ExpenseKind.RETAKING, 40_000, date(2027, 1, 5)),
    Expense(ExpenseKind.STORAGE, 30_000, date(2027, 2, 4)),
    Expense(ExpenseKind.PREPARING, 25_000, date(2027, 1, 20)),
]
SECOND_LIEN = LienDemand("Valley Credit Union", 100_000, rank=2, demanded_on=date(2027, 2, 1))


def test_surplus_worked_example() -> None:
    """$15,000 proceeds on a $12,000 debt with $1,450 expenses and a $1,000 second lien.

    15,000.00 − 1,450.00 expenses = 13,550.00 left
    13,550.00 − 12,000.00 debt    =  1,550.00 left
     1,550.00 − 1,000.00 2nd lien =    550.00 surplus to the debtor; no deficiency.
    """
    result = apply_proceeds(
        proceeds_minor=1_500_000,
        expenses=EXPENSES,
        obligation_minor=1_200_000,
        demands=[SECOND_LIEN],
        distributed_on=SOLD_ON,
    )
    assert [(s.label, s.paid_minor) for s in result.expenses] == [
        ("retaking", 40_000),
        ("storage", 30_000),
        ("preparing for sale", 25_000),
        ("selling", 50_000),
    ]
    assert result.expenses_paid_minor == 145_000
    assert result.obligation.paid_minor == 1_200_000
    assert [(s.label, s.paid_minor) for s in result.subordinates] == [
        ("Valley Credit Union", 100_000)
    ]
    assert result.surplus_minor == 55_000
    assert result.deficiency_minor == 0
    assert result.to_secured_party_minor == 1_345_000


def test_deficiency_worked_example() -> None:
    """$9,000 proceeds on the same debt: the junior gets nothing and the debtor owes the rest.

    9,000.00 − 1,450.00 expenses = 7,550.00 applied to the $12,000.00 debt
    deficiency = 12,000.00 − 7,550.00 = 4,450.00; surplus 0; second lien paid 0.
    """
    result = apply_proceeds(
        proceeds_minor=900_000,
        expenses=EXPENSES,
        obligation_minor=1_200_000,
        demands=[SECOND_LIEN],
        distributed_on=SOLD_ON,
    )
    assert result.expenses_paid_minor == 145_000
    assert result.obligation.paid_minor == 755_000
    assert [s.paid_minor for s in result.subordinates] == [0]
    assert result.surplus_minor == 0
    assert result.deficiency_minor == 445_000


def test_proceeds_short_of_the_expenses_pay_them_in_the_statutes_order() -> None:
    """$1,000 pays retaking 400, storage 300, preparing 250 and 50 of selling; the unpaid 450
    of expenses and the whole $12,000 debt are the deficiency (12,450.00)."""
    result = apply_proceeds(
        proceeds_minor=100_000,
        expenses=EXPENSES,
        obligation_minor=1_200_000,
        distributed_on=SOLD_ON,
    )
    assert [s.paid_minor for s in result.expenses] == [40_000, 30_000, 25_000, 5_000]
    assert result.obligation.paid_minor == 0
    assert result.deficiency_minor == 1_245_000


def test_a_demand_after_distribution_gets_nothing_and_the_debtor_gets_the_surplus() -> None:
    """9-615(a)(3): only demands received before distribution is completed are paid."""
    late = LienDemand("Late Lender", 100_000, rank=2, demanded_on=date(2027, 2, 11))
    result = apply_proceeds(
        proceeds_minor=1_500_000,
        expenses=EXPENSES,
        obligation_minor=1_200_000,
        demands=[late],
        distributed_on=SOLD_ON,
    )
    assert result.subordinates == ()
    assert result.not_entitled == (late,)
    assert result.surplus_minor == 155_000


def test_juniors_are_paid_by_rank() -> None:
    """A third lien waits for the second, whatever order the demands came in."""
    third = LienDemand("Third", 50_000, rank=3, demanded_on=date(2027, 1, 15))
    result = apply_proceeds(
        proceeds_minor=1_400_000,
        expenses=EXPENSES,
        obligation_minor=1_200_000,
        demands=[third, SECOND_LIEN],
        distributed_on=SOLD_ON,
    )
    # 14,000 − 1,450 − 12,000 = 550 left: the second lien takes all of it.
    assert [(s.label, s.paid_minor) for s in result.subordinates] == [
        ("Valley Credit Union", 55_000),
        ("Third", 0),
    ]
    assert result.surplus_minor == 0


@pytest.mark.parametrize("proceeds", [-1, -150_000])
def test_negative_proceeds_are_refused_with_the_rule(proceeds: int) -> None:
    """Proceeds are never negative (9-615(a))."""
    with pytest.raises(RuleViolation) as refused:
        apply_proceeds(
            proceeds_minor=proceeds, expenses=[], obligation_minor=100, distributed_on=SOLD_ON
        )
    assert refused.value.rule == "repossession.amount"
    assert "9-615" in refused.value.source


def test_a_negative_expense_cannot_even_be_built() -> None:
    """An expense below zero is refused where it is made."""
    with pytest.raises(ValueError, match="negative"):
        Expense(ExpenseKind.STORAGE, -1, SOLD_ON)
