"""Strategy what-ifs: replay a simulated book under each strategy with the same luck.

``compare`` generates a portfolio per seed (``arrears.simulation.generate_portfolio``), opens
the simulated book, and plays ``days`` days under each policy: every business day the cycle's
pure steps decide (``simulate_day``), every day the borrowers answer
(``simulation.behaviour_model``). Borrowers' draws depend only on (seed, borrower, day), so the
policies are compared on common random numbers and their paired differences are tight.

``train_on_simulation`` gathers training history on a *separate* seed under an exploration
policy (the strategy's menu, one choice at random with a logged chance) and trains the recovery
model on it: the optimised strategy learns only from simulated history, never from the
simulator's parameters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import polars as pl

from arrears.batch.compliance_gate import CONTACTS
from arrears.batch.scoring.model import RecoveryModel
from arrears.batch.scoring.train import outcome_column, train_model
from arrears.services.simulate_day import Policy, decide_day
from arrears.services.simulate_frames import contact_rows
from arrears.simulation import generate_portfolio
from arrears.simulation.behaviour_model.book import Opening, opening_book
from arrears.simulation.behaviour_model.dynamics import advance
from arrears.simulation.behaviour_model.params import BehaviourParams, default_params
from arrears.simulation.behaviour_model.respond import respond
from arrears.simulation.behaviour_model.state import Events, State
from arrears.simulation.behaviour_model.traits import draw_traits
from arrears.simulation.draws import Draws
from arrears.strategy.catalogue import Catalogue, default_catalogue

CURVE_DAYS = (30, 60, 90, 180)
CONTACT_WINDOW_DAYS = 31
DEFAULT_START = date(2026, 3, 2)
HISTORY_COLUMNS = {"loan_id": pl.Int64, "treatment": pl.String, "due_on": pl.Date}


@dataclass
class RunResult:
    """One policy on one seed."""

    label: str
    seed: int
    accounts: int
    arrears_at_start_minor: int
    collected_minor: int = 0  # payments, agency remittances and sale proceeds
    treatment_cost_minor: int = 0
    other_cost_minor: int = 0  # agency commission, court costs, repossession costs
    curve: dict[int, int] = field(default_factory=dict)  # day -> net recovered so far
    complaints: int = 0
    disputes: int = 0
    compliance_blocks: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    blocked: Counter[str] = field(default_factory=Counter)
    bound_shares: list[float] = field(default_factory=list)
    training: pl.DataFrame | None = None

    @property
    def net_minor(self) -> int:
        return self.collected_minor - self.treatment_cost_minor - self.other_cost_minor

    @property
    def cost_minor(self) -> int:
        return self.treatment_cost_minor + self.other_cost_minor


def open_book(*, accounts: int, seed: int, start: date) -> Opening:
    """The seed's portfolio as the simulated book on ``start``."""
    chunks = list(generate_portfolio(loans=accounts, seed=seed, as_of=start - timedelta(days=1)))
    return opening_book(chunks, as_of=start)


def run_policy(
    policy: Policy,
    *,
    opening: Opening,
    seed: int,
    days: int,
    start: date = DEFAULT_START,
    params: BehaviourParams | None = None,
    catalogue: Catalogue | None = None,
    horizons: Sequence[int] = (),
) -> RunResult:
    """Play ``days`` days of ``policy`` on ``opening``; with ``horizons``, keep the training
    rows (exploration runs) with what each account paid over each horizon."""
    params = params or default_params()
    catalogue = catalogue or default_catalogue()
    draws = Draws(seed)
    first = start.toordinal()
    dpd0 = np.where(opening.oldest_unpaid > 0, np.maximum(first - opening.oldest_unpaid, 0), 0)
    state = State.open(
        opening, draw_traits(draws, opening.loan_id, dpd=dpd0, params=params),
        start=first, days=days,
    )  # fmt: skip
    result = RunResult(policy.label, seed, opening.size, int(opening.past_due.sum()))
    past = pl.DataFrame(schema=HISTORY_COLUMNS)
    contacts: list[pl.DataFrame] = []
    training: list[pl.DataFrame] = []
    for offset in range(days):
        day = first + offset
        events = Events()
        if date.fromordinal(day).weekday() < 5:
            recent = [c for c in contacts if c.height and c["day"][0] >= date.fromordinal(day)
                      - timedelta(days=CONTACT_WINDOW_DAYS)]  # fmt: skip
            contacts = recent
            decision = decide_day(
                state, day=day, policy=policy, past_actions=past,
                contacts=pl.concat(recent) if recent else pl.DataFrame(schema=CONTACTS),
                catalogue=catalogue, draws=draws,
            )  # fmt: skip
            _count(result, decision.cost_minor, decision.blocked, decision.actions)
            if decision.share_of_bound is not None:
                result.bound_shares.append(decision.share_of_bound)
            if decision.planned is not None and decision.planned.height:
                past = pl.concat([past, decision.planned.cast(HISTORY_COLUMNS)])  # type: ignore[arg-type]
            if decision.training is not None:
                training.append(decision.training)
            respond(state, decision.actions, day=day, draws=draws, params=params, events=events)
        advance(state, day=day, draws=draws, params=params, events=events)
        contacts += [contact_rows(state.opening.loan_id[loans], channel, outcome, day=day)
                     for loans, channel, outcome in events.contacts if loans.size]  # fmt: skip
        result.collected_minor += sum(int(a.sum()) for _, a, k in events.payments if k != "waiver")
        if offset + 1 in CURVE_DAYS or offset + 1 == days:
            result.curve[offset + 1] = _net_so_far(result, state)
    result.complaints = int(state.complaints.sum())
    result.disputes = int(state.disputes.sum())
    result.other_cost_minor = int(state.costs.sum())
    result.compliance_blocks = result.blocked.get("compliance", 0)
    if horizons and training:
        result.training = _outcomes(pl.concat(training, how="diagonal_relaxed"), state, horizons)
    return result


def _count(
    result: RunResult, cost: int, blocked: Counter[str], actions: dict[str, np.ndarray]
) -> None:
    result.treatment_cost_minor += cost
    result.blocked.update(blocked)
    result.actions.update({t: int(loans.size) for t, loans in actions.items()})


def _net_so_far(result: RunResult, state: State) -> int:
    return result.collected_minor - result.treatment_cost_minor - int(state.costs.sum())


def _outcomes(rows: pl.DataFrame, state: State, horizons: Sequence[int]) -> pl.DataFrame:
    """Each training row with the net cash its account paid over the next ``h`` days."""
    cumulative = np.vstack([np.zeros((1, state.size), np.int64), np.cumsum(state.cash, axis=0)])
    position = rows["loan_id"].to_numpy() - 1
    day = rows["day_index"].to_numpy()
    columns = {}
    for h in horizons:
        end = np.minimum(day + 1 + h, state.days)
        columns[outcome_column(h)] = cumulative[end, position] - cumulative[day + 1, position]
    complete = day + 1 + max(horizons) <= state.days
    return rows.with_columns([pl.Series(name, values) for name, values in columns.items()]).filter(
        pl.Series(complete)
    )


def train_on_simulation(
    policy: Policy,
    *,
    accounts: int,
    days: int,
    seed: int,
    start: date = DEFAULT_START,
    horizons: tuple[int, ...] = (30, 90),
    params: BehaviourParams | None = None,
) -> tuple[RecoveryModel, pl.DataFrame]:
    """A model trained on the history of ``policy`` explored on ``seed``, and that history."""
    explorer = Policy(f"{policy.label} (exploring)", policy.strategy, explore=True)
    opening = open_book(accounts=accounts, seed=seed, start=start)
    run = run_policy(explorer, opening=opening, seed=seed, days=days, start=start,
                     params=params, horizons=horizons)  # fmt: skip
    if run.training is None or run.training.is_empty():
        raise ValueError("the exploration run produced no training rows")
    return train_model(run.training, horizons=horizons, seed=seed), run.training


@dataclass(frozen=True)
class Estimate:
    mean: float
    low: float
    high: float


def interval(values: Sequence[float], *, level: float = 0.95) -> Estimate:
    """Mean and a t-interval over seeds (a single seed has no spread: low = high = mean)."""
    n = len(values)
    mean = float(np.mean(values)) if n else math.nan
    if n < 2:
        return Estimate(mean, mean, mean)
    spread = float(np.std(values, ddof=1)) / math.sqrt(n)
    quantile = _t_quantile(n - 1, level)
    return Estimate(mean, mean - quantile * spread, mean + quantile * spread)


def _t_quantile(freedom: int, level: float) -> float:
    """Two-sided Student t quantile (table for 95%, the normal beyond 30 degrees)."""
    table = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
             9: 2.262, 10: 2.228, 12: 2.179, 15: 2.131, 20: 2.086, 30: 2.042}  # fmt: skip
    if level != 0.95:
        raise ValueError("only 95% intervals are supported")
    known = [k for k in table if k <= freedom]
    return table[max(known)] if freedom <= 30 else 1.96


@dataclass
class Comparison:
    seeds: list[int]
    runs: dict[str, list[RunResult]]

    def metric(self, label: str, pick: Callable[[RunResult], float]) -> Estimate:
        return interval([pick(r) for r in self.runs[label]])

    def paired(self, label: str, baseline: str, pick: Callable[[RunResult], float]) -> Estimate:
        """The difference with ``baseline`` seed by seed (common random numbers)."""
        pairs = zip(self.runs[label], self.runs[baseline], strict=True)
        return interval([pick(a) - pick(b) for a, b in pairs])

    def relative(self, label: str, baseline: str, pick: Callable[[RunResult], float]) -> Estimate:
        """The ratio to ``baseline`` minus one, seed by seed."""
        pairs = zip(self.runs[label], self.runs[baseline], strict=True)
        return interval([pick(a) / pick(b) - 1 if pick(b) else math.nan for a, b in pairs])


def compare(
    policies: Sequence[Policy],
    *,
    accounts: int,
    days: int,
    seeds: Sequence[int],
    start: date = DEFAULT_START,
    params: BehaviourParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> Comparison:
    """Every policy on every seed's book; the same seed gives every policy the same borrowers."""
    runs: dict[str, list[RunResult]] = {p.label: [] for p in policies}
    for seed in seeds:
        opening = open_book(accounts=accounts, seed=seed, start=start)
        for policy in policies:
            if progress:
                progress(f"seed {seed}: {policy.label}")
            runs[policy.label].append(
                run_policy(
                    policy, opening=opening, seed=seed, days=days, start=start, params=params
                )
            )
    return Comparison(list(seeds), runs)
