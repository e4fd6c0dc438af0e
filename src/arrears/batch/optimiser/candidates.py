"""From the cycle's decided candidates to the optimiser's problem, and back with its choice.

The strategy proposes; holds and the compliance gate allow or block; the optimiser then picks
among what is still *planned*. Legally required treatments (``required_by`` in the catalogue)
and treatments that spend nothing and change nothing (bureau updates, ``do_nothing``) always go
ahead: they are not the optimiser's to drop, though the capacity they use is taken off first.
Every other planned candidate is on the account's *menu*; the optimiser keeps at most one and
the others are stored as blocked by ``capacity`` with the choice that displaced them, the
expected values of the choice and of the runner-up, and the binding capacity and its price.

``values`` gives the expected net value (minor units, a float: an expectation) of each
``(loan_id, treatment)``; a settlement offer also draws on the settlement-discount budget,
``discount_share`` of the account's balance.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from arrears.batch.optimiser.allocate import Allocation
from arrears.batch.optimiser.explain import Explanation
from arrears.batch.optimiser.problem import NONE, Problem, Use
from arrears.strategy.catalogue import Catalogue
from arrears.strategy.model import SETTLEMENT_DISCOUNT

SETTLEMENT = "settlement_offer"
ALWAYS = frozenset({"do_nothing", "credit_bureau_update"})


def always_goes(catalogue: Catalogue) -> set[str]:
    """Treatments the optimiser never drops: the legally required and the free no-ops."""
    return {t.id for t in catalogue.treatments if t.legally_required} | set(ALWAYS)


def build_problem(
    menu: pl.DataFrame,
    *,
    classes: tuple[str, ...],
    capacity: Mapping[str, float],
    discount_share: float,
) -> tuple[Problem, pl.DataFrame]:
    """The problem over the menu rows (``loan_id``, ``treatment``, ``value``,
    ``capacity_class``, ``capacity_units``, ``balance_minor``), and the rows with their
    (row, slot) position in it."""
    placed = menu.with_columns(
        pl.col("loan_id").rank("dense").cast(pl.Int64).sub(1).alias("_row"),
    ).with_columns(pl.int_range(pl.len()).over("_row").cast(pl.Int64).alias("_slot"))
    row, slot = placed["_row"].to_numpy(), placed["_slot"].to_numpy()
    rows = int(row.max()) + 1 if row.size else 0
    slots = int(slot.max()) + 1 if slot.size else 1
    values = np.full((rows, slots), -np.inf)
    values[row, slot] = placed["value"].to_numpy()
    index = {name: k for k, name in enumerate(classes)}
    klass = np.full((rows, slots), NONE, dtype=np.int8)
    units = np.zeros((rows, slots), dtype=np.float32)
    named = placed["capacity_class"].replace_strict(index, default=NONE, return_dtype=pl.Int8)
    klass[row, slot] = named.to_numpy()
    units[row, slot] = placed["capacity_units"].fill_null(0).to_numpy()
    uses = [Use(klass, units)]
    if SETTLEMENT_DISCOUNT in index:
        budget = np.full((rows, slots), NONE, dtype=np.int8)
        amount = np.zeros((rows, slots), dtype=np.float32)
        settling = (placed["treatment"] == SETTLEMENT).to_numpy()
        budget[row[settling], slot[settling]] = index[SETTLEMENT_DISCOUNT]
        amount[row[settling], slot[settling]] = (
            placed["balance_minor"].to_numpy()[settling] * discount_share
        )
        uses.append(Use(budget, amount))
    limits = np.array([float(capacity.get(name, np.inf)) for name in classes])
    return Problem(values, tuple(uses), classes, np.maximum(limits, 0.0)), placed


def apply_choice(
    decided: pl.DataFrame,
    placed: pl.DataFrame,
    allocation: Allocation,
    explanation: Explanation,
) -> pl.DataFrame:
    """``decided`` with menu rows the optimiser did not choose blocked by ``capacity``, and an
    ``optimiser`` note on every menu row saying why."""
    row = placed["_row"].to_numpy()
    slot = placed["_slot"].to_numpy()
    chosen = allocation.choice[row] == slot
    classes = (*allocation.prices.classes, "")
    binding = explanation.binding[row]
    treatments = placed["treatment"].to_list()
    first_slot = {
        (r, s): t for r, s, t in zip(row.tolist(), slot.tolist(), treatments, strict=True)
    }

    def named(r: int, s: int) -> str:
        return first_slot.get((r, s), "nothing") if s >= 0 else "nothing"

    notes = []
    for i in range(placed.height):
        r = int(row[i])
        pick = named(r, int(allocation.choice[r]))
        runner = named(r, int(explanation.runner_up[r]))
        bind = classes[int(binding[i])] if binding[i] >= 0 else ""
        text = (
            f"optimiser: {pick} (EV {explanation.chosen_value[r]:.0f}) over {runner} "
            f"(EV {explanation.runner_up_value[r]:.0f})"
        )
        if bind:
            text += f"; binding {bind} at {explanation.price[r]:.2f} per unit"
        notes.append(text)
    marked = placed.select(
        "loan_id", "treatment",
        pl.Series("_chosen", chosen), pl.Series("_note", notes, dtype=pl.String),
    )  # fmt: skip
    joined = decided.join(marked, on=["loan_id", "treatment"], how="left")
    dropped = pl.col("_chosen").is_not_null() & ~pl.col("_chosen")
    return joined.with_columns(
        pl.when(dropped).then(pl.lit("blocked")).otherwise(pl.col("status")).alias("status"),
        pl.when(dropped)
        .then(pl.lit("capacity"))
        .otherwise(pl.col("blocked_by"))
        .alias("blocked_by"),
        pl.when(dropped).then(pl.col("_note")).otherwise(pl.col("reason")).alias("reason"),
        pl.col("_note").alias("optimiser"),
    ).drop("_chosen", "_note")
