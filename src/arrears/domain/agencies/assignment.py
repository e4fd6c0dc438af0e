"""Which agency gets an account: tier, licence, capacity and the champion/challenger split.

An account's first placement goes to a tier-1 agency, a re-placement after recall to the next
tier. Only agencies licensed in the borrower's state with capacity left are eligible. Within a
tier, the **champion** agencies get most accounts and the **challenger** agencies a fixed share
picked like-for-like: the same rule selects the accounts, and only the assignment point —
the first 8 bytes of ``SHA-256("<experiment>:<loan id>")`` as a big-endian integer in
``[0, 2**64)``, the same construction as ``arrears.strategy.experiments`` — decides the arm, so
the split is deterministic, reproducible and unrelated to anything about the account. Inside an
arm the least-loaded agency (share of capacity in use, then code) takes the account.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from arrears.domain.agencies.model import Agency

POINTS = 2**64


class Arm(StrEnum):
    CHAMPION = "champion"
    CHALLENGER = "challenger"


def assignment_point(experiment: str, loan_id: int) -> int:
    digest = hashlib.sha256(f"{experiment}:{loan_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def arm_for(experiment: str, loan_id: int, *, challenger_share: Decimal) -> Arm:
    """Champions take ``[0, (1 − share)·2**64)``, challengers the points above."""
    cut = int((1 - Fraction(challenger_share)) * POINTS)
    return Arm.CHALLENGER if assignment_point(experiment, loan_id) >= cut else Arm.CHAMPION


@dataclass(frozen=True, slots=True)
class AgencyLoad:
    agency: Agency
    placed: int  # accounts it holds now

    @property
    def challenger(self) -> bool:
        return self.agency.challenger

    @property
    def room(self) -> int:
        return self.agency.capacity - self.placed


@dataclass(frozen=True, slots=True)
class Choice:
    agency: Agency | None
    arm: Arm | None
    reason: str


def choose_agency(
    *,
    loan_id: int,
    state: str,
    tier: int,
    loads: Sequence[AgencyLoad],
    experiment: str,
    challenger_share: Decimal,
) -> Choice:
    """The agency for one account (None with the reason when no agency is eligible)."""
    eligible = [
        load
        for load in loads
        if load.agency.active and load.agency.tier == tier and load.room > 0
        and load.agency.licensed_in(state)
    ]  # fmt: skip
    if not eligible:
        return Choice(None, None, f"no active tier-{tier} agency licensed in {state} has room")
    wanted = arm_for(experiment, loan_id, challenger_share=challenger_share)
    in_arm = [load for load in eligible if load.challenger == (wanted is Arm.CHALLENGER)]
    arm = wanted if in_arm else (Arm.CHAMPION if wanted is Arm.CHALLENGER else Arm.CHALLENGER)
    pool = in_arm or eligible
    chosen = min(
        pool,
        key=lambda load: (Fraction(load.placed, max(load.agency.capacity, 1)), load.agency.code),
    )
    note = "" if in_arm else f" (no {wanted.value} agency eligible)"
    return Choice(chosen.agency, arm, f"tier {tier}, {arm.value} arm{note}")
