"""The optimiser in the snapshot engines (Polars and Spark): prices over the whole book, then
block by block, so one machine and a cluster decide the same.

DESIGN §4 asks for dual prices computed once and applied per partition. The database engine
prices on its first partition; the snapshot engines price on a *sample of the whole book*: an
account is in it by a hash of its loan id (``sampled``), so every engine draws the same
accounts whatever its partitioning. The sample's valued menus are gathered (on Spark, to the
driver), the prices solved once (``book_prices``) and sent to every task. Capacities are then
shared out by *block* — the loan-id ranges the snapshot was written in
(``Manifest.partitions``) — and each block is optimised at those prices with its share
(``decide_block``), so a block's trim-and-fill repairs are the same on any engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import numpy as np
import polars as pl

from arrears.batch.cycle_decide import Decided, decide
from arrears.batch.cycle_partition import PartitionFrames
from arrears.batch.cycle_rows import CycleRows, cycle_rows
from arrears.batch.optimiser.engine import CLASSES, menu_problem, valued_menu
from arrears.batch.optimiser.prices import Prices, solve_prices
from arrears.batch.scoring.cycle_inputs import inputs_with_facts
from arrears.batch.scoring.model import RecoveryModel
from arrears.compliance.model import ActorType
from arrears.services.scoring import Scored, optimise_partition, scored_from_inputs
from arrears.strategy.catalogue import default_catalogue
from arrears.strategy.model import Optimise, Strategy

SAMPLE_ACCOUNTS = 50_000
"""Accounts the prices are solved on (about; ``solve_prices`` samples as many)."""
MULTIPLIER = 2_654_435_761
"""Knuth's multiplicative hash; loan ids below 2**33 keep ``id * MULTIPLIER`` within Int64."""
SPACE = 1 << 32


def sample_threshold(accounts: int, sample: int = SAMPLE_ACCOUNTS) -> int:
    """Hashes below this are in the sample (every account when the book is small)."""
    if accounts <= sample:
        return SPACE
    return math.ceil(SPACE * sample / accounts)


def sampled(threshold: int) -> pl.Expr:
    """Whether an account is in the price sample (Spark computes the same expression)."""
    return (pl.col("loan_id") * MULTIPLIER) % SPACE < threshold


@dataclass(frozen=True)
class OptimiseRun:
    """What every block of an optimised run shares."""

    model: RecoveryModel
    accounts: int  # the book's accounts: each block's capacity is its share of them
    prices: Prices


def scored_outcome(
    frames: PartitionFrames, paid: pl.DataFrame, *, model: RecoveryModel, strategy: Strategy,
    as_of: date, actor: ActorType,
) -> tuple[PartitionFrames, Decided, Scored]:  # fmt: skip
    """Scores (into ``features.score``) → the strategy's decisions, as the database engine."""
    inputs = inputs_with_facts(frames.features, paid, frames.contacts, as_of=as_of)
    scored = scored_from_inputs(model, features=frames.features, inputs=inputs)
    frames = replace(frames, features=scored.features)
    outcome = decide(
        features=frames.features, history=frames.history, holds=frames.holds,
        facts=frames.facts, contacts=frames.contacts, strategy=strategy, as_of=as_of,
        actor=actor,
    )  # fmt: skip
    return frames, outcome, scored


def sample_menu(
    frames: PartitionFrames, paid: pl.DataFrame, *, model: RecoveryModel, strategy: Strategy,
    as_of: date, actor: ActorType,
) -> tuple[pl.DataFrame, dict[str, float]]:  # fmt: skip
    """The valued menu rows of sampled accounts and the capacity their fixed treatments use."""
    assert strategy.optimise is not None
    _, outcome, scored = scored_outcome(
        frames, paid, model=model, strategy=strategy, as_of=as_of, actor=actor
    )
    return valued_menu(
        outcome.decided, scored.inputs, model=model, optimise=strategy.optimise,
        catalogue=default_catalogue(),
    )  # fmt: skip


def book_prices(
    valued: pl.DataFrame, fixed_use: dict[str, float], *, optimise: Optimise,
    sampled_accounts: int, accounts: int,
) -> Prices:  # fmt: skip
    """Prices solved on the whole sample, its capacity the sample's exact share of the book's.

    ``valued`` may arrive in any order of accounts (Spark's tasks); it is put in loan-id order,
    each account's rows as they were, so the problem — and the prices — do not depend on it.
    """
    if valued.is_empty():
        return Prices(CLASSES, np.zeros(len(CLASSES)))
    share = (
        Fraction(sampled_accounts, optimise.per_accounts)
        if optimise.per_accounts is not None
        else Fraction(sampled_accounts, max(accounts, 1))
    )
    capacity = {name: float(units * share) for name, units in optimise.capacities}
    problem, _ = menu_problem(
        valued.sort("loan_id", maintain_order=True), fixed_use, capacity=capacity
    )
    return solve_prices(problem, sample=problem.rows + 1)


@dataclass(frozen=True)
class BlockRows:
    rows: CycleRows
    optimiser: dict[str, Any]  # the block's prices, value, bound and model version


def decide_block(
    frames: PartitionFrames, paid: pl.DataFrame, *, strategy: Strategy, as_of: date,
    actor: ActorType, run_id: int, now: datetime, run: OptimiseRun,
) -> BlockRows:  # fmt: skip
    """One block decided and optimised at the run's prices with its share of the capacities."""
    frames, outcome, scored = scored_outcome(
        frames, paid, model=run.model, strategy=strategy, as_of=as_of, actor=actor
    )
    decided, _, optimiser = optimise_partition(
        outcome.decided, scored, strategy=strategy, accounts=frames.features.height,
        of=run.accounts, prices=run.prices,
    )  # fmt: skip
    rows = cycle_rows(
        frames.features, replace(outcome, decided=decided), run_id=run_id, as_of=as_of, now=now
    )
    return BlockRows(rows, optimiser)


def fixed_use_total(parts: list[dict[str, float]]) -> dict[str, float]:
    """The fixed treatments' use of the sample, summed over the parts it was gathered in."""
    total: dict[str, float] = {}
    for part in parts:
        for name, used in part.items():
            total[name] = total.get(name, 0.0) + used
    return total
