"""The exact linear programme, solved by HiGHS, for small portfolios and to check the gap.

    maximise   Σ_ij v_ij x_ij
    subject to Σ_j x_ij ≤ 1                 (one option per account, or none)
               Σ_ij a_ijk x_ij ≤ C_k        (capacity of each class)
               0 ≤ x_ij ≤ 1

Its optimum is the best any fractional choice can do, so it bounds every integer choice from
above and is itself bounded by ``D(λ)`` for any prices; the price-based allocation is compared
with it in the tests. ``integral=True`` solves the integer programme (tiny instances only).
``highspy`` is imported when called, so the rest of the optimiser does not need it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from arrears.batch.optimiser.problem import NONE, Floats, Problem


@dataclass(frozen=True, slots=True)
class ExactSolution:
    value: float
    x: Floats  # (n, J) fractions chosen
    duals: Floats  # (K,) prices of the capacity rows (≥ 0)

    def choice(self) -> NDArray[np.int64]:
        """The slot with the largest fraction per row (``NONE`` below one half)."""
        slot = np.argmax(self.x, axis=1)
        top = self.x[np.arange(self.x.shape[0]), slot]
        return np.where(top > 0.5, slot, NONE).astype(np.int64)


def solve_exact(problem: Problem, *, integral: bool = False) -> ExactSolution:
    import highspy  # type: ignore[import-untyped, import-not-found, unused-ignore]

    rows, slots = problem.values.shape
    allowed = np.isfinite(problem.values)
    row_index, slot_index = np.nonzero(allowed)
    count = row_index.size
    finite = np.flatnonzero(np.isfinite(problem.capacity))
    highs = highspy.Highs()  # type: ignore[no-untyped-call, unused-ignore]
    highs.setOptionValue("output_flag", False)
    infinity = highspy.kHighsInf
    costs = problem.values[row_index, slot_index]
    highs.addVars(count, np.zeros(count), np.ones(count))
    highs.changeColsCost(count, np.arange(count, dtype=np.int32), costs)
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    if integral:
        highs.changeColsIntegrality(
            count,
            np.arange(count, dtype=np.int32),
            np.full(count, highspy.HighsVarType.kInteger),
        )
    starts = np.searchsorted(row_index, np.arange(rows + 1)).astype(np.int32)
    for i in range(rows):
        columns = np.arange(starts[i], starts[i + 1], dtype=np.int32)
        if columns.size:
            highs.addRow(-infinity, 1.0, columns.size, columns, np.ones(columns.size))
    for k in finite:
        units = np.zeros(count)
        for use in problem.uses:
            klass = use.klass[row_index, slot_index]
            units += np.where(klass == k, use.units[row_index, slot_index], 0.0)
        nonzero = np.flatnonzero(units > 0).astype(np.int32)
        highs.addRow(-infinity, float(problem.capacity[k]), nonzero.size, nonzero, units[nonzero])
    highs.run()
    solution = highs.getSolution()
    x = np.zeros((rows, slots))
    x[row_index, slot_index] = np.asarray(solution.col_value)[:count]
    duals = np.zeros(len(problem.classes))
    if not integral and finite.size:
        row_duals = np.asarray(solution.row_dual)
        account_rows = int(np.count_nonzero(np.diff(starts)))
        duals[finite] = np.abs(row_duals[account_rows : account_rows + finite.size])
    return ExactSolution(value=float(highs.getInfo().objective_function_value), x=x, duals=duals)
