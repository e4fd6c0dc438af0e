"""The 9-616 explanation of a surplus or deficiency, in its required order."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.domain.repossession.case import ExpenseKind
from arrears.domain.repossession.explanation import explain
from arrears.errors import RuleViolation

POSSESSION = date(2027, 1, 27)
EXPENSES = {
    ExpenseKind.RETAKING: 40_000,
    ExpenseKind.STORAGE: 30_000,
    ExpenseKind.PREPARING: 25_000,
    ExpenseKind.SELLING: 50_000,
}


def test_deficiency_explained_in_the_statutes_order() -> None:
    """Owed $11,800.00 on the day of possession; sold for $9,000.00; $1,450.00 expenses;
    $200.00 interest fell due after; no credits:

      11,800.00 − 9,000.00 = 2,800.00; + 1,450.00 + 200.00 = 4,450.00 deficiency.
    """
    result = explain(
        calculated_on=POSSESSION, possession_on=POSSESSION, obligation_minor=1_180_000,
        proceeds_minor=900_000, expenses=EXPENSES, later_charges_minor=20_000,
    )  # fmt: skip
    assert [(line.step, line.key, line.amount_minor) for line in result.lines()] == [
        (1, "obligation", 1_180_000),
        (2, "proceeds", 900_000),
        (3, "balance", 280_000),
        (4, "expense:retaking", 40_000),
        (4, "expense:storage", 30_000),
        (4, "expense:preparing", 25_000),
        (4, "expense:selling", 50_000),
        (4, "later_charges", 20_000),
        (6, "deficiency", 445_000),
    ]
    assert result.deficiency_minor == 445_000
    assert result.surplus_minor == 0


def test_surplus_explained_with_credits() -> None:
    """Owed $11,800.00; sold for $15,000.00; $1,450.00 expenses; $100.00 paid after possession:

    11,800.00 − 15,000.00 = −3,200.00; + 1,450.00 − 100.00 = −1,850.00 → surplus 1,850.00.
    """
    result = explain(
        calculated_on=POSSESSION, possession_on=POSSESSION, obligation_minor=1_180_000,
        proceeds_minor=1_500_000, expenses=EXPENSES,
        credits={"payments received after 2027-01-27": 10_000},
    )  # fmt: skip
    assert result.balance_minor == -320_000
    assert result.surplus_minor == 185_000
    assert result.deficiency_minor == 0
    assert [line.step for line in result.lines()] == [1, 2, 3, 4, 4, 4, 4, 5, 6]
    assert result.lines()[-1].key == "surplus"


@pytest.mark.parametrize("calculated_on", [date(2026, 12, 22), date(2027, 1, 28)])
def test_the_calculation_date_is_at_most_35_days_before_possession(calculated_on: date) -> None:
    """9-616(c)(1): as of a date not more than 35 days before possession (and not after)."""
    with pytest.raises(RuleViolation) as refused:
        explain(calculated_on=calculated_on, possession_on=POSSESSION, obligation_minor=1,
                proceeds_minor=0, expenses={})  # fmt: skip
    assert refused.value.rule == "repossession.explanation_date"


def test_35_days_before_is_still_allowed() -> None:
    result = explain(calculated_on=date(2026, 12, 23), possession_on=POSSESSION,
                     obligation_minor=100, proceeds_minor=0, expenses={})  # fmt: skip
    assert result.deficiency_minor == 100
