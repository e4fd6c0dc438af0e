"""Agencies and placements.

An agency works accounts on contingency: it keeps a commission on what it collects. Its rate
depends on how old the debt is when placed (older debt is harder to collect and costs more) and
agencies are ranked in tiers: a first placement goes to a tier-1 agency, an account recalled
unpaid may be re-placed with a tier-2 agency, and so on. An agency may only work accounts of
borrowers in states where it is licensed, and up to its capacity. An account is with at most
one agency at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from arrears.errors import RuleViolation


@dataclass(frozen=True, slots=True)
class FeeStep:
    """The contingency rate for debt at least ``min_age_days`` past due when placed."""

    min_age_days: int
    rate: Decimal


@dataclass(frozen=True, slots=True)
class Agency:
    code: str
    name: str
    tier: int
    fees: tuple[FeeStep, ...]  # ascending min_age_days, first at 0
    capacity: int  # accounts it may hold at once
    states: frozenset[str]  # where it is licensed to collect
    active: bool = True
    challenger: bool = False  # in the challenger arm of its tier's champion/challenger split
    phone: str = ""  # for the placement notice to the borrower
    id: int | None = None

    def __post_init__(self) -> None:
        problems = []
        if not self.code or not self.code.replace("-", "").replace("_", "").isalnum():
            problems.append("the code is letters, digits, - and _")
        if self.tier < 1:
            problems.append("tiers start at 1")
        if self.capacity < 0:
            problems.append("capacity cannot be negative")
        starts = [step.min_age_days for step in self.fees]
        if not starts or starts[0] != 0 or starts != sorted(set(starts)):
            problems.append("the fee schedule starts at age 0 and rises")
        if any(not Decimal(0) <= step.rate < Decimal(1) for step in self.fees):
            problems.append("commission rates lie between 0 and 1")
        if not self.states:
            problems.append("an agency is licensed in at least one state")
        if problems:
            raise RuleViolation(
                f"agency {self.code!r}: " + "; ".join(problems), rule="agency.definition"
            )

    def rate_for(self, age_days: int) -> Decimal:
        """The contingency rate for debt ``age_days`` past due at placement."""
        return [step.rate for step in self.fees if age_days >= step.min_age_days][-1]

    def licensed_in(self, state: str) -> bool:
        return state.upper() in self.states


def parse_fees(text: str) -> tuple[FeeStep, ...]:
    """A fee schedule written ``"0:0.20,181:0.28,366:0.35"`` (age in days : rate)."""
    steps = []
    for part in text.split(","):
        age, _, rate = part.strip().partition(":")
        try:
            steps.append(FeeStep(int(age), Decimal(rate)))
        except (ValueError, ArithmeticError):
            raise RuleViolation(
                f"fee schedule part {part.strip()!r} is not age:rate (e.g. 0:0.20)",
                rule="agency.definition",
            ) from None
    return tuple(steps)


class PlacementStatus(StrEnum):
    PLACED = "placed"
    RECALLED = "recalled"
    CLOSED = "closed"  # paid, settled or returned by the agency


@dataclass(frozen=True, slots=True)
class Placement:
    """One account with one agency: when, at what balance and rate, and until when."""

    loan_id: int
    agency_id: int
    placed_on: date
    recall_due_on: date
    age_days: int  # days past due at placement (prices the commission)
    commission_rate: Decimal
    balance_minor: int
    currency: str
    status: PlacementStatus = PlacementStatus.PLACED
    recalled_on: date | None = None
    tier: int = 1
    experiment_arm: str = ""
    id: int | None = None

    def in_force_on(self, day: date) -> bool:
        """Whether the agency worked the account on ``day`` (from placement to recall)."""
        ended = self.recalled_on
        return self.placed_on <= day and (ended is None or day < ended)

    @property
    def vintage(self) -> str:
        """The month of placement, ``YYYY-MM``: scorecards compare like with like by vintage."""
        return f"{self.placed_on:%Y-%m}"
