"""Why each account got what it got: the chosen and the runner-up option, and the price that
decided between them.

The runner-up is the best other option by expected net value (doing nothing counts, worth 0).
The *binding* capacity is the class whose price kept the account from its most valuable
option — when the choice is not that option — or, when it is, the priced class the choice
uses (it was worth its price). Accounts whose choice spends nothing scarce have no binding
class. All of this is per row from the prices: no other account is needed to explain one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from arrears.batch.optimiser.allocate import Allocation
from arrears.batch.optimiser.prices import CHUNK
from arrears.batch.optimiser.problem import NONE, Floats, Problem

Slots = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Explanation:
    """Per row: chosen value, runner-up slot and value, binding class index and its price."""

    chosen_value: Floats
    runner_up: Slots
    runner_up_value: Floats
    binding: NDArray[np.int8]
    price: Floats


def explain(problem: Problem, allocation: Allocation, *, chunk: int = CHUNK) -> Explanation:
    rows = problem.rows
    chosen_value = np.zeros(rows)
    runner_up = np.full(rows, NONE, dtype=np.int64)
    runner_value = np.zeros(rows)
    binding = np.full(rows, NONE, dtype=np.int8)
    price = np.zeros(rows)
    lam = np.append(allocation.prices.values, 0.0)
    for start in range(0, rows, chunk):
        stop = min(start + chunk, rows)
        here = np.arange(stop - start)
        values = problem.values[start:stop]
        choice = allocation.choice[start:stop]
        picked = np.maximum(choice, 0)
        chosen = np.where(choice >= 0, values[here, picked], 0.0)
        chosen_value[start:stop] = chosen
        others = values.copy()
        others[here[choice >= 0], choice[choice >= 0]] = -np.inf
        second = np.argmax(others, axis=1)
        second_value = others[here, second]
        nothing_second = (choice >= 0) & (second_value < 0)
        runner_up[start:stop] = np.where(nothing_second | ~np.isfinite(second_value), NONE, second)
        runner_value[start:stop] = np.where(runner_up[start:stop] >= 0, second_value, 0.0)
        best_slot = np.argmax(values, axis=1)
        best_value = values[here, best_slot]
        priced_out = (best_value > chosen) & (best_slot != choice)
        slot = np.where(priced_out, best_slot, picked)
        has_slot = priced_out | (choice >= 0)
        top_class = np.full(stop - start, NONE, dtype=np.int8)
        top_cost = np.zeros(stop - start)
        for use in problem.uses:
            klass = use.klass[start:stop][here, slot]
            cost = lam[klass] * use.units[start:stop][here, slot]
            better = has_slot & (klass >= 0) & (cost > top_cost)
            top_class = np.where(better, klass, top_class)
            top_cost = np.where(better, cost, top_cost)
        binding[start:stop] = top_class
        price[start:stop] = np.where(top_class >= 0, lam[np.maximum(top_class, 0)], 0.0)
    return Explanation(chosen_value, runner_up, runner_value, binding, price)
