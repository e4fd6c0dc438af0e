"""Seeded random instances of the assignment problem, for tests and benchmarks.

Each of ``treatments`` options is a fixed treatment using one of ``classes`` classes (round
robin), with a cost per unit; values are lognormal expected collections minus that cost, so
some options lose money; each account lacks some options (they are ``-inf``, like candidates
the gates blocked). The last class is a budget measured per account (like a settlement
discount, a share of the balance). Capacities are a share ``tightness`` of what the accounts
would use with no limits, so every class binds.
"""

from __future__ import annotations

import numpy as np

from arrears.batch.optimiser.prices import best
from arrears.batch.optimiser.problem import Problem, Use


def random_problem(
    *,
    rows: int,
    treatments: int = 10,
    classes: int = 5,
    seed: int = 0,
    tightness: float = 0.3,
    missing: float = 0.3,
) -> Problem:
    rng = np.random.default_rng(seed)
    klass_of = np.arange(treatments) % classes
    scale = rng.uniform(0.5, 2.0, size=treatments)
    values = np.empty((rows, treatments))
    units = np.empty((rows, treatments), dtype=np.float32)
    balance = rng.lognormal(7.0, 1.0, size=rows)
    for j in range(treatments):
        gain = rng.lognormal(3.0, 1.2, size=rows) * scale[j]
        values[:, j] = gain - rng.uniform(5.0, 40.0)
        units[:, j] = (balance * 0.3) if klass_of[j] == classes - 1 else 1.0 + j % 3
    values[rng.random((rows, treatments)) < missing] = -np.inf
    klass = np.broadcast_to(klass_of.astype(np.int8), (rows, treatments)).copy()
    names = tuple(f"class_{k}" for k in range(classes))
    unlimited = Problem(values, (Use(klass, units),), names, np.full(classes, np.inf))
    choice, _ = best(values)
    used = unlimited.usage_of(choice)
    return Problem(values, (Use(klass, units),), names, np.maximum(used * tightness, 1.0))
