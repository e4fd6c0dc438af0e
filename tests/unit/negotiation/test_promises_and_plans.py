"""Promises and plans as pure rules: cumulative matching, tolerance, grace, schedules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.money import Money
from arrears.domain.plans import (
    InterestTerms,
    PlanShape,
    PlanStatus,
    PlanTerms,
    evaluate_plan,
    schedule,
)
from arrears.domain.promises import (
    Installment,
    Paid,
    Promise,
    PromiseStatus,
    Tolerance,
    evaluate_promise,
)

D = date(2026, 11, 2)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def promise(*parts: tuple[int, int]) -> Promise:
    """Due ``days`` after D, ``minor`` each."""
    return Promise(
        loan_id=1,
        made_on=D,
        made_by="agent",
        installments=tuple(Installment(D + timedelta(days=d), usd(m)) for d, m in parts),
    )


@pytest.mark.parametrize(
    ("payments", "as_of_days", "tolerance", "status"),
    [
        ([], 5, Tolerance(), PromiseStatus.ACTIVE),  # not yet due
        ([(5, 10_000)], 6, Tolerance(), PromiseStatus.KEPT),  # paid on the due day
        ([], 6, Tolerance(), PromiseStatus.BROKEN),  # due yesterday, nothing paid
        ([], 7, Tolerance(grace_days=3), PromiseStatus.ACTIVE),  # still in grace
        ([(7, 10_000)], 9, Tolerance(grace_days=3), PromiseStatus.KEPT),  # late within grace
        ([(5, 9_950)], 9, Tolerance(amount_minor=100), PromiseStatus.KEPT),  # 50 cents short
        ([(5, 9_800)], 9, Tolerance(amount_minor=100), PromiseStatus.BROKEN),  # $2 short
        ([(-1, 10_000)], 9, Tolerance(), PromiseStatus.BROKEN),  # paid before the promise
    ],
)
def test_a_single_promise(
    payments: list[tuple[int, int]], as_of_days: int, tolerance: Tolerance, status: PromiseStatus
) -> None:
    paid = [Paid(D + timedelta(days=d), usd(m)) for d, m in payments]
    result = evaluate_promise(
        promise((5, 10_000)), paid, as_of=D + timedelta(days=as_of_days), tolerance=tolerance
    )
    assert result.status is status


def test_several_dated_amounts_are_matched_cumulatively() -> None:
    """An early overpayment covers a later installment; the second miss breaks it."""
    two = promise((5, 5_000), (20, 5_000))
    early = [Paid(D + timedelta(days=3), usd(10_000))]
    assert (
        evaluate_promise(two, early, as_of=D + timedelta(days=25), tolerance=Tolerance()).status
        is PromiseStatus.KEPT
    )
    first_only = [Paid(D + timedelta(days=3), usd(5_000))]
    result = evaluate_promise(two, first_only, as_of=D + timedelta(days=25), tolerance=Tolerance())
    assert result.status is PromiseStatus.BROKEN
    assert result.decided_on == D + timedelta(days=21)
    assert [r.kept for r in result.results] == [True, False]


def test_a_promise_must_make_sense() -> None:
    with pytest.raises(ValueError, match="positive"):
        promise((5, 0))
    with pytest.raises(ValueError, match="before it was made"):
        promise((-3, 100))


@given(
    amount=st.integers(1, 10_000_000),
    periods=st.integers(1, 60),
    step=st.integers(0, 5_000),
)
def test_plan_installments_sum_exactly_to_the_amount(amount: int, periods: int, step: int) -> None:
    """Money.allocate: the parts always sum back to the whole, equal or graduated."""
    shape = PlanShape.GRADUATED if step else PlanShape.EQUAL
    terms = PlanTerms(amount=usd(amount), periods=periods, first_due_on=D, shape=shape,
                      step_bp=step)  # fmt: skip
    parts = schedule(terms)
    assert sum(p.principal.minor for p in parts) == amount
    assert all(p.interest.minor == 0 for p in parts)
    if step:
        assert parts[-1].principal >= parts[0].principal


def test_a_reduced_rate_charges_interest_on_the_scheduled_balance() -> None:
    """$1,200 over 12 months at 6%: interest 0.5% a month of what is left, rounded half-even."""
    terms = PlanTerms(amount=usd(120_000), periods=12, first_due_on=D,
                      interest=InterestTerms.REDUCED, reduced_rate=Decimal("0.06"))  # fmt: skip
    parts = schedule(terms)
    assert parts[0].interest == usd(600)
    assert parts[1].interest == usd(550)
    assert parts[-1].interest == usd(50)
    assert [p.due_on.month for p in parts[:3]] == [11, 12, 1]


def test_plan_status_follows_payments() -> None:
    terms = PlanTerms(amount=usd(30_000), periods=3, first_due_on=D, max_misses=2)
    parts = schedule(terms)
    tolerance = Tolerance(grace_days=3)

    def status(paid: list[tuple[int, int]], days: int) -> PlanStatus:
        payments = [Paid(D + timedelta(days=d), usd(m)) for d, m in paid]
        return evaluate_plan(parts, payments, starts_on=D - timedelta(days=1),
                             as_of=D + timedelta(days=days), max_misses=2,
                             tolerance=tolerance).status  # fmt: skip

    assert status([], 2) is PlanStatus.ACTIVE
    assert status([], 10) is PlanStatus.ACTIVE  # one miss
    assert status([], 40) is PlanStatus.DEFAULTED  # two misses
    assert status([(0, 10_000), (30, 10_000)], 40) is PlanStatus.ACTIVE
    assert status([(0, 30_000)], 1) is PlanStatus.COMPLETED


@pytest.mark.parametrize(
    "changes",
    [
        {"periods": 0},
        {"shape": PlanShape.GRADUATED},
        {"interest": InterestTerms.REDUCED},
        {"reduced_rate": Decimal("0.05")},
        {"max_misses": 0},
    ],
)
def test_bad_plan_terms_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"plan|rate|step|periods|miss"):
        PlanTerms(**{"amount": usd(100), "periods": 3, "first_due_on": D, **changes})  # type: ignore[arg-type]
