"""Benchmark of the daily analytics report on a synthetic portfolio read from Parquet.

    python -m bench.report [--accounts N] [--partition M] [--seed S] [--dir DIR] [--no-goals]
                           [--keep]

Synthesises, partition by partition, an ``arrears export parquet`` directory for N accounts
with NumPy (seeded): loans of 12–72 months with prompt, late and defaulting payers, their
payments, late fees and charge-offs (``bench.delinquency``'s generator), decisions of an
early-stage champion/challenger experiment with recorded assignment probabilities, actions
(messages, calls assigned to agents, reviews) over the last 60 days, and three goals. Then, in
a fresh process, times ``services.analytics.compute_report`` over it — every metric, the goals'
30 daily points and the experiment outcomes — and prints wall time, CPU time and the peak
resident memory of that process (and its resident memory after each partition). ``--keep``
reuses a directory synthesised before.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl

from arrears.adapters.reports.parquet_store import ParquetFrameSink, ParquetUnitOfWork
from arrears.analytics.goals import goals_frame, parse_goals
from arrears.analytics.inputs import ACTIONS, ADJUSTMENTS, DECISIONS, EXPERIMENT_ARMS
from arrears.batch.frames import INSTALLMENTS
from arrears.batch.schedules import level_schedules
from arrears.domain.allocation import DEFAULT_POLICY
from arrears.domain.clock import FixedClock
from arrears.domain.delinquency import DEFAULT_BUCKETS
from bench.delinquency import AS_OF, synth_behaviour, synth_events, synth_loans

GOALS = """
[[goal]]
id = "early-cures"
metric = "cure_rate"
segment = "bucket:1-29"
target = 0.5
deadline = 2025-12-31
owner = "Early-stage team"

[[goal]]
id = "delinquency-down"
metric = "delinquency_rate"
target = 0.03
deadline = 2025-12-31
owner = "Collections director"

[[goal]]
id = "collect-more"
metric = "collected_minor"
target = 100000000000
deadline = 2025-09-30
owner = "Recovery team"
"""
ARMS = (
    ("champion", "champion", 0.50),
    ("sms_day_1", "challenger", 0.45),
    ("holdout", "holdout", 0.05),
)
TREATMENTS = (
    "reminder_sms",
    "reminder_email",
    "agent_call",
    "reminder_letter",
    "missed_payment_letter",
    "settlement_offer",
    "credit_bureau_update",
)
KINDS = ("message", "message", "call_task", "message", "message", "review", "bureau")
CATEGORIES = (
    "contact",
    "contact",
    "contact",
    "contact",
    "contact",
    "settlement",
    "credit_reporting",
)


def synthesise(directory: Path, *, accounts: int, partition: int, seed: int) -> None:
    """Write the export directory, one partition at a time (memory stays per partition)."""
    sink = ParquetFrameSink(directory)
    parts = range(0, accounts, partition)
    for number, start in enumerate(parts):
        count = min(partition, accounts - start)
        rng = np.random.default_rng([seed, number])
        for name, frame in _partition(count, offset=start, rng=rng).items():
            sink.write(name, number, frame)
        print(f"  partition {number + 1}/{len(parts)} written", end="\r", flush=True)
    sink.write(
        "experiment_arms",
        None,
        pl.DataFrame(
            [
                {
                    "experiment": "early_sms_day_1",
                    "segment": "early_stage",
                    "arm": arm,
                    "role": role,
                }
                for arm, role, _ in ARMS
            ],
            schema=EXPERIMENT_ARMS,
        ),
    )
    goals = parse_goals(GOALS, source="bench", bucket_names=DEFAULT_BUCKETS.names)
    sink.write("goals", None, goals_frame(goals))
    sink.finish({"partitions": len(parts), "currencies": {"USD": accounts}, "sources": []})
    print()


def _partition(count: int, *, offset: int, rng: np.random.Generator) -> dict[str, pl.DataFrame]:
    loans = synth_loans(count, rng)
    installments = level_schedules(loans).select(INSTALLMENTS.names())
    payments, charges, loans = synth_events(loans, installments, synth_behaviour(count, rng), rng)
    shift = pl.col("loan_id") + offset
    loans = loans.with_columns(
        shift,
        pl.lit("generated").alias("schedule_source"),
        pl.Series("product", rng.choice(["personal", "auto", "card", "mortgage"], count)),
        pl.lit(None, dtype=pl.Int64).alias("charge_off_amount_minor"),
        pl.lit("active").alias("status"),
    )
    return {
        "loans": loans,
        "installments": pl.DataFrame(schema=INSTALLMENTS),
        "charges": charges.with_columns(shift),
        "payments": payments.with_columns(shift),
        "adjustments": pl.DataFrame(schema=ADJUSTMENTS),
        "decisions": _decisions(count, offset, rng),
        "actions": _actions(count, offset, rng),
    }


def _decisions(count: int, offset: int, rng: np.random.Generator) -> pl.DataFrame:
    """8% of accounts spend 1–20 consecutive days in the experiment's segment, entering in the
    last 75 days; each decision carries the arm and its share."""
    entrants = rng.choice(count, size=count * 8 // 100, replace=False) + 1 + offset
    days = rng.integers(1, 21, entrants.size)
    first = rng.integers(1, 76, entrants.size)
    arm = rng.choice(len(ARMS), entrants.size, p=[share for *_, share in ARMS])
    rows = np.repeat(np.arange(entrants.size), days)
    step = np.arange(rows.size) - np.repeat(np.cumsum(days) - days, days)
    back = np.maximum(first[rows] - step, 0)
    return pl.DataFrame(
        {
            "loan_id": entrants[rows],
            "as_of": pl.Series(np.datetime64(AS_OF) - back.astype("timedelta64[D]")),
            "segment": "early_stage",
            "experiment": "early_sms_day_1",
            "arm": np.array([a for a, *_ in ARMS])[arm[rows]],
            "arm_probability": np.array([s for *_, s in ARMS])[arm[rows]],
        }
    ).cast(dict(DECISIONS))  # type: ignore[arg-type]


def _actions(count: int, offset: int, rng: np.random.Generator) -> pl.DataFrame:
    """15% of accounts get 1–8 actions in the last 60 days; calls go to one of 40 agents."""
    worked = rng.choice(count, size=count * 15 // 100, replace=False) + 1 + offset
    per = rng.integers(1, 9, worked.size)
    loan = np.repeat(worked, per)
    kind = rng.integers(0, len(TREATMENTS), loan.size)
    agents = np.array([f"agent-{n:02d}" for n in range(40)])
    assigned = pl.Series(agents[rng.integers(0, 40, loan.size)]).set(
        pl.Series(kind != 2),
        None,
    )
    return pl.DataFrame(
        {
            "loan_id": loan,
            "treatment": np.array(TREATMENTS)[kind],
            "kind": np.array(KINDS)[kind],
            "category": np.array(CATEGORIES)[kind],
            "status": rng.choice(["pending", "done", "cancelled"], loan.size, p=[0.6, 0.38, 0.02]),
            "due_on": pl.Series(
                np.datetime64(AS_OF) - rng.integers(0, 60, loan.size).astype("timedelta64[D]")
            ),
            "assigned_to": assigned,
        }
    ).cast(dict(ACTIONS))  # type: ignore[arg-type]


class _MemoryProgress:
    """Prints the resident memory after each partition: flat when nothing outlives one."""

    def start(self, label: str, unit: str = "rows") -> None:
        self.done, self.started = 0, time.perf_counter()

    def advance(self, rows: int) -> None:
        self.done += rows
        resident = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        print(
            f"  partition {self.done}: RSS {resident / 1e9:.2f} GB, "
            f"{time.perf_counter() - self.started:.0f} s",
            flush=True,
        )

    def finish(self) -> None:
        return None


def time_report(directory: Path, *, goals: bool) -> None:
    """Compute the report from ``directory`` and print its timings (run in a fresh process)."""
    from arrears.services.analytics import ReportSettings, compute_report

    start, cpu = time.perf_counter(), time.process_time()
    report = compute_report(
        lambda: ParquetUnitOfWork(directory),
        as_of=AS_OF,
        clock=FixedClock.on(AS_OF + timedelta(days=1)),
        settings=ReportSettings(buckets=DEFAULT_BUCKETS, policy=DEFAULT_POLICY),
        goals=None if goals else [],
        progress_to=_MemoryProgress(),
    )
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    arms = report.table("experiment_arms").records()
    print(
        f"report as of {AS_OF}: {report.accounts:,} accounts, {len(report.sections)} sections, "
        f"{len(report.goals)} goals, {sum(int(str(a['accounts'])) for a in arms):,} experiment "
        f"accounts\n  wall {seconds:.1f} s, cpu {cpu_seconds:.1f} s, peak RSS {peak:.2f} GB, "
        f"{report.accounts / seconds:,.0f} accounts/s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000_000)
    parser.add_argument("--partition", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=20250630)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/arrears-bench-report"))
    parser.add_argument("--no-goals", action="store_true", help="Skip the goals' daily series.")
    parser.add_argument("--keep", action="store_true", help="Reuse an existing directory.")
    parser.add_argument("--time-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time_only:
        time_report(args.dir, goals=not args.no_goals)
        return
    print(
        f"arrears report benchmark: {args.accounts:,} accounts, partitions of "
        f"{args.partition:,}, seed {args.seed}, as of {AS_OF}"
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, polars {pl.__version__}")
    if not (args.keep and (args.dir / "meta.json").exists()):
        shutil.rmtree(args.dir, ignore_errors=True)
        started = time.perf_counter()
        synthesise(args.dir, accounts=args.accounts, partition=args.partition, seed=args.seed)
        size = sum(p.stat().st_size for p in args.dir.rglob("*.parquet")) / 1e9
        print(f"synthesised in {time.perf_counter() - started:.1f} s ({size:.2f} GB of Parquet)")
    command = [sys.executable, "-m", "bench.report", "--time-only", "--dir", str(args.dir)]
    subprocess.run([*command, *(["--no-goals"] if args.no_goals else [])], check=True)


if __name__ == "__main__":
    main()
