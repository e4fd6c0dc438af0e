"""Collects every metric's partial sums, partition by partition, and finishes them together.

The service hands each partition's frames to ``add`` (and the unpartitioned sources to
``add_source``) and asks for the finished figures once the last partition is in: only sums
are kept between partitions, so memory does not grow with the portfolio.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from arrears.analytics import (
    agents,
    bucket_trend,
    costs,
    curves,
    experiments,
    goal_series,
    recovery,
    roll_rates,
)
from arrears.analytics.balances import Balances
from arrears.analytics.partials import combine
from arrears.analytics.plan import ReportPlan
from arrears.analytics.recovery import window_accounts, window_partial, window_rates
from arrears.analytics.snapshots import Snapshots
from arrears.analytics.workflow_metrics import WORKFLOW_METRICS

FOLD = 16
"""Partial sums kept per metric before they are summed into one."""


@dataclass(frozen=True)
class PartitionFrames:
    """One partition's inputs, already derived (``snapshots``, ``balances``)."""

    loans: pl.DataFrame  # inputs.LOANS
    snapshots: Snapshots  # on every date of plan.snapshot_dates
    owed: Balances
    payments: pl.DataFrame  # inputs.PAYMENTS
    actions: pl.DataFrame  # inputs.ACTIONS
    entrants: pl.DataFrame  # experiments.entrants
    outcome_states: pl.DataFrame  # snapshots of the entrants on their outcome dates
    sources: dict[str, pl.DataFrame] = field(default_factory=dict)


@dataclass
class Finished:
    """Every metric's combined figures (frames), ready to be laid out as report sections."""

    trend: pl.DataFrame
    transitions: pl.DataFrame
    window: pl.DataFrame
    curves: pl.DataFrame
    costs_by_treatment: pl.DataFrame
    agents: pl.DataFrame
    experiment_arms: pl.DataFrame
    experiment_comparisons: pl.DataFrame
    workflow: dict[str, pl.DataFrame]
    goal_measures: pl.DataFrame
    accounts: int


class ReportAccumulator:
    def __init__(
        self, plan: ReportPlan, *, treatment_costs: pl.DataFrame, arms: pl.DataFrame
    ) -> None:
        self.plan = plan
        self.treatment_costs = treatment_costs
        self.arms = arms
        self.parts: dict[str, list[pl.DataFrame]] = defaultdict(list)
        self.accounts = 0

    def _keep(self, name: str, keys: Sequence[str], partial: pl.DataFrame) -> None:
        """Add a slice's partial sums; every ``FOLD`` of them are summed into one, so what is
        kept between slices stays a few small frames however many slices there are."""
        kept = self.parts[name]
        kept.append(partial)
        if len(kept) >= FOLD:
            self.parts[name] = [combine(kept, list(keys))]

    def add(self, frames: PartitionFrames) -> None:
        plan, snaps = self.plan, frames.snapshots
        window = plan.window
        self.accounts += snaps.on(plan.as_of).height
        trend_rows = pl.concat([snaps.on(day) for day in plan.trend_dates])
        self._keep("trend", bucket_trend.KEYS, bucket_trend.trend_partial(trend_rows))
        self._keep(
            "transitions",
            roll_rates.KEYS,
            roll_rates.transitions_partial(snaps, plan.month_end_dates),
        )
        measured = window_accounts(
            snaps.on(window.start),
            snaps.on(plan.as_of),
            frames.payments,
            window,
            facts=snaps.facts,
        )
        self._keep("window", recovery.KEYS, window_partial(measured))
        self._add_curves(frames)
        self._keep(
            "costs", costs.KEYS, costs.cost_partial(frames.actions, self.treatment_costs, window)
        )
        self._keep(
            "agents",
            agents.KEYS,
            agents.agent_partial(
                frames.actions, frames.payments, window, outcome_days=plan.outcome_days
            ),
        )
        self._keep(
            "experiments",
            experiments.KEYS,
            experiments.outcome_partial(frames.entrants, frames.outcome_states, frames.payments),
        )
        if plan.goal_days:
            self._keep(
                "goals",
                goal_series.KEYS,
                goal_series.goal_partial(
                    snaps,
                    frames.payments,
                    frames.actions,
                    self.treatment_costs,
                    days=plan.goal_days,
                    window_days=plan.window_days,
                ),
            )
        for name, frame in frames.sources.items():
            self.add_source(name, frame, payments=frames.payments)

    def _add_curves(self, frames: PartitionFrames) -> None:
        plan = self.plan
        cohorts = curves.delinquency_cohorts(frames.snapshots, plan.month_end_dates)
        self._keep(
            "curves",
            curves.KEYS,
            curves.curve_partial(
                cohorts,
                frames.payments,
                curve=curves.DELINQUENCY,
                as_of=plan.as_of,
                months=plan.curve_months,
            ),
        )
        charged = curves.charge_off_cohorts(
            frames.loans, frames.owed, since=plan.month_end_dates[0], as_of=plan.as_of
        )
        self._keep(
            "curves",
            curves.KEYS,
            curves.curve_partial(
                charged,
                frames.payments,
                curve=curves.CHARGE_OFF,
                as_of=plan.as_of,
                months=plan.curve_months,
            ),
        )

    def add_source(self, name: str, frame: pl.DataFrame, *, payments: pl.DataFrame) -> None:
        """A workflow source's rows (of one partition, or all of them when unpartitioned)."""
        for metric in WORKFLOW_METRICS:
            if metric.source == name:
                self._keep(
                    f"source:{metric.key}",
                    metric.keys,
                    metric.partial(frame, payments, self.plan.window),
                )

    def finish(self, *, available: frozenset[str]) -> Finished:
        plan = self.plan
        arms = experiments.arm_results(self.parts["experiments"], self.arms)
        compared = (
            experiments.comparisons(
                arms, confidence=plan.confidence, power=plan.power, effect=plan.effect
            )
            if arms.height
            else pl.DataFrame()
        )
        workflow = {
            metric.key: metric.finish(
                combine(self.parts[f"source:{metric.key}"], list(metric.keys))
            )
            for metric in WORKFLOW_METRICS
            if metric.source in available and self.parts[f"source:{metric.key}"]
        }
        return Finished(
            trend=bucket_trend.trend(self.parts["trend"], bucket_names=plan.bucket_names),
            transitions=combine(self.parts["transitions"], roll_rates.KEYS),
            window=window_rates(self.parts["window"], bucket_names=plan.bucket_names),
            curves=curves.curves(self.parts["curves"], as_of=plan.as_of, months=plan.curve_months),
            costs_by_treatment=costs.cost_by_treatment(self.parts["costs"]),
            agents=agents.agent_performance(self.parts["agents"]),
            experiment_arms=arms,
            experiment_comparisons=compared,
            workflow=workflow,
            goal_measures=combine(self.parts["goals"], goal_series.KEYS),
            accounts=self.accounts,
        )
