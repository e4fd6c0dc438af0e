"""Scoring benchmark: chance of paying, expected recovery and reason codes for every account.

    python -m bench.scoring --accounts 10000000

Synthesises ``SCORING_INPUTS`` for the accounts (seeded), builds a model with the real design
(seeded random coefficients, two horizons, every catalogue treatment), and times
``score_accounts`` — design matrix, two two-stage horizons, reason codes — over all of them,
then the values of two treatments for a million accounts (``expected_collections``).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from datetime import date

import numpy as np
import polars as pl

from arrears.batch.scoring.apply import expected_collections, score_accounts
from arrears.batch.scoring.inputs import COLUMNS, EFFECT_TERMS, GROUPS, SCORING_INPUTS
from arrears.batch.scoring.model import Head, Horizon, RecoveryModel
from arrears.strategy.catalogue import default_catalogue


def inputs(rows: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)

    def maybe(values: np.ndarray, share: float) -> pl.Series:
        return pl.Series(values).set(pl.Series(rng.random(rows) < share), None)

    balance = rng.lognormal(8, 1.2, rows).astype(np.int64)
    frame = pl.DataFrame(
        {
            "loan_id": np.arange(1, rows + 1),
            "product": rng.choice(["personal", "auto", "mortgage", "card"], rows),
            "dpd": rng.integers(0, 400, rows, dtype=np.int32),
            "balance_minor": balance,
            "past_due_minor": (balance * rng.random(rows)).astype(np.int64),
            "charged_off": rng.random(rows) < 0.07,
            "days_since_contact": maybe(rng.integers(0, 90, rows, dtype=np.int32), 0.4),
            "days_since_conversation": maybe(rng.integers(0, 30, rows, dtype=np.int32), 0.8),
            "days_since_payment": maybe(rng.integers(0, 365, rows, dtype=np.int32), 0.3),
            "paid_90d_minor": (balance * rng.random(rows) * 0.2).astype(np.int64),
            "has_mobile": rng.random(rows) < 0.8,
            "sms_consent": rng.random(rows) < 0.6,
            "has_email": rng.random(rows) < 0.7,
            "has_phone": rng.random(rows) < 0.9,
            "ltv_bp": maybe(rng.integers(3_000, 16_000, rows, dtype=np.int32), 0.6),
            "promise": rng.choice(["none", "active", "kept", "broken"], rows),
            "plan": rng.choice(["none", "active", "completed", "defaulted"], rows),
        }
    )
    return frame.cast(dict(SCORING_INPUTS))  # type: ignore[arg-type]


def model(seed: int) -> RecoveryModel:
    rng = np.random.default_rng(seed)
    treatments = tuple(default_catalogue())

    def head() -> Head:
        return Head(
            rng.normal(0, 0.5, len(COLUMNS)),
            rng.normal(0, 0.3, len(treatments)),
            rng.normal(0, 0.1, (len(treatments), len(EFFECT_TERMS))),
        )

    return RecoveryModel(
        name="bench", columns=COLUMNS, groups=GROUPS, effect_terms=EFFECT_TERMS,
        treatments=treatments, horizons=(Horizon(30, head(), head()), Horizon(90, head(), head())),
        means=np.full(len(COLUMNS), 0.3), trained_from=date(2026, 1, 1),
        trained_to=date(2026, 6, 30), rows=0,
    ).sealed()  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cores = os.cpu_count()
    print(f"machine: {platform.machine()} {cores} cores, Python {platform.python_version()}")
    t0 = time.perf_counter()
    frame = inputs(args.accounts, args.seed)
    scorer = model(args.seed)
    print(f"inputs for {args.accounts:,} accounts built in {time.perf_counter() - t0:.1f} s")
    t1, c1 = time.perf_counter(), time.process_time()
    scores = score_accounts(scorer, frame)
    elapsed, cpu = time.perf_counter() - t1, time.process_time() - c1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"scored {scores.height:,} accounts (2 horizons × 2 stages + reason codes) in "
        f"{elapsed:.1f} s wall, {cpu:.1f} s CPU ({args.accounts / elapsed:,.0f} accounts/s); "
        f"peak {peak:.2f} GiB; load average {os.getloadavg()[0]:.1f}"
    )
    part = frame.head(1_000_000)
    t2 = time.perf_counter()
    expected_collections(scorer, part, [None, "agent_call", "settlement_offer"], days=90)
    print(
        f"expected collections under 3 choices for {part.height:,} accounts in "
        f"{time.perf_counter() - t2:.1f} s"
    )


if __name__ == "__main__":
    main()
