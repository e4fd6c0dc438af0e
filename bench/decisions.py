"""Benchmark of the strategy step of the daily cycle: segments, experiment arms, candidates.

    python -m bench.decisions [--accounts N ...] [--seed S]

Synthesises a seeded FEATURES frame (a portfolio in collections: 35% current, 30% 1–29 DPD,
19% 30–89, 6% 90–179, 3% 180+ and 7% charged off; four products; realistic contact points,
consents, collateral, scores, promises and plans) and a HISTORY of what was decided earlier in
each episode, with NumPy, then times the default strategy over it: ``assign_segments``,
``assign_arms`` (only for accounts in an experiment's segments, as the cycle calls it) and
``candidate_treatments``. Prints wall time, accounts per second and peak resident memory.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import platform
import resource
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

from arrears.batch.decisions import (
    FEATURES,
    HISTORY,
    assign_arms,
    assign_segments,
    candidate_treatments,
)
from arrears.batch.decisions.arms import assignment_points
from arrears.domain.geo import STATES_AND_DC
from arrears.strategy.check import default_strategy

T = TypeVar("T")
AS_OF = date(2026, 6, 30)
_PRODUCTS = np.array(["personal", "card", "auto", "mortgage"])
_PROMISES = ["none", "active", "kept", "broken"]
_PLANS = ["none", "active", "completed", "defaulted"]
_STAGES = np.array([0.35, 0.30, 0.12, 0.07, 0.06, 0.03, 0.07])  # current … 180+, charged off
_STAGE_DPD = [(0, 0), (1, 29), (30, 59), (60, 89), (90, 179), (180, 360), (180, 900)]
_FIRST_DAY = {  # when the default strategy first decides each treatment in an episode
    "validation_notice": 3,
    "reminder_sms": 3,
    "reminder_email": 5,
    "agent_call": 7,
    "reminder_letter": 10,
    "early_intervention_call": 20,
    "missed_payment_letter": 30,
    "payment_plan_offer": 30,
    "credit_bureau_update": 30,
    "early_intervention_notice": 36,
    "settlement_offer": 60,
    "repossession_review": 60,
    "hardship_review": 90,
    "agency_placement_review": 120,
    "charge_off_review": 120,
    "foreclosure_review": 121,
    "legal_referral_review": 150,
}
_DECIDED = 0.9  # share of accounts past a treatment's first day that already had it
_ONLY_FOR = {  # treatments the default strategy decides for some products only
    "early_intervention_call": ["mortgage"],
    "early_intervention_notice": ["mortgage"],
    "hardship_review": ["mortgage"],
    "foreclosure_review": ["mortgage"],
    "repossession_review": ["auto"],
    "agency_placement_review": ["personal", "auto", "card"],
    "charge_off_review": ["personal", "auto"],
    "legal_referral_review": ["personal", "auto", "card"],
}


def features(accounts: int, rng: np.random.Generator) -> pl.DataFrame:
    """A FEATURES frame of ``accounts`` accounts."""
    stage = rng.choice(len(_STAGES), size=accounts, p=_STAGES)
    low = np.array([s[0] for s in _STAGE_DPD])[stage]
    high = np.array([s[1] for s in _STAGE_DPD])[stage]
    dpd = rng.integers(low, high + 1, dtype=np.int32)
    product = rng.choice(4, size=accounts, p=[0.35, 0.35, 0.2, 0.1])
    scale = np.array([4_000_00, 2_500_00, 15_000_00, 180_000_00])[product]
    balance = (rng.lognormal(0.0, 0.6, accounts) * scale).astype(np.int64)
    secured = product >= 2
    mobile = rng.random(accounts) < 0.85
    states = np.array(sorted(STATES_AND_DC))
    episode = np.datetime64(AS_OF, "D") - dpd.astype("timedelta64[D]")
    contacted = rng.random(accounts) < 0.7
    return pl.DataFrame(
        {
            "loan_id": np.arange(1, accounts + 1, dtype=np.int64) * 7 + 1_000_000,
            "product": _PRODUCTS[product],
            "contract_state": states[rng.integers(0, states.size, accounts)],
            "borrower_state": states[rng.integers(0, states.size, accounts)],
            "dpd": dpd,
            "bucket": pl.Series(dpd).cut([0, 29, 59, 89, 119, 149, 179]).cast(pl.String),
            "balance_minor": balance,
            "past_due_minor": np.minimum(balance, dpd.astype(np.int64) * 1_000),
            "charged_off": stage == 6,
            "days_since_contact": pl.Series(rng.integers(0, 60, accounts, dtype=np.int32))
            .scatter(np.flatnonzero(~contacted), None),
            "has_mobile": mobile,
            "sms_consent": mobile & (rng.random(accounts) < 0.6),
            "has_email": rng.random(accounts) < 0.7,
            "has_phone": rng.random(accounts) < 0.95,
            "has_postal_address": rng.random(accounts) < 0.98,
            "collateral": pl.Series(np.where(product == 2, "vehicle", "property"))
            .scatter(np.flatnonzero(~secured), None),
            "ltv_bp": pl.Series(rng.normal(9_500, 3_000, accounts).clip(1_000).astype(np.int32))
            .scatter(np.flatnonzero(~secured), None),
            "score": pl.Series(rng.random(accounts)).scatter(
                np.flatnonzero(rng.random(accounts) < 0.3), None
            ),
            "promise": rng.choice(_PROMISES, accounts, p=[0.85, 0.05, 0.04, 0.06]),
            "plan": rng.choice(_PLANS, accounts, p=[0.9, 0.05, 0.02, 0.03]),
            "episode_start": pl.Series(episode).cast(pl.Date).scatter(np.flatnonzero(dpd == 0), None),  # noqa: E501
            "validation_sent": (dpd > 10) & (rng.random(accounts) < 0.9),
        },
        schema_overrides=dict(FEATURES),
    )  # fmt: skip


def history(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """What was decided earlier in each episode: most treatments whose first day has passed
    (for the products the default strategy decides them for)."""
    dpd = frame["dpd"].to_numpy()
    loan_ids = frame["loan_id"].to_numpy()
    product = frame["product"].to_numpy()
    parts = []
    for treatment, first_day in _FIRST_DAY.items():
        eligible = np.isin(product, _ONLY_FOR.get(treatment, _PRODUCTS))
        chosen = np.flatnonzero(eligible & (dpd > first_day) & (rng.random(dpd.size) < _DECIDED))
        back = rng.integers(0, np.minimum(dpd[chosen] - first_day, 30)) + 1
        parts.append(
            pl.DataFrame(
                {
                    "loan_id": loan_ids[chosen],
                    "treatment": treatment,
                    "last_on": np.datetime64(AS_OF, "D") - back.astype("timedelta64[D]"),
                    "times": rng.integers(1, 4, chosen.size, dtype=np.int32),
                },
                schema_overrides=dict(HISTORY),
            )
        )
    return pl.concat(parts).sort("loan_id")


def timed(name: str, accounts: int, run: Callable[[], T]) -> T:
    """Run a step once; print its time, throughput, and peak RSS (and the RSS it started at)."""
    gc.collect()
    _reset_peak_rss()
    resident = _status_gb("VmRSS:")
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    print(
        f"  {name:<22} {seconds:7.2f} s {accounts / seconds:>14,.0f} accounts/s"
        f"  peak RSS {_status_gb('VmHWM:'):5.2f} GB (from {resident:4.2f} GB)",
        flush=True,
    )
    return result


def _reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _status_gb(field: str) -> float:
    """A memory figure of this process from /proc (the peak so far where /proc is missing)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024**2
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def run(accounts: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    strategy = default_strategy()
    build_start = time.perf_counter()
    frame = features(accounts, rng)
    past = history(frame, rng)
    built = time.perf_counter() - build_start
    print(f"{accounts:,} accounts, {past.height:,} history rows (synthesised in {built:.1f} s)")
    total = time.perf_counter()
    segments = timed("assign_segments", accounts, lambda: assign_segments(frame, strategy))
    arms = timed("assign_arms", accounts, lambda: assign_arms(frame, strategy, segments=segments))
    candidates = timed(
        "candidate_treatments",
        accounts,
        lambda: candidate_treatments(frame, segments, arms, past, strategy, as_of=AS_OF),
    )
    seconds = time.perf_counter() - total
    print(
        f"  {'total':<22} {seconds:7.2f} s {accounts / seconds:>14,.0f} accounts/s"
        f"  ({arms.height:,} arms, {candidates.height:,} candidates,"
        f" {candidates['missing'].is_not_null().sum():,} missing a requirement)"
    )
    ids = frame["loan_id"].head(1_000_000)
    timed(f"sha256 of {ids.len():,} ids", ids.len(), lambda: assignment_points("x", ids))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, Polars {pl.__version__}, "
        f"{platform.machine()}, {_cpus()} CPUs; as of {AS_OF}, seed {args.seed}"
    )
    for accounts in args.accounts:
        run(accounts, args.seed)
        gc.collect()


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
