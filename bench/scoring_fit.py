"""Training benchmark: how long the recovery model's fits take, and why they use one BLAS thread.

    python -m bench.scoring_fit --accounts 500 --days 150 --seed 21

1. Simulates an exploration run (``--accounts`` for ``--days``), then times ``train_model`` on
   its history: two horizons × five folds × two stages, twenty logistic fits.
2. Times one L2 logistic fit (scikit-learn, L-BFGS) on a synthetic design of ``--rows`` ×
   ``--columns`` with OpenBLAS's own thread count and with one thread, ``--repeats`` times each;
   the time per iteration is what the thread count changes (the fits of step 1 take 125–220
   iterations, this one a dozen).
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from arrears.batch.scoring.train import train_model
from arrears.services.simulate import DEFAULT_START, open_book, run_policy
from arrears.services.simulate_day import Policy
from arrears.strategy.check import default_strategy


def _clock() -> tuple[float, float]:
    times = os.times()
    return time.perf_counter(), times.user + times.system


def time_training(accounts: int, days: int, seed: int) -> None:
    policy = Policy("explore", default_strategy(), explore=True)
    opening = open_book(accounts=accounts, seed=seed, start=DEFAULT_START)
    run = run_policy(policy, opening=opening, seed=seed, days=days, horizons=(30, 60))
    assert run.training is not None
    wall, cpu = _clock()
    train_model(run.training, horizons=(30, 60), seed=seed)
    wall_end, cpu_end = _clock()
    print(f"train_model on {run.training.height:,} rows: {wall_end - wall:.2f} s wall, "
          f"{cpu_end - cpu:.2f} s CPU")  # fmt: skip


def time_one_fit(rows: int, columns: int, repeats: int) -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    x = rng.standard_normal((rows, columns))
    labels = (rng.random(rows) < 1 / (1 + np.exp(-x @ rng.normal(0, 0.3, columns)))).astype(float)
    default = max((pool["num_threads"] for pool in threadpool_info()
                   if pool["user_api"] == "blas"), default=1)  # fmt: skip
    for threads in (default, 1):
        with threadpool_limits(limits=threads, user_api="blas"):
            for _ in range(repeats):
                model = LogisticRegression(fit_intercept=False, max_iter=1_000, tol=1e-5)
                wall, cpu = _clock()
                model.fit(x, labels)
                wall_end, cpu_end = _clock()
                steps = int(model.n_iter_[0])
                print(f"one fit {rows:,} × {columns}, {threads} BLAS thread(s): "
                      f"{wall_end - wall:.3f} s wall, {cpu_end - cpu:.3f} s CPU, {steps} "
                      f"iterations, {(wall_end - wall) / steps * 1e3:.2f} ms each")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--days", type=int, default=150)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--columns", type=int, default=70)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.node()}: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    time_one_fit(args.rows, args.columns, args.repeats)
    time_training(args.accounts, args.days, args.seed)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
