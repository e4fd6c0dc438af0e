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
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``decided`` with the menu rows the optimiser did not choose blocked by ``capacity``
    (reason: what was chosen instead) and an ``optimiser`` note on every menu row saying why;
    and per account the explanation
    (``chosen``, ``chosen_value``, ``runner_up``, ``runner_up_value``, ``binding``,
    ``binding_price``; values are expected minor units, floats)."""
    row = placed["_row"].to_numpy()
    slot = placed["_slot"].to_numpy()
    chosen = allocation.choice[row] == slot
    first = placed.group_by("_row", maintain_order=True).agg(pl.col("loan_id").first())
    accounts = first["_row"].to_numpy()
    names = np.full((allocation.choice.size, int(slot.max()) + 1 if slot.size else 1), None,
                    dtype=object)  # fmt: skip
    names[row, slot] = placed["treatment"].to_numpy()

    def named(slots: np.ndarray) -> list[str]:
        return [("nothing" if s < 0 else str(names[r, s])) for r, s in enumerate(slots)]

    classes = np.array([*allocation.prices.classes, None], dtype=object)
    binding = classes[explanation.binding[accounts]].tolist()
    why = pl.DataFrame(
        {
            "loan_id": first["loan_id"],
            "chosen": named(allocation.choice[accounts]),
            "chosen_value": explanation.chosen_value[accounts],
            "runner_up": named(explanation.runner_up[accounts]),
            "runner_up_value": explanation.runner_up_value[accounts],
            "binding": pl.Series(binding, dtype=pl.String),
            "binding_price": explanation.price[accounts],
        }
    )
    note = pl.format(
        "optimiser: {} (EV {}) over {} (EV {}){}",
        "chosen", pl.col("chosen_value").round(0).cast(pl.Int64),
        "runner_up", pl.col("runner_up_value").round(0).cast(pl.Int64),
        pl.when(pl.col("binding").is_not_null())
        .then(pl.format("; binding {} at {} per unit", "binding", pl.col("binding_price").round(2)))
        .otherwise(pl.lit("")),
    )  # fmt: skip
    marked = placed.select("loan_id", "treatment", pl.Series("_chosen", chosen)).join(
        why.select(
            "loan_id",
            note.alias("_note"),
            pl.format("capacity: {} chosen instead", "chosen").alias("_reason"),
        ),
        on="loan_id",
        how="left",
    )
    joined = decided.join(marked, on=["loan_id", "treatment"], how="left")
    dropped = pl.col("_chosen").is_not_null() & ~pl.col("_chosen")
    decided = joined.with_columns(
        pl.when(dropped).then(pl.lit("blocked")).otherwise(pl.col("status")).alias("status"),
        pl.when(dropped)
        .then(pl.lit("capacity"))
        .otherwise(pl.col("blocked_by"))
        .alias("blocked_by"),
        pl.when(dropped).then(pl.col("_reason")).otherwise(pl.col("reason")).alias("reason"),
        pl.col("_note").alias("optimiser"),
    ).drop("_chosen", "_note", "_reason")
    return decided, why
