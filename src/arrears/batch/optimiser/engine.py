"""The optimiser step of the daily cycle on one partition's decided candidates.

``choose`` is what ``services.cycle`` and the simulation both call after holds and the
compliance gate: value each menu candidate with the scoring model, build the problem with the
partition's share of the capacities, price it (or apply prices computed once for the run),
and mark the candidates not chosen as blocked by ``capacity`` with their explanation. Pure:
frames and a model in, frames and figures out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from arrears.batch.optimiser.allocate import apply_prices
from arrears.batch.optimiser.candidates import always_goes, apply_choice, build_problem
from arrears.batch.optimiser.explain import explain
from arrears.batch.optimiser.prices import Prices, solve_prices
from arrears.batch.optimiser.problem import Problem
from arrears.batch.scoring.apply import treatment_values
from arrears.batch.scoring.model import RecoveryModel
from arrears.strategy.catalogue import CapacityClass, Catalogue
from arrears.strategy.model import SETTLEMENT_DISCOUNT, Optimise

CLASSES = (*(c.value for c in CapacityClass), SETTLEMENT_DISCOUNT)
EXPLANATIONS = {
    "loan_id": pl.Int64, "chosen": pl.String, "chosen_value": pl.Float64,
    "runner_up": pl.String, "runner_up_value": pl.Float64, "binding": pl.String,
    "binding_price": pl.Float64,
}  # fmt: skip
DISCOUNT_SHARE = 0.30
"""Share of the balance a settlement offer waives, for the settlement-discount budget (the
offers policy's standard lump-sum discount)."""


@dataclass(frozen=True, slots=True)
class Chosen:
    decided: pl.DataFrame  # the candidates with capacity blocks and an ``optimiser`` note
    explanations: pl.DataFrame  # per account on a menu: chosen, runner-up, binding capacity
    prices: Prices
    value: float  # expected net value added over doing nothing on the menu
    bound: float  # no feasible choice can add more

    @property
    def share_of_bound(self) -> float:
        return 1.0 if self.bound <= 0 else self.value / self.bound


def choose(
    decided: pl.DataFrame,
    inputs: pl.DataFrame,
    *,
    model: RecoveryModel,
    optimise: Optimise,
    catalogue: Catalogue,
    accounts: int,
    of: int | None = None,
    prices: Prices | None = None,
) -> Chosen:
    """At most one discretionary treatment per account among ``decided``'s planned rows.

    ``inputs`` are the accounts' scoring inputs; ``accounts`` is how many accounts this
    partition decides, out of ``of`` in the run (capacities are its share, see
    ``Optimise.scaled``); without ``prices`` they are found on this partition.
    """
    valued, fixed_use = valued_menu(
        decided, inputs, model=model, optimise=optimise, catalogue=catalogue
    )
    if valued.is_empty():
        empty = Prices(CLASSES, np.zeros(len(CLASSES)))
        return Chosen(decided.with_columns(pl.lit(None, pl.String).alias("optimiser")),
                      pl.DataFrame(schema=EXPLANATIONS), prices or empty, 0.0, 0.0)  # fmt: skip
    problem, placed = menu_problem(valued, fixed_use, capacity=optimise.scaled(accounts, of=of))
    prices = prices or solve_prices(problem)
    allocation = apply_prices(problem, prices)
    chosen, why = apply_choice(decided, placed, allocation, explain(problem, allocation))
    return Chosen(chosen, why, prices, allocation.value, allocation.bound)


def valued_menu(
    decided: pl.DataFrame,
    inputs: pl.DataFrame,
    *,
    model: RecoveryModel,
    optimise: Optimise,
    catalogue: Catalogue,
) -> tuple[pl.DataFrame, dict[str, float]]:
    """The menu rows valued by the model (``build_problem``'s columns), and the capacity the
    treatments that always go ahead use, by class. Per account: a sample of accounts gets the
    rows it would get in any partition (for prices computed over the whole book)."""
    fixed = sorted(always_goes(catalogue) | set(optimise.keep))
    on_menu = (pl.col("status") == "planned") & ~pl.col("treatment").is_in(fixed)
    menu = decided.filter(on_menu).select("loan_id", "treatment", "cost_minor",
                                           "capacity_class", "capacity_units")  # fmt: skip
    fixed_use = _fixed_use(decided.filter((pl.col("status") == "planned") & ~on_menu))
    if menu.is_empty():
        return menu, fixed_use
    valued = treatment_values(
        model, inputs, menu, days=optimise.horizon_days,
        annual_rate=float(optimise.annual_discount_rate),
    ).join(inputs.select("loan_id", "balance_minor"), on="loan_id", how="left")  # fmt: skip
    return valued.with_columns(pl.col("balance_minor").fill_null(0)), fixed_use


def menu_problem(
    valued: pl.DataFrame, fixed_use: dict[str, float], *, capacity: Mapping[str, float]
) -> tuple[Problem, pl.DataFrame]:
    """The problem over ``valued`` with ``capacity`` less what the fixed treatments use."""
    left: dict[str, float] = {name: float(units) for name, units in capacity.items()}
    for name, used in fixed_use.items():
        if name in left:
            left[name] = max(left[name] - used, 0.0)
    return build_problem(valued, classes=CLASSES, capacity=left, discount_share=DISCOUNT_SHARE)


def _fixed_use(rows: pl.DataFrame) -> dict[str, float]:
    """Capacity the treatments that always go ahead use, by class."""
    used = (
        rows.filter(pl.col("capacity_class").is_not_null())
        .group_by("capacity_class")
        .agg(pl.col("capacity_units").sum())
    )
    return {str(k): float(v) for k, v in used.iter_rows()}
