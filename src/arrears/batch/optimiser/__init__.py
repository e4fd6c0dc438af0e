"""Capacity-aware choice of one treatment per account: dual prices, allocation, explanation.

``solve_prices`` finds the prices of the capacity classes on a sample; ``apply_prices`` applies
them to any partition (trimming and filling to its capacities) and reports the objective with
the bound ``D(λ)`` that proves how close it is; ``explain`` says per account what was chosen,
the runner-up and the binding capacity; ``solve_exact`` is the LP (HiGHS) for small problems.
``optimise`` is the one call for a problem that fits in memory. ``candidates`` builds the
problem from the cycle's candidate frame.
"""

from __future__ import annotations

from arrears.batch.optimiser.allocate import Allocation, apply_prices
from arrears.batch.optimiser.explain import Explanation, explain
from arrears.batch.optimiser.prices import Evaluation, Prices, evaluate, solve_prices
from arrears.batch.optimiser.problem import NONE, Problem, Use, capacity_vector


def optimise(problem: Problem, *, sample: int = 200_000, seed: int = 0) -> Allocation:
    """Prices from a sample of ``problem``, applied to all of it."""
    return apply_prices(problem, solve_prices(problem, sample=sample, seed=seed))


__all__ = [
    "NONE",
    "Allocation",
    "Evaluation",
    "Explanation",
    "Prices",
    "Problem",
    "Use",
    "apply_prices",
    "capacity_vector",
    "evaluate",
    "explain",
    "optimise",
    "solve_prices",
]
