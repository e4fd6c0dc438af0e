"""Optimiser benchmark: accounts × treatments × capacity classes, against the provable bound.

    python -m bench.optimiser --accounts 10000000 --treatments 10 --classes 5

Builds a seeded random instance (``arrears.batch.optimiser.synthetic``: every class binds),
then times the two steps a daily run does — dual prices on a sample, and their application
to every account with trim and fill — and the explanation of every decision. Prints the
objective as a share of the bound ``D(λ)``, the capacity use, the time of each step and the
peak memory of the process. ``--exact`` also solves the LP with HiGHS (small instances).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time

import numpy as np

from arrears.batch.optimiser import apply_prices, explain, solve_prices
from arrears.batch.optimiser.synthetic import random_problem


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000_000)
    parser.add_argument("--treatments", type=int, default=10)
    parser.add_argument("--classes", type=int, default=5)
    parser.add_argument("--sample", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--exact", action="store_true", help="also solve the LP with HiGHS")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    started = time.perf_counter()
    problem = random_problem(
        rows=args.accounts, treatments=args.treatments, classes=args.classes, seed=args.seed
    )
    built = time.perf_counter() - started
    print(
        f"instance: {args.accounts:,} accounts × {args.treatments} treatments × "
        f"{args.classes} classes, built in {built:.1f} s, {_peak_gib():.2f} GiB so far"
    )
    t0, c0 = time.perf_counter(), time.process_time()
    prices = solve_prices(problem, sample=args.sample, seed=args.seed)
    t1 = time.perf_counter()
    allocation = apply_prices(problem, prices)
    t2 = time.perf_counter()
    explanation = explain(problem, allocation)
    t3 = time.perf_counter()
    print(f"prices on a {min(args.sample, args.accounts):,}-account sample: {t1 - t0:.1f} s")
    print(f"applied to every account (choose, trim, fill, bound): {t2 - t1:.1f} s")
    print(f"explained every decision: {t3 - t2:.1f} s")
    print(
        f"optimiser total: {t3 - t0:.1f} s wall, {time.process_time() - c0:.1f} s CPU; "
        f"peak memory {_peak_gib():.2f} GiB; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"objective {allocation.value:,.0f}; bound {allocation.bound:,.0f}; "
        f"share of bound {100 * allocation.share_of_bound:.4f}%"
    )
    used = allocation.usage / problem.capacity
    print(
        "capacity used: "
        + ", ".join(f"{n} {100 * u:.3f}%" for n, u in zip(problem.classes, used, strict=True))
    )
    assert np.all(allocation.usage <= problem.capacity * (1 + 1e-9))
    print(f"accounts with a binding capacity: {int((explanation.binding >= 0).sum()):,}")
    if args.exact:
        from arrears.batch.optimiser.exact import solve_exact

        t4 = time.perf_counter()
        exact = solve_exact(problem)
        print(
            f"LP (HiGHS): {exact.value:,.0f} in {time.perf_counter() - t4:.1f} s; "
            f"allocation = {100 * allocation.value / exact.value:.4f}% of the LP"
        )


if __name__ == "__main__":
    main()
