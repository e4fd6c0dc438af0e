"""More capacity never lowers the optimiser's objective or its bound."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.batch.optimiser import evaluate, explain, optimise, solve_prices
from arrears.batch.optimiser.problem import NONE
from arrears.batch.optimiser.synthetic import random_problem


@settings(max_examples=20, deadline=None)
@given(
    st.integers(min_value=0, max_value=5000),
    st.floats(min_value=0.05, max_value=0.9),
    st.floats(min_value=1.0, max_value=3.0),
)
def test_more_capacity_never_lowers_the_objective(seed: int, tight: float, more: float) -> None:
    """Raising every capacity by a factor ≥ 1 never lowers the optimum's bound, and the
    allocation with more capacity is never worse than 99.5% of the one with less."""
    problem = random_problem(rows=2_000, seed=seed, tightness=tight)
    bigger = dataclasses.replace(problem, capacity=problem.capacity * more)
    small, large = optimise(problem), optimise(bigger)
    assert large.bound >= small.bound - 1e-6
    assert large.value >= 0.995 * small.value


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=5000))
def test_bound_holds_for_any_prices(seed: int) -> None:
    """Weak duality: D(λ) bounds the optimiser's feasible objective for any prices."""
    problem = random_problem(rows=500, seed=seed)
    allocation = optimise(problem)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        prices = allocation.prices.values * rng.uniform(0.0, 2.0, size=len(problem.classes))
        assert evaluate(problem, prices).bound >= allocation.value - 1e-6


def test_unlimited_capacity_takes_every_best_option() -> None:
    """With no capacity limits every account takes its most valuable option, at price 0."""
    problem = random_problem(rows=1_000, seed=1)
    free = dataclasses.replace(problem, capacity=np.full(len(problem.classes), np.inf))
    allocation = optimise(free)
    assert np.all(allocation.prices.values == 0)
    best = np.where(np.max(free.values, axis=1) > 0, np.argmax(free.values, axis=1), NONE)
    assert np.array_equal(allocation.choice, best)
    assert allocation.share_of_bound == 1.0


def test_every_decision_is_explained() -> None:
    """The explanation gives each account its chosen value, a runner-up that is never the
    choice, and a binding class priced above zero whenever one is named."""
    problem = random_problem(rows=3_000, seed=4)
    allocation = optimise(problem)
    why = explain(problem, allocation)
    chosen = allocation.choice >= 0
    assert np.all(why.runner_up[chosen] != allocation.choice[chosen])
    assert np.all(why.price[why.binding >= 0] > 0)
    assert np.allclose(
        why.chosen_value[chosen], problem.values[np.flatnonzero(chosen), allocation.choice[chosen]]
    )
    prices = solve_prices(problem)
    assert prices.as_dict().keys() == set(problem.classes)
