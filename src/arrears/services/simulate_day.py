"""One simulated business day of the cycle, decided in memory on the cycle's own pure steps.

FEATURES from the simulator's state → segments, arms, due candidates → holds → the compliance
gate → (when the strategy asks) the optimiser, or (when training data is being gathered) an
exploration policy that picks one menu candidate or nothing at random with a logged chance.
What is still planned is done: its cost is counted and the borrowers answer tomorrow's state.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from arrears.batch.compliance_gate import CONTACTS, apply_compliance
from arrears.batch.cycle_features import episode_history
from arrears.batch.decisions import assign_arms, assign_segments, candidate_treatments
from arrears.batch.hold_gate import apply_holds
from arrears.batch.optimiser.candidates import always_goes
from arrears.batch.optimiser.engine import choose
from arrears.batch.scoring.inputs import SCORING_INPUTS
from arrears.batch.scoring.model import RecoveryModel
from arrears.services.simulate_frames import facts_frame, features_frame, holds_frame
from arrears.simulation.behaviour_model.state import State
from arrears.simulation.draws import Draws
from arrears.strategy.catalogue import Catalogue
from arrears.strategy.model import Strategy


@dataclass(frozen=True)
class Policy:
    """How a simulated lender decides: a strategy, its model, or exploration for training."""

    label: str
    strategy: Strategy
    model: RecoveryModel | None = None
    explore: bool = False


@dataclass
class DayDecision:
    actions: dict[str, np.ndarray]  # treatment -> loan positions
    cost_minor: int
    blocked: Counter[str] = field(default_factory=Counter)
    planned: pl.DataFrame | None = None  # loan_id, treatment, due_on
    training: pl.DataFrame | None = None
    share_of_bound: float | None = None


def decide_day(
    state: State,
    *,
    day: int,
    policy: Policy,
    past_actions: pl.DataFrame,
    contacts: pl.DataFrame,
    catalogue: Catalogue,
    draws: Draws,
) -> DayDecision:
    as_of = date.fromordinal(day)
    features = features_frame(state, day=day)
    strategy = policy.strategy
    history = episode_history(past_actions, features)
    segments = assign_segments(features, strategy)
    arms = assign_arms(features, strategy, segments=segments)
    candidates = candidate_treatments(
        features, segments, arms, history, strategy, as_of=as_of, catalogue=catalogue
    )
    held = apply_holds(candidates, holds_frame(state, day=day))
    decided = apply_compliance(
        held, facts_frame(state, features, day=day), contacts.select(list(CONTACTS)), as_of=as_of
    )
    share = None
    training = None
    inputs = features.select([c for c in SCORING_INPUTS.names() if c in features.columns])
    if policy.explore:
        keep = strategy.optimise.keep if strategy.optimise else ()
        decided, training = _explore(decided, inputs, catalogue=catalogue, draws=draws,
                                     day=day - state.start, as_of=as_of, keep=keep)  # fmt: skip
    elif strategy.optimise is not None:
        if policy.model is None:
            raise ValueError(f"{policy.label} asks for the optimiser but has no model")
        chosen = choose(decided, inputs, model=policy.model, optimise=strategy.optimise,
                        catalogue=catalogue, accounts=features.height)  # fmt: skip
        decided, share = chosen.decided, chosen.share_of_bound
    planned = decided.filter(pl.col("status") == "planned")
    blocked = Counter(decided.filter(pl.col("status") == "blocked")["blocked_by"].to_list())
    positions = planned.group_by("treatment").agg(pl.col("loan_id") - 1)
    actions = {t: np.asarray(ids, dtype=np.int64) for t, ids in positions.iter_rows()}
    return DayDecision(
        actions=actions,
        cost_minor=int(planned["cost_minor"].sum()),
        blocked=blocked,
        planned=planned.select("loan_id", "treatment", pl.lit(as_of).alias("due_on")),
        training=training,
        share_of_bound=share,
    )


def _explore(
    decided: pl.DataFrame,
    inputs: pl.DataFrame,
    *,
    catalogue: Catalogue,
    draws: Draws,
    day: int,
    as_of: date,
    keep: tuple[str, ...] = (),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep one menu candidate or nothing per account, each with chance 1 / (menu + 1), and
    log the choice with that chance (the training rows' propensity)."""
    fixed = sorted(always_goes(catalogue) | set(keep))
    menu_mask = (pl.col("status") == "planned") & ~pl.col("treatment").is_in(fixed)
    menu = (
        decided.filter(menu_mask)
        .select("loan_id", "treatment")
        .with_columns(
            pl.int_range(pl.len()).over("loan_id").alias("_slot"),
            pl.len().over("loan_id").alias("_size"),
        )
    )
    per_loan = menu.group_by("loan_id").agg(pl.col("_size").first())
    loans = per_loan["loan_id"].to_numpy()
    size = per_loan["_size"].to_numpy()
    pick = np.floor(draws.uniform("explore", loans, index=day) * (size + 1)).astype(np.int64)
    picks = pl.DataFrame({"loan_id": loans, "_pick": pick, "propensity": 1.0 / (size + 1)})
    chosen = menu.join(picks, on="loan_id").filter(pl.col("_slot") == pl.col("_pick"))
    marked = decided.join(chosen.select("loan_id", "treatment", pl.lit(True).alias("_keep")),
                        on=["loan_id", "treatment"], how="left")  # fmt: skip
    dropped = menu_mask & pl.col("_keep").is_null()
    explored = marked.with_columns(
        pl.when(dropped).then(pl.lit("blocked")).otherwise(pl.col("status")).alias("status"),
        pl.when(dropped).then(pl.lit("exploration")).otherwise(pl.col("blocked_by"))
        .alias("blocked_by"),
    ).drop("_keep")  # fmt: skip
    taken = picks.join(chosen.select("loan_id", "treatment"), on="loan_id", how="left")
    rows = inputs.join(taken.select("loan_id", "treatment", "propensity"), on="loan_id", how="left")
    rows = rows.filter(
        (pl.col("dpd") > 0) | pl.col("charged_off") | pl.col("propensity").is_not_null()
    ).with_columns(
        pl.col("treatment").fill_null("none"),
        pl.col("propensity").fill_null(1.0),
        pl.lit(as_of).alias("as_of"),
        pl.lit(day).alias("day_index"),
    )
    return explored, rows
