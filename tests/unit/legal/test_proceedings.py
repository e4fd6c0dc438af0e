"""Each proceeding follows its state machine; every move not allowed is refused."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from arrears.domain.legal.cases import DateKind, Judgment
from arrears.domain.legal.deadlines import deadline_after
from arrears.domain.legal.policy import default_legal_policy
from arrears.domain.legal.proceedings import (
    ACTIVE,
    TERMINAL,
    ProceedingKind,
    ProceedingStatus,
    check_move,
    moves,
)
from arrears.errors import RuleViolation

P = ProceedingStatus
CASES = [(k, a, b) for k in ProceedingKind for a in ProceedingStatus for b in ProceedingStatus]


def allowed(kind: ProceedingKind, a: ProceedingStatus, b: ProceedingStatus) -> bool:
    return b in moves(kind).get(a, frozenset())


@pytest.mark.parametrize(("kind", "current", "to"), [c for c in CASES if not allowed(*c)])
def test_every_move_not_allowed_is_refused(
    kind: ProceedingKind, current: ProceedingStatus, to: ProceedingStatus
) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_move(kind, current, to)
    assert refused.value.rule == "legal.transition"


def test_a_suit_goes_from_referral_through_a_demand_to_judgment_and_enforcement() -> None:
    path = [P.REFERRED, P.DEMAND_SENT, P.FILED, P.SERVED, P.JUDGMENT, P.ENFORCEMENT, P.SATISFIED]
    for a, b in itertools.pairwise(path):
        check_move(ProceedingKind.SUIT, a, b)
    with pytest.raises(RuleViolation, match="from referred it can go to closed, demand_sent"):
        check_move(ProceedingKind.SUIT, P.REFERRED, P.FILED)


@pytest.mark.parametrize("kind", [ProceedingKind.GARNISHMENT, ProceedingKind.LIEN,
                                  ProceedingKind.LEVY])  # fmt: skip
def test_enforcement_needs_no_demand_and_reaches_enforcement_after_service(
    kind: ProceedingKind,
) -> None:
    for a, b in [(P.REFERRED, P.FILED), (P.FILED, P.SERVED), (P.SERVED, P.ENFORCEMENT)]:
        check_move(kind, a, b)
    assert not allowed(kind, P.SERVED, P.JUDGMENT)
    assert not allowed(kind, P.REFERRED, P.DEMAND_SENT)


def test_finished_proceedings_cannot_move() -> None:
    assert {P.SATISFIED, P.DISMISSED, P.CLOSED} == TERMINAL
    assert P.REFERRED in ACTIVE
    assert P.CLOSED not in ACTIVE
    for kind in ProceedingKind:
        for state in TERMINAL:
            assert state not in moves(kind)


def test_a_judgment_has_an_amount_and_a_rate_below_one() -> None:
    with pytest.raises(ValueError, match="positive amount"):
        Judgment(0, date(2026, 1, 1), Decimal("0.09"))
    with pytest.raises(ValueError, match="annual fraction"):
        Judgment(100, date(2026, 1, 1), Decimal("1.5"))


def test_deadlines_follow_the_moves() -> None:
    """Policy: 30 days to respond to a demand, serve within 90 days, answer within 21."""
    policy = default_legal_policy()
    day = date(2026, 11, 27)
    assert deadline_after(P.DEMAND_SENT, on=day, policy=policy) == (DateKind.RESPOND_BY,
                                                                    date(2026, 12, 27))  # fmt: skip
    assert deadline_after(P.FILED, on=day, policy=policy) == (DateKind.SERVE_BY, date(2027, 2, 25))
    assert deadline_after(P.SERVED, on=day, policy=policy) == (DateKind.ANSWER_BY,
                                                               date(2026, 12, 18))  # fmt: skip
    assert deadline_after(P.JUDGMENT, on=day, policy=policy) is None
