"""Dual prices of the capacity classes, and the bound they prove.

The Lagrangian relaxation prices each unit of class ``k`` at ``λ_k ≥ 0``: every account then
takes, on its own, the option with the best *reduced* value ``v_ij − Σ_k λ_k a_ijk`` (or
nothing, worth 0). For any prices,

    D(λ) = Σ_i max(0, max_j (v_ij − λ·a_ij)) + λ·C

is an upper bound on what any feasible choice can achieve (weak duality: the LP relaxation's
optimum is at most D(λ), and the integer optimum at most the LP's). ``D`` is convex and
piecewise linear in ``λ``; along one coordinate its slope is ``C_k − usage_k(λ)``, and the use
of class ``k`` only falls as its price rises, so each price is found by bisection on
"usage ≤ capacity" with the others fixed, sweeping the classes until the prices settle.

Prices are found on a *sample* of accounts with capacities scaled to the sample's share; they
are a handful of numbers, so each partition of any size applies them on its own
(``allocate.apply_prices``) — DESIGN §4's "dual prices computed once and applied per partition".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from arrears.batch.optimiser.problem import Floats, Problem

CHUNK = 1 << 19
"""Rows evaluated at a time: bounds the temporaries to a few (CHUNK, J) arrays."""


@dataclass(frozen=True, slots=True)
class Prices:
    """One price per capacity class, in value units (minor units) per unit of capacity."""

    classes: tuple[str, ...]
    values: Floats

    def of(self, name: str) -> float:
        return float(self.values[self.classes.index(name)])

    def as_dict(self) -> dict[str, float]:
        return {name: float(v) for name, v in zip(self.classes, self.values, strict=True)}


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the accounts choose at some prices: the dual bound, the use of each class and the
    (possibly infeasible) value of those choices."""

    bound: float
    usage: Floats
    value: float


def reduced(problem: Problem, prices: Floats, start: int, stop: int) -> Floats:
    """Reduced values ``v − λ·a`` of rows ``start:stop`` (a fresh array)."""
    block = problem.values[start:stop].copy()
    extended = np.append(prices, 0.0)  # class -1 (none) costs nothing
    for use in problem.uses:
        block -= extended[use.klass[start:stop]] * use.units[start:stop]
    return block


def best(block: Floats) -> tuple[NDArray[np.int64], Floats]:
    """Per row: the best slot (-1 when nothing beats 0) and its value (0 for nothing)."""
    slot = np.argmax(block, axis=1)
    top = np.take_along_axis(block, slot[:, None], axis=1)[:, 0]
    take = top > 0
    return np.where(take, slot, -1), np.where(take, top, 0.0)


def evaluate(problem: Problem, prices: Floats, *, chunk: int = CHUNK) -> Evaluation:
    """``D(prices)``, and the use and value of each account's best reduced choice."""
    finite = np.isfinite(problem.capacity)
    if np.any(prices[~finite] != 0):
        raise ValueError("a class without a capacity limit has price 0")
    bound = float(np.dot(prices[finite], problem.capacity[finite]))
    usage = np.zeros(len(problem.classes))
    value = 0.0
    for start in range(0, problem.rows, chunk):
        stop = min(start + chunk, problem.rows)
        choice, top = best(reduced(problem, prices, start, stop))
        bound += float(top.sum())
        part = problem.window(start, stop)
        usage += part.usage_of(choice)
        value += part.value_of(choice)
    return Evaluation(bound=bound, usage=usage, value=value)


def solve_prices(
    problem: Problem,
    *,
    sample: int = 50_000,
    seed: int = 0,
    sweeps: int = 8,
    tolerance: float = 1e-3,
) -> Prices:
    """Prices minimising ``D`` on a seeded sample of at most ``sample`` accounts.

    Coordinate descent: each sweep re-prices every limited class by bisection with the others
    fixed, starting from its last price, until no price moves by more than ``tolerance``
    (relative). The repairs in ``allocate`` absorb what is left of the error.
    """
    rows = problem.rows
    if rows > sample:
        picked = np.sort(np.random.default_rng(seed).choice(rows, size=sample, replace=False))
        part = problem.take(picked, scale=sample / rows)
    else:
        part = problem
    prices = np.zeros(len(problem.classes))
    limited = [k for k in range(len(problem.classes)) if np.isfinite(problem.capacity[k])]
    for _ in range(sweeps):
        before = prices.copy()
        for k in limited:
            prices[k] = _bisect(part, prices, k, tolerance=tolerance / 10)
        moved = np.abs(prices - before) > tolerance * np.maximum(np.abs(prices), 1e-9)
        if not moved.any():
            break
    return Prices(problem.classes, prices)


def _bisect(problem: Problem, prices: Floats, k: int, *, tolerance: float) -> float:
    """The lowest price of class ``k`` (others fixed) at which its use fits its capacity.

    Only accounts that use class ``k`` when it is free can use it at any price (a higher price
    makes its options worse and no other option better), so the search looks at those alone:
    their best other option is fixed, and only their options in ``k`` move with the price.
    """
    others = prices.copy()
    others[k] = 0.0
    base = reduced(problem, others, 0, problem.rows)
    units = np.zeros_like(base)
    for use in problem.uses:
        units += np.where(use.klass == k, use.units, 0.0)
    capacity = float(problem.capacity[k])
    choice, _ = best(base)
    here = np.arange(problem.rows)
    users = np.flatnonzero((choice >= 0) & (units[here, np.maximum(choice, 0)] > 0))
    if units[users, choice[users]].sum() <= capacity:
        return 0.0
    in_k = units[users] > 0
    base, units = base[users], units[users]
    fallback = np.where(in_k, -np.inf, base).max(axis=1, initial=0.0)
    k_values = np.where(in_k, base, -np.inf)

    def usage(price: float) -> float:
        moved = k_values - price * units
        slot = np.argmax(moved, axis=1)
        top = moved[np.arange(slot.size), slot]
        return float(units[np.arange(slot.size), slot][top > fallback].sum())

    ratio = np.where(in_k, (base - fallback[:, None]) / np.where(in_k, units, 1.0), 0.0)
    low, high = _bracket(usage, capacity, start=float(prices[k]), top=float(ratio.max()))
    while high - low > tolerance * max(high, 1e-9):
        middle = 0.5 * (low + high)
        if usage(middle) <= capacity:
            high = middle
        else:
            low = middle
    return high


def _bracket(
    usage: Callable[[float], float], capacity: float, *, start: float, top: float
) -> tuple[float, float]:
    """Prices ``low < high`` with too much use at ``low`` and not at ``high``, near ``start``.

    From the last sweep's price the answer is usually close: widen by factors of 2 from there
    rather than bisect all of ``[0, top]``, where ``top`` prices every option of the class out.
    """
    ceiling = top * (1 + 1e-12) + 1e-12
    if start <= 0:
        return 0.0, ceiling
    low, high = start / 1.05, min(start * 1.05, ceiling)
    while usage(low) <= capacity and low > 1e-12:
        high, low = low, low / 2
    while usage(high) > capacity and high < ceiling:
        low, high = high, min(high * 2, ceiling)
    return (0.0 if low <= 1e-12 else low), high
