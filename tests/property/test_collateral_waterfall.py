"""Invariants of the 9-615 waterfall and the 9-616 explanation, for any figures."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.repossession.case import Expense, ExpenseKind, LienDemand
from arrears.domain.repossession.explanation import explain
from arrears.domain.repossession.waterfall import Distribution, apply_proceeds

SOLD_ON = date(2027, 3, 1)
amounts = st.integers(min_value=0, max_value=5_000_000)
expenses = st.lists(
    st.builds(
        Expense,
        st.sampled_from(list(ExpenseKind)),
        st.integers(0, 300_000),
        st.dates(date(2027, 1, 1), SOLD_ON),
    ),
    max_size=6,
)
demands = st.lists(
    st.builds(
        LienDemand,
        st.text("ABCDEF", min_size=1, max_size=3),
        st.integers(0, 500_000),
        st.integers(2, 4),
        st.dates(date(2027, 1, 1), SOLD_ON + timedelta(days=10)),
    ),
    max_size=4,
)


def _distribute(proceeds: int, spent: list[Expense], obligation: int,
                liens: list[LienDemand]) -> Distribution:  # fmt: skip
    return apply_proceeds(proceeds_minor=proceeds, expenses=spent, obligation_minor=obligation,
                          demands=liens, distributed_on=SOLD_ON)  # fmt: skip


@given(amounts, expenses, amounts, demands)
def test_the_distribution_always_sums_to_the_proceeds(
    proceeds: int, spent: list[Expense], obligation: int, liens: list[LienDemand]
) -> None:
    """Every cent of the proceeds goes somewhere: expenses, debt, juniors or the debtor."""
    result = _distribute(proceeds, spent, obligation, liens)
    paid = sum(share.paid_minor for share in result.shares)
    assert paid + result.surplus_minor == proceeds
    assert all(0 <= share.paid_minor <= share.claimed_minor for share in result.shares)


@given(amounts, expenses, amounts, demands)
def test_no_junior_is_paid_before_a_senior_is_paid_in_full(
    proceeds: int, spent: list[Expense], obligation: int, liens: list[LienDemand]
) -> None:
    """Walking the shares in 9-615 order, once a claim is short every later one gets 0."""
    result = _distribute(proceeds, spent, obligation, liens)
    short = False
    for share in (*result.shares,):
        if short:
            assert share.paid_minor == 0
        short = short or share.paid_minor < share.claimed_minor
    if short:
        assert result.surplus_minor == 0


@given(amounts, expenses, amounts, demands)
def test_surplus_and_deficiency_exclude_each_other(
    proceeds: int, spent: list[Expense], obligation: int, liens: list[LienDemand]
) -> None:
    """The debtor gets a surplus or owes a deficiency, never both; the deficiency is what the
    expenses and the debt were short of."""
    result = _distribute(proceeds, spent, obligation, liens)
    assert result.surplus_minor == 0 or result.deficiency_minor == 0
    owed = sum(e.amount_minor for e in spent) + obligation
    assert result.deficiency_minor == max(owed - proceeds, 0)


@given(amounts, expenses, amounts, demands)
def test_the_explanation_agrees_with_the_waterfall(
    proceeds: int, spent: list[Expense], obligation: int, liens: list[LienDemand]
) -> None:
    """9-616's deficiency is the waterfall's; its surplus is what juniors and debtor share."""
    result = _distribute(proceeds, spent, obligation, liens)
    by_kind = {kind: sum(e.amount_minor for e in spent if e.kind is kind) for kind in ExpenseKind}
    explanation = explain(calculated_on=SOLD_ON, possession_on=SOLD_ON,
                          obligation_minor=obligation, proceeds_minor=proceeds,
                          expenses=by_kind)  # fmt: skip
    assert explanation.deficiency_minor == result.deficiency_minor
    assert explanation.surplus_minor == result.surplus_minor + result.to_subordinates_minor
