"""Applying the prices to a partition: each account's choice, made feasible, and why.

With the prices, every account takes the option with the best reduced value on its own — one
pass over the rows, nothing shared but the prices. Prices found on a sample are not exact for
the partition, so two repairs follow, each driven by one number per class:

* **trim** — a class used beyond its capacity gives up the actions that lose least value per
  unit by moving to the account's best option in a class that still has room (or to nothing),
  until it fits; a trimmed class is then closed, so capacity is never exceeded;
* **fill** — a class with room left takes the accounts that gain most per unit by switching to
  it, while it has room.

The partition's bound is ``D(λ)`` over its rows with its own capacities: the bounds of
partitions whose capacities add up to the whole add up to the whole's bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from arrears.batch.optimiser.prices import CHUNK, Prices, best, reduced
from arrears.batch.optimiser.problem import NONE, Floats, Problem, Units

Choice = NDArray[np.int64]
_TIGHT = 1e-9


@dataclass(frozen=True, slots=True)
class Allocation:
    """The chosen slot of every row (``NONE``: nothing) and the run's figures."""

    choice: Choice
    value: float  # the objective: value added over doing nothing, for every account
    bound: float  # D(λ): no feasible choice can do better
    usage: Floats
    prices: Prices

    @property
    def share_of_bound(self) -> float:
        """The objective as a share of the provable bound (1.0 when the bound is 0)."""
        return 1.0 if self.bound <= 0 else self.value / self.bound


def apply_prices(problem: Problem, prices: Prices, *, chunk: int = CHUNK) -> Allocation:
    """Choose per row at ``prices``, trim and fill to the capacities, and bound the result."""
    lam = prices.values
    finite = np.isfinite(problem.capacity)
    bound = float(np.dot(lam[finite], problem.capacity[finite]))
    choice = np.full(problem.rows, NONE, dtype=np.int64)
    for start in range(0, problem.rows, chunk):
        stop = min(start + chunk, problem.rows)
        choice[start:stop], top = best(reduced(problem, lam, start, stop))
        bound += float(top.sum())
    choice = trim(problem, choice, lam)
    choice = fill(problem, choice, chunk=chunk)
    return Allocation(
        choice=choice,
        value=problem.value_of(choice),
        bound=bound,
        usage=problem.usage_of(choice),
        prices=prices,
    )


def chosen_units(
    problem: Problem, k: int, rows: NDArray[np.int64], slots: NDArray[np.int64]
) -> Floats:
    """Units of class ``k`` the chosen ``slots`` of ``rows`` use (all uses added)."""
    total = np.zeros(rows.size)
    for use in problem.uses:
        klass = use.klass[rows, slots]
        total += np.where(klass == k, use.units[rows, slots], 0.0)
    return total


def smallest_prefix(
    keys: Floats, units: Floats, amount: float, *, reach: bool = True
) -> NDArray[np.int64]:
    """Positions of the smallest ``keys``, in order, whose units add up to ``amount``.

    ``reach``: the fewest that reach at least ``amount`` (to free capacity); otherwise the most
    that stay within it (to use room). Only as many keys as ``amount`` can need are sorted:
    no more than ``amount / min(units) + 1`` of them.
    """
    if keys.size == 0 or amount <= 0:
        return np.zeros(0, dtype=np.int64)
    smallest = float(units.min())
    bound = keys.size if smallest <= 0 else min(keys.size, int(amount / smallest) + 2)
    if bound < keys.size:
        head = np.argpartition(keys, bound - 1)[:bound]
        order = head[np.argsort(keys[head], kind="stable")]
    else:
        order = np.argsort(keys, kind="stable")
    running = np.cumsum(units[order])
    count = (
        int(np.searchsorted(running, amount)) + 1
        if reach
        else int(np.searchsorted(running, amount, side="right"))
    )
    return order[:count]


def _touches(
    problem: Problem, rows: NDArray[np.int64] | slice, classes: Floats
) -> NDArray[np.bool_]:
    """Whether each slot of ``rows`` uses any class flagged in ``classes`` (a 0/1 vector)."""
    flags = np.append(classes, 0.0)
    found = np.zeros(problem.values[rows].shape, dtype=bool)
    for use in problem.uses:
        found |= (flags[use.klass[rows]] > 0) & (use.units[rows] > 0)
    return found


def trim(problem: Problem, choice: Choice, prices: Floats) -> Choice:
    """Bring every class within its capacity, cheapest losses per unit first.

    Losses are counted at the prices (reduced values), so an action moves to an option that is
    nearly as good *including* what its own capacity is worth, and moves seldom cascade into
    other classes.
    """
    choice = choice.copy()
    closed = np.zeros(len(problem.classes))
    for _ in range(len(problem.classes) + 1):
        usage = problem.usage_of(choice)
        over = np.flatnonzero(usage > problem.capacity * (1 + _TIGHT) + _TIGHT)
        if over.size == 0:
            return choice
        k = int(over[np.argmax((usage - problem.capacity)[over])])
        closed[k] = 1.0
        rows = np.flatnonzero(choice >= 0)
        units = chosen_units(problem, k, rows, choice[rows])
        rows, units = rows[units > 0], units[units > 0]
        values = _reduced_rows(problem, prices, rows)
        alternative, alt_value = best(np.where(_touches(problem, rows, closed), -np.inf, values))
        chosen_value = values[np.arange(rows.size), choice[rows]]
        needed = usage[k] - problem.capacity[k]
        moved = smallest_prefix((chosen_value - alt_value) / units, units, needed * (1 - _TIGHT))
        choice[rows[moved]] = alternative[moved]
    usage = problem.usage_of(choice)
    if np.any(usage > problem.capacity * (1 + _TIGHT) + _TIGHT):  # cannot happen; be safe
        choice[:] = NONE
    return choice


def _reduced_rows(problem: Problem, prices: Floats, rows: NDArray[np.int64]) -> Floats:
    """Reduced values of some rows."""
    values = problem.values[rows].copy()
    extended = np.append(prices, 0.0)
    for use in problem.uses:
        values -= extended[use.klass[rows]] * use.units[rows]
    return values


def fill(problem: Problem, choice: Choice, *, chunk: int = CHUNK) -> Choice:
    """Use the room left in each class on the switches that gain most per unit.

    Only options whose one limited class is the one with room are considered, so a switch
    never takes capacity from another class (it may free some).
    """
    choice = choice.copy()
    single, units = sole_class(problem, chunk=chunk)
    for k in range(len(problem.classes)):
        room = problem.capacity[k] - problem.usage_of(choice)[k]
        if not np.isfinite(room) or room <= _TIGHT:
            continue
        rows, slots, gains, used = _switches(problem, choice, single, units, k, chunk=chunk)
        for _ in range(4):  # after the best prefix, smaller switches may still fit the room
            taken = smallest_prefix(-gains / used, used, room, reach=False)
            choice[rows[taken]] = slots[taken]
            room -= float(used[taken].sum())
            left = np.ones(rows.size, dtype=bool)
            left[taken] = False
            left &= used <= room
            if not left.any():
                break
            rows, slots, gains, used = rows[left], slots[left], gains[left], used[left]
    return choice


def sole_class(problem: Problem, *, chunk: int = CHUNK) -> tuple[NDArray[np.int8], Units]:
    """Per slot: its one limited class (-1: none, -2: more than one) and the units it uses."""
    limited = np.append(np.isfinite(problem.capacity), False)
    single = np.full(problem.values.shape, NONE, dtype=np.int8)
    units = np.zeros(problem.values.shape, dtype=np.float32)
    for start in range(0, problem.rows, chunk):
        window = slice(start, min(start + chunk, problem.rows))
        found = single[window]
        amount = units[window]
        for use in problem.uses:
            klass = use.klass[window]
            counts = limited[klass] & (use.units[window] > 0)
            clash = counts & (found >= 0) & (found != klass)
            found[counts & (found == NONE)] = klass[counts & (found == NONE)]
            amount[counts] += use.units[window][counts]
            found[clash] = -2
    return single, units


def _switches(
    problem: Problem,
    choice: Choice,
    single: NDArray[np.int8],
    units: Units,
    k: int,
    *,
    chunk: int,
) -> tuple[Choice, Choice, Floats, Floats]:
    """Rows not using class ``k`` whose best slot using only ``k`` beats their choice."""
    found: list[tuple[Choice, Choice, Floats, Floats]] = [
        (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    ]
    for start in range(0, problem.rows, chunk):
        window = slice(start, min(start + chunk, problem.rows))
        eligible = single[window] == k
        slot, top = best(np.where(eligible, problem.values[window], -np.inf))
        current = choice[window]
        here = np.arange(current.size)
        picked = np.maximum(current, 0)
        now = np.where(current >= 0, problem.values[window][here, picked], 0.0)
        using_k = (current >= 0) & eligible[here, picked]
        keep = np.flatnonzero((slot >= 0) & ~using_k & (top > now))
        amount = units[window][keep, slot[keep]].astype(np.float64)
        found.append((keep + start, slot[keep], (top - now)[keep], amount))
    rows, slots, gains, used = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return rows, slots, gains, used
