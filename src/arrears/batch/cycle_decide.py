"""The decision step of the daily cycle, pure: a partition's frames in, its decisions out.

Everything the cycle decides from — account features, the cadence history, holds in force,
compliance facts and recent contacts — arrives as frames; segments, experiment arms, due
treatments, holds and the compliance gate are applied in that order. The database engine
(``services.cycle``), the Parquet snapshot engine and a distributed engine all call this one
function per partition, so they decide identically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from arrears.batch.compliance_gate import apply_compliance
from arrears.batch.decisions import assign_arms, assign_segments, candidate_treatments
from arrears.batch.hold_gate import apply_holds
from arrears.compliance.model import ActorType
from arrears.strategy.model import Strategy


@dataclass(frozen=True)
class Decided:
    """Per account: its segment and experiment arms; per candidate treatment: the decision."""

    segments: pl.DataFrame
    arms: pl.DataFrame
    decided: pl.DataFrame


def decide(
    *,
    features: pl.DataFrame,
    history: pl.DataFrame,
    holds: pl.DataFrame,
    facts: pl.DataFrame,
    contacts: pl.DataFrame,
    strategy: Strategy,
    as_of: date,
    actor: ActorType,
) -> Decided:
    """Segments → arms → due treatments → holds → compliance, for one partition."""
    segments = assign_segments(features, strategy)
    arms = assign_arms(features, strategy, segments=segments)
    candidates = candidate_treatments(features, segments, arms, history, strategy, as_of=as_of)
    held = apply_holds(candidates, holds)
    decided = apply_compliance(held, facts, contacts, as_of=as_of, actor=actor)
    return Decided(segments, arms, decided)
