"""The assignment problem the optimiser solves: one option (or none) per account, capacities.

Rows are accounts, columns are option *slots*: slot ``j`` of row ``i`` is one treatment the
account may get today (candidates differ per account, so a slot is not a fixed treatment).
``values[i, j]`` is the expected net value of that option in minor units — expected discounted
collections with the treatment, minus those without it, minus its cost — and ``-inf`` where the
slot is empty or not allowed. Doing nothing is always allowed and worth 0, so the objective is
the value added over doing nothing.

An option uses up to two scarce resources (``uses``): its capacity class (agent minutes,
letters…) and, for settlement offers, the discount budget. ``klass`` holds the class index of
each slot (-1: none) and ``units`` what one action uses, so capacity use may differ per account
(a settlement's discount is a share of that account's balance). Floats are fine here: these are
expectations, rounded to minor units where they are stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Units = NDArray[np.float32]
Classes = NDArray[np.int8]
NONE = -1
"""The class index of a slot that uses no capacity, and the choice of an account given nothing."""


@dataclass(frozen=True, slots=True)
class Use:
    """One resource each slot draws on: its class index (``NONE``: none) and units per action."""

    klass: Classes  # (n, J)
    units: Units  # (n, J)


@dataclass(frozen=True, slots=True)
class Problem:
    """``values`` (n, J), the resources the slots use and the capacity of each class."""

    values: Floats
    uses: tuple[Use, ...]
    classes: tuple[str, ...]
    capacity: Floats  # (K,) units available per class

    def __post_init__(self) -> None:
        rows, slots = self.values.shape
        if self.capacity.shape != (len(self.classes),):
            raise ValueError("one capacity per class")
        for use in self.uses:
            if use.klass.shape != (rows, slots) or use.units.shape != (rows, slots):
                raise ValueError("every use has the shape of values")
        if np.any(self.capacity < 0):
            raise ValueError("capacities are never negative")

    @property
    def rows(self) -> int:
        return int(self.values.shape[0])

    @property
    def slots(self) -> int:
        return int(self.values.shape[1])

    def take(self, rows: NDArray[np.int64], *, scale: float) -> Problem:
        """The problem on a subset of rows with every capacity multiplied by ``scale``."""
        return Problem(
            values=self.values[rows],
            uses=tuple(Use(u.klass[rows], u.units[rows]) for u in self.uses),
            classes=self.classes,
            capacity=self.capacity * scale,
        )

    def window(self, start: int, stop: int) -> Problem:
        """Rows ``start:stop`` as views (no copy), with the same capacities."""
        return Problem(
            values=self.values[start:stop],
            uses=tuple(Use(u.klass[start:stop], u.units[start:stop]) for u in self.uses),
            classes=self.classes,
            capacity=self.capacity,
        )

    def usage_of(self, choice: NDArray[np.int64]) -> Floats:
        """Units of each class the choices (``NONE``: nothing) use."""
        used = np.zeros(len(self.classes), dtype=np.float64)
        chosen = np.flatnonzero(choice >= 0)
        picked = choice[chosen]
        for use in self.uses:
            klass = use.klass[chosen, picked]
            units = use.units[chosen, picked].astype(np.float64)
            kept = klass >= 0
            used += np.bincount(klass[kept], weights=units[kept], minlength=len(self.classes))
        return used

    def value_of(self, choice: NDArray[np.int64]) -> float:
        """The objective: the sum of the chosen options' values (nothing is worth 0)."""
        chosen = np.flatnonzero(choice >= 0)
        return float(self.values[chosen, choice[chosen]].sum())


def capacity_vector(
    classes: Sequence[str], limits: Mapping[str, float | int | None]
) -> tuple[tuple[str, ...], Floats]:
    """Classes and capacities: a class without a limit gets an unlimited (infinite) capacity."""
    names = tuple(classes)
    values = [limits.get(name) for name in names]
    return names, np.array([np.inf if v is None else float(v) for v in values], dtype=np.float64)
