"""The price-based optimiser against the exact LP (HiGHS) on small random instances."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from arrears.batch.optimiser import apply_prices, evaluate, optimise, solve_prices
from arrears.batch.optimiser.synthetic import random_problem

highspy = pytest.importorskip("highspy")

instances = st.tuples(
    st.integers(min_value=50, max_value=3000),  # accounts
    st.integers(min_value=2, max_value=10),  # treatments
    st.integers(min_value=1, max_value=5),  # classes
    st.integers(min_value=0, max_value=10_000),  # seed
    st.floats(min_value=0.05, max_value=1.2),  # tightness
)


@settings(max_examples=25, deadline=None)
@given(instances)
@example((50, 2, 2, 3, 0.0625))  # a class with room for one unit: the LP takes a fraction of a row
def test_never_exceeds_capacity_and_stays_close_to_the_lp(instance: tuple) -> None:
    """Capacity is never exceeded; the bound is never below the LP optimum and the allocation
    never above it; small instances lose little to integrality and sampling."""
    from arrears.batch.optimiser.exact import solve_exact

    rows, treatments, classes, seed, tightness = instance
    problem = random_problem(
        rows=rows, treatments=min(treatments, 10), classes=min(classes, treatments),
        seed=seed, tightness=tightness,
    )  # fmt: skip
    allocation = optimise(problem, sample=1_000, seed=seed)
    exact = solve_exact(problem)
    assert np.all(allocation.usage <= problem.capacity * (1 + 1e-9) + 1e-9)
    assert allocation.value <= exact.value * (1 + 1e-9) + 1e-6
    assert allocation.bound >= exact.value * (1 - 1e-9) - 1e-6
    # Small instances lose whole items to integrality (a budget class whose units are a share
    # of a balance fits few items); large ones lose almost nothing. A basic optimum of the LP
    # splits at most one row per capacity class, so whole rows lose at most that many of the
    # most valuable row: where a class has room for only one or two items, that is the bound.
    integrality = len(problem.classes) * float(np.maximum(problem.values, 0).max())
    share = 0.97 if rows >= 1000 else 0.75
    assert allocation.value >= min(share * exact.value, exact.value - integrality)


def test_the_gap_closes_on_a_larger_instance() -> None:
    """On 20,000 accounts the allocation is within 0.2% of the LP optimum, and the LP's own
    duals give a bound equal to the LP optimum (strong duality)."""
    from arrears.batch.optimiser.exact import solve_exact

    problem = random_problem(rows=20_000, seed=7)
    allocation = optimise(problem, sample=20_000)
    exact = solve_exact(problem)
    assert allocation.value >= 0.998 * exact.value
    assert evaluate(problem, exact.duals).bound == pytest.approx(exact.value, rel=1e-6)


def test_integer_programme_is_between_allocation_and_bound() -> None:
    """On a tiny instance the integer optimum lies between the allocation and the bound."""
    from arrears.batch.optimiser.exact import solve_exact

    problem = random_problem(rows=60, treatments=4, classes=2, seed=3)
    allocation = apply_prices(problem, solve_prices(problem))
    best = solve_exact(problem, integral=True)
    assert allocation.value <= best.value + 1e-6 <= allocation.bound + 1e-6
    chosen = best.choice()
    assert np.all(problem.usage_of(chosen) <= problem.capacity + 1e-6)
