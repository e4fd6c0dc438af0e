"""Experiment assignment: a stable SHA-256 point per account, cut into arms by exact shares."""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal

import polars as pl
import pytest

from arrears.batch.decisions import ARMS, assign_arms, assign_segments
from arrears.batch.decisions.arms import assignment_points
from arrears.strategy.check import default_strategy
from arrears.strategy.experiments import (
    POINTS,
    ArmRole,
    arm_for,
    assignment_point,
    slices,
)
from arrears.strategy.model import Arm, Experiment
from unit.strategy.accounts import account, features

EXPERIMENT = Experiment(
    "trial",
    ("early",),
    (Arm("champion", Decimal("0.5")), Arm("fast", Decimal("0.3"), treatments=())),
    holdout=Decimal("0.2"),
)


def test_the_point_is_the_first_8_bytes_of_sha256_of_id_and_loan() -> None:
    """The documented recipe, recomputed here from hashlib, gives the same point."""
    digest = hashlib.sha256(b"early_sms_day_1:12345").digest()
    assert assignment_point("early_sms_day_1", 12345) == int.from_bytes(digest[:8], "big")


def test_known_points_never_change() -> None:
    """Pinned values: a change here would silently reshuffle every running experiment."""
    assert assignment_point("early_sms_day_1", 1) == 0x42E56BC33522AABF
    assert assignment_point("early_sms_day_1", 4) == 0xB6C4E27AFCEE6EE7


def test_slices_cut_the_range_by_exact_shares() -> None:
    """Arms in file order then the hold-out; bounds are floor(cumulative share × 2**64)."""
    parts = slices(EXPERIMENT)
    assert [(p.arm, p.role) for p in parts] == [
        ("champion", ArmRole.CHAMPION),
        ("fast", ArmRole.CHALLENGER),
        ("holdout", ArmRole.HOLDOUT),
    ]
    assert [p.upper for p in parts] == [POINTS // 2, POINTS * 8 // 10, POINTS]
    assert [p.probability for p in parts] == [0.5, 0.3, 0.2]


def test_shares_are_honoured_over_many_accounts() -> None:
    """Over 100,000 accounts each arm's share is within half a point of its target."""
    counts = Counter(arm_for(EXPERIMENT, loan).arm for loan in range(100_000))
    assert counts["champion"] / 1e5 == pytest.approx(0.5, abs=0.005)
    assert counts["fast"] / 1e5 == pytest.approx(0.3, abs=0.005)
    assert counts["holdout"] / 1e5 == pytest.approx(0.2, abs=0.005)


def test_different_experiments_assign_independently() -> None:
    """The same accounts fall into arms of two experiments without correlation."""
    other = Experiment("another", ("early",), EXPERIMENT.arms, holdout=EXPERIMENT.holdout)
    same = sum(arm_for(EXPERIMENT, loan).arm == arm_for(other, loan).arm for loan in range(20_000))
    assert same / 20_000 == pytest.approx(0.5**2 + 0.3**2 + 0.2**2, abs=0.015)


def test_vectorised_points_match_the_scalar_specification() -> None:
    """``assignment_points`` over a column equals ``assignment_point`` id by id."""
    ids = pl.Series([0, 1, 2, 99, 2**40 + 7, 9_000_000_000])
    points = assignment_points("trial", ids)
    assert [int(p) for p in points] == [assignment_point("trial", i) for i in ids]


def test_assign_arms_matches_arm_for() -> None:
    """The frame's arm and probability are the scalar arm of every account."""
    strategy = default_strategy()
    frame = features(*(account(loan_id=i, dpd=3) for i in range(1, 301)))
    arms = assign_arms(frame, strategy)
    experiment = strategy.experiments[0]
    assert arms.schema == ARMS
    assert arms["arm"].to_list() == [arm_for(experiment, i).arm for i in range(1, 301)]
    assert arms["arm_probability"].to_list() == [
        arm_for(experiment, i).probability for i in range(1, 301)
    ]


def test_segments_limit_hashing_to_the_experiments_accounts() -> None:
    """With segments given, only accounts in the experiment's segments get an arm row."""
    strategy = default_strategy()
    frame = features(account(loan_id=1, dpd=3), account(loan_id=2, dpd=45), account(loan_id=3))
    arms = assign_arms(frame, strategy, segments=assign_segments(frame, strategy))
    assert arms["loan_id"].to_list() == [1]


def test_no_experiments_give_an_empty_frame() -> None:
    """A strategy without experiments assigns nothing."""
    strategy = default_strategy()
    plain = type(strategy)(strategy.name, strategy.version, strategy.segments)
    assert assign_arms(features(account(dpd=3)), plain).height == 0
