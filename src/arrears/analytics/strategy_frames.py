"""The strategy's data as metric inputs: experiment arms with their roles, treatment costs."""

from __future__ import annotations

import polars as pl

from arrears.analytics.inputs import EXPERIMENT_ARMS, TREATMENT_COSTS
from arrears.strategy.catalogue import Catalogue
from arrears.strategy.experiments import slices
from arrears.strategy.model import Strategy


def experiment_arms(strategy: Strategy) -> pl.DataFrame:
    """``inputs.EXPERIMENT_ARMS``: every (experiment, segment, arm) with the arm's role."""
    rows = [
        {"experiment": experiment.id, "segment": segment, "arm": part.arm, "role": part.role.value}
        for experiment in strategy.experiments
        for segment in experiment.segments
        for part in slices(experiment)
    ]
    return pl.DataFrame(rows, schema=EXPERIMENT_ARMS)


def treatment_costs(catalogue: Catalogue) -> pl.DataFrame:
    """``inputs.TREATMENT_COSTS`` from a treatment catalogue."""
    rows = [
        {"treatment": t.id, "kind": t.kind.value, "cost_minor": t.cost_minor}
        for t in catalogue.values()
    ]
    return pl.DataFrame(rows, schema=TREATMENT_COSTS)
