"""Scores and the optimiser in the daily cycle, for strategies that ask for them.

A strategy with an ``optimise`` block names its scoring model (``optimise.model``, a name or a
version under the data directory's ``models/``). For each partition the cycle then:

1. scores every account (``score`` in FEATURES becomes the chance of paying within the first
   horizon, so strategy conditions on ``score`` work), with reason codes;
2. after holds and the compliance gate, lets the optimiser choose among the planned
   candidates with the partition's share of the capacities, at the run's dual prices: the
   first partition computes them and stores them in its summary, the others read them back,
   so every partition of a run — and a re-run after a crash — applies the same prices;
3. keeps, per account, the model version, scores and the optimiser's explanation
   (``decision_values``), rounded to whole cents here, where they are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from arrears.batch.optimiser.engine import CLASSES, choose
from arrears.batch.optimiser.prices import Prices
from arrears.batch.scoring.apply import round_minor, score_accounts
from arrears.batch.scoring.cycle_inputs import cycle_inputs
from arrears.batch.scoring.model import RecoveryModel
from arrears.services.ports import ModelSource
from arrears.strategy.catalogue import Catalogue, default_catalogue
from arrears.strategy.model import Strategy

SUMMARY_KEY = "optimiser"


@dataclass(frozen=True)
class Scored:
    features: pl.DataFrame  # with ``score``
    inputs: pl.DataFrame  # SCORING_INPUTS
    scores: pl.DataFrame  # per account: scores, reasons, model_version
    model: RecoveryModel


def score_partition(
    model: RecoveryModel,
    *,
    features: pl.DataFrame,
    payments: pl.DataFrame,
    contacts: pl.DataFrame,
    as_of: date,
) -> Scored:
    return scored_from_inputs(
        model, features=features, inputs=cycle_inputs(features, payments, contacts, as_of=as_of)
    )


def scored_from_inputs(
    model: RecoveryModel, *, features: pl.DataFrame, inputs: pl.DataFrame
) -> Scored:
    """``features`` scored from their ``SCORING_INPUTS`` (a snapshot has no payments, only
    their facts: ``batch.scoring.cycle_inputs.inputs_with_facts``)."""
    scores = score_accounts(model, inputs)
    scored = (
        features.drop("score")
        .join(scores.select("loan_id", "score"), on="loan_id", how="left")
        .select(features.columns)
    )
    return Scored(scored, inputs, scores, model)


def load_model(models: ModelSource | None, strategy: Strategy) -> RecoveryModel | None:
    """The strategy's model, when it asks for the optimiser (``None`` otherwise)."""
    if strategy.optimise is None:
        return None
    if models is None:
        from arrears.errors import ConfigurationError

        raise ConfigurationError("the strategy asks for the optimiser but no model store is set")
    return models.load(strategy.optimise.model)


def run_prices(summaries: list[dict[str, Any]]) -> Prices | None:
    """The prices an earlier partition of the run stored, if any."""
    for summary in summaries:
        stored = summary.get(SUMMARY_KEY, {}).get("prices")
        if stored:
            return Prices(CLASSES, np.array([float(stored.get(c, 0.0)) for c in CLASSES]))
    return None


def combine_optimiser(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The run's optimiser figures: its prices, value, bound and their ratio."""
    found = [p[SUMMARY_KEY] for p in parts if SUMMARY_KEY in p]
    value = sum(float(f.get("value", 0.0)) for f in found)
    bound = sum(float(f.get("bound", 0.0)) for f in found)
    return {
        "prices": found[0]["prices"] if found else {},
        "model_version": found[0].get("model_version") if found else None,
        "value": value,
        "bound": bound,
        "share_of_bound": value / bound if bound > 0 else 1.0,
    }


def optimise_partition(
    decided: pl.DataFrame,
    scored: Scored,
    *,
    strategy: Strategy,
    accounts: int,
    of: int | None,
    prices: Prices | None,
    catalogue: Catalogue | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """The decided candidates after the optimiser, the ``decision_values`` rows (without
    ``run_id``) and the partition's optimiser summary (its prices, value and bound)."""
    assert strategy.optimise is not None
    chosen = choose(
        decided, scored.inputs, model=scored.model, optimise=strategy.optimise,
        catalogue=catalogue or default_catalogue(), accounts=accounts, of=of, prices=prices,
    )  # fmt: skip
    summary = {
        "prices": chosen.prices.as_dict(),
        "value": chosen.value,
        "bound": chosen.bound,
        "model_version": scored.model.version,
    }
    return chosen.decided, _value_rows(chosen.explanations, scored), summary


def _value_rows(explanations: pl.DataFrame, scored: Scored) -> pl.DataFrame:
    """Per account: the model version, scores with reasons, and the optimiser's explanation
    (expected values rounded to whole cents here, where they are stored)."""
    why = explanations.with_columns(
        pl.Series("chosen_value_minor", round_minor(explanations["chosen_value"].to_numpy())),
        pl.Series("runner_up_value_minor", round_minor(explanations["runner_up_value"].to_numpy())),
    ).drop("chosen_value", "runner_up_value")
    scores = scored.scores
    wanted = ("p_pay_30d", "expected_30d_minor", "p_pay_90d", "expected_90d_minor")
    return scores.join(why, on="loan_id", how="left").select(
        "loan_id", "model_version", pl.col("reasons").str.slice(0, 120),
        *(pl.col(c) if c in scores.columns else pl.lit(None).alias(c) for c in wanted),
        "chosen", "chosen_value_minor", "runner_up", "runner_up_value_minor", "binding",
        "binding_price",
    )  # fmt: skip
