"""Champion/challenger assignment: which arm of an experiment an account is in, and how likely.

Assignment is a pure function of the experiment id and the account id, so it is the same on
every run, machine, partition and Python version: the first 8 bytes of
``SHA-256("<experiment id>:<loan id>")``, read as a big-endian integer, place the account in
``[0, 2**64)``; the arms (in file order, then the hold-out) split that range by their shares,
cut at ``floor(cumulative share × 2**64)``, so no float rounding decides an arm. Python's
``hash`` would change with every process. The arm's share is recorded with each decision as its
assignment probability, which unbiased estimates of each arm's effect need.

This module is the specification; ``arrears.batch.decisions.arms`` does the same for a frame.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from arrears.strategy.model import HOLDOUT, Experiment

POINTS = 2**64
"""Assignment points run over ``[0, POINTS)``."""


class ArmRole(StrEnum):
    CHAMPION = "champion"  # the segment's own rules
    CHALLENGER = "challenger"  # other rules or another strategy
    HOLDOUT = "holdout"  # only what the law requires


@dataclass(frozen=True, slots=True)
class Slice:
    """One arm's part of ``[0, POINTS)``: points below ``upper`` and above the previous arm's."""

    arm: str
    share: Decimal
    role: ArmRole
    upper: int

    @property
    def probability(self) -> float:
        """The assignment probability recorded with decisions (a float: it is not money)."""
        return float(self.share)


def payload(experiment_id: str, loan_id: int) -> bytes:
    return f"{experiment_id}:{loan_id}".encode()


def assignment_point(experiment_id: str, loan_id: int) -> int:
    """Where the account falls in ``[0, POINTS)`` for this experiment."""
    digest = hashlib.sha256(payload(experiment_id, loan_id)).digest()
    return int.from_bytes(digest[:8], "big")


def slices(experiment: Experiment) -> tuple[Slice, ...]:
    """The arms in assignment order (file order, then the hold-out) with their upper bounds."""
    parts = [
        (a.name, a.share, ArmRole.CHAMPION if a.champion else ArmRole.CHALLENGER)
        for a in experiment.arms
    ]
    if experiment.holdout:
        parts.append((HOLDOUT, experiment.holdout, ArmRole.HOLDOUT))
    found: list[Slice] = []
    cumulative = Fraction(0)
    for name, share, role in parts:
        cumulative += Fraction(share)
        found.append(Slice(name, share, role, int(cumulative * POINTS)))
    return tuple(found)


def arm_for(experiment: Experiment, loan_id: int) -> Slice:
    """The arm ``loan_id`` is in (shares add up to 1, so the last arm takes the top points)."""
    point = assignment_point(experiment.id, loan_id)
    parts = slices(experiment)
    return next((s for s in parts if point < s.upper), parts[-1])
