"""The offer lifecycle refuses every move it does not list; approval authority is data."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from arrears.domain.settlements.authority import (
    authority_of,
    check_authority,
    required_role,
    within_authority,
)
from arrears.domain.settlements.lifecycle import FINAL, MOVES, check_move
from arrears.domain.settlements.offers import OfferStatus
from arrears.domain.settlements.policy import default_settlement_policy
from arrears.errors import RuleViolation

POLICY = default_settlement_policy()
ALLOWED = {(a, b) for a, targets in MOVES.items() for b in targets}
PAIRS = [(a, b) for a in OfferStatus for b in OfferStatus]


@pytest.mark.parametrize(("current", "to"), [p for p in PAIRS if p in ALLOWED])
def test_listed_moves_are_allowed(current: OfferStatus, to: OfferStatus) -> None:
    check_move(current, to)


@pytest.mark.parametrize(("current", "to"), [p for p in PAIRS if p not in ALLOWED])
def test_every_other_move_is_refused(current: OfferStatus, to: OfferStatus) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_move(current, to)
    assert refused.value.rule == "settlement.transition"


def test_the_happy_path_and_the_final_states() -> None:
    path = ["drafted", "approved", "presented", "accepted", "fulfilled"]
    for a, b in itertools.pairwise(path):
        check_move(OfferStatus(a), OfferStatus(b))
    assert {s.value for s in FINAL} == {
        "rejected", "declined", "expired", "withdrawn", "fulfilled", "broken",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("discount", "role"),
    [("0", "agent"), ("0.10", "agent"), ("0.100001", "supervisor"), ("0.30", "supervisor"),
     ("0.31", "manager"), ("1", "manager")],
)  # fmt: skip
def test_the_least_senior_role_that_may_approve(discount: str, role: str) -> None:
    assert required_role(POLICY, Decimal(discount)) == role


def test_authority_by_role_and_alias() -> None:
    assert authority_of(POLICY, "agent") == Decimal("0.10")
    assert authority_of(POLICY, "admin") == Decimal(1)  # admin counts as manager
    assert authority_of(POLICY, "agency") == Decimal(0)  # not a role of the policy
    assert within_authority(POLICY, role="supervisor", discount=Decimal("0.3"))


def test_approving_beyond_authority_says_who_can() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_authority(POLICY, role="agent", discount=Decimal("0.25"))
    assert refused.value.rule == "settlement.authority"
    assert str(refused.value) == (
        "25% off is beyond the authority of a agent (10%); a supervisor must approve it"
    )
