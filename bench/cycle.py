"""Benchmark of the daily cycle (frame build → decisions → rows written; nothing is sent).

    python -m bench.cycle parquet --snapshot DIR [--partition N] [--out DIR]
    python -m bench.cycle parquet --accounts 10000000 [--seed S]      (generates the snapshot)
    python -m bench.cycle database --database-url URL [--as-of DATE] [--partition N]
    python -m bench.cycle export --database-url URL --out DIR [--as-of DATE]

``parquet`` decides a snapshot with the Polars engine (``services.cycle_snapshot``) and writes
the run as Parquet; ``database`` runs ``arrears cycle`` on a database (frames read from its
tables, decisions, actions and items written back), first removing an earlier run of the
same date so it can be repeated; ``export`` times ``arrears snapshot export``. Each prints
wall time, the process's CPU time (all threads), accounts per second and the peak resident
memory of the measured step.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import polars as pl

if TYPE_CHECKING:
    from arrears.bootstrap import Container

T = TypeVar("T")


@dataclass(frozen=True)
class Measured:
    wall: float
    cpu: float
    peak_gb: float


def measure(step: Callable[[], T]) -> tuple[T, Measured]:
    """Run ``step`` once: wall and CPU seconds, and the peak RSS reached while it ran."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    cpu, wall = time.process_time(), time.perf_counter()
    result = step()
    return result, Measured(time.perf_counter() - wall, time.process_time() - cpu, _peak_gb())


def report(label: str, accounts: int, measured: Measured) -> None:
    print(
        f"{label}: {accounts:,} accounts in {measured.wall:.1f} s wall "
        f"({accounts / measured.wall:,.0f} accounts/s), {measured.cpu:.1f} s CPU, "
        f"peak RSS {measured.peak_gb:.2f} GB",
        flush=True,
    )


def _peak_gb() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024**2
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"Python {platform.python_version()}, Polars {pl.__version__}, {platform.machine()}, "
        f"{len(os.sched_getaffinity(0))} CPUs, load average {load}"
    )


def run_parquet(args: argparse.Namespace) -> None:
    from arrears.adapters.snapshot import DecisionsWriter, SnapshotReader
    from arrears.domain.clock import FixedClock
    from arrears.services.cycle_snapshot import SnapshotCycleSettings, decide_snapshot
    from bench.snapshot import Shape, generate

    snapshot = args.snapshot
    if snapshot is None:
        snapshot = Path(tempfile.mkdtemp(prefix="arrears-snapshot-")) / "snapshot"
        started = time.perf_counter()
        generate(Shape(args.accounts, seed=args.seed), snapshot)
        print(f"generated {args.accounts:,} accounts in {time.perf_counter() - started:.1f} s")
    source = SnapshotReader(snapshot)
    out = args.out or Path(tempfile.mkdtemp(prefix="arrears-decisions-")) / "run"
    shutil.rmtree(out, ignore_errors=True)
    clock = FixedClock.on(source.manifest.as_of, hour=6)
    settings = SnapshotCycleSettings(partition_accounts=args.partition)
    run, measured = measure(
        lambda: decide_snapshot(
            source=source, sink=DecisionsWriter(out), clock=clock, settings=settings
        )
    )
    report(f"Polars engine, snapshot {snapshot}, partitions of {args.partition:,}",
           source.manifest.accounts, measured)  # fmt: skip
    print(f"  {run.partitions} partitions; rows written: {run.rows}")
    if args.out is None:
        shutil.rmtree(out.parent, ignore_errors=True)


def run_database(args: argparse.Namespace) -> None:
    from arrears.services.cycle import run_cycle

    container = _container(args)
    _forget_run(container, args.as_of)
    settings = container.cycle_settings
    run, measured = measure(
        lambda: run_cycle(
            as_of=args.as_of, uow_factory=container.uow, clock=container.clock, settings=settings
        )
    )
    accounts = sum(run.accounts_by_bucket.values())
    report(f"database engine, {args.database_url.split('@')[-1]}, partitions of "
           f"{settings.partition_loans:,}", accounts, measured)  # fmt: skip
    print(f"  {run.partitions_run} partitions; actions: {sum(run.actions_by_treatment.values()):,}")


def run_export(args: argparse.Namespace) -> None:
    from arrears.adapters.snapshot import SnapshotWriter
    from arrears.services.snapshot_export import export_snapshot

    container = _container(args)
    shutil.rmtree(args.out, ignore_errors=True)
    manifest, measured = measure(
        lambda: export_snapshot(
            as_of=args.as_of,
            uow_factory=container.uow,
            clock=container.clock,
            settings=container.cycle_settings,
            sink=SnapshotWriter(args.out),
        )
    )
    report(f"snapshot export from {args.database_url.split('@')[-1]}", manifest.accounts, measured)


def _container(args: argparse.Namespace) -> Container:
    """The benchmark database, with the clock at the evening of the as-of date."""
    from arrears.bootstrap import build
    from arrears.config import Settings
    from arrears.domain.clock import FixedClock

    settings = Settings(
        data_dir=args.data_dir, database_url=args.database_url, partition_loans=args.partition
    )
    return build(settings, clock=FixedClock.on(args.as_of, hour=22), create_keys=True)


def _forget_run(container: Container, as_of: date) -> None:
    """Remove an earlier benchmark run of ``as_of`` (its decisions, items and actions)."""
    from sqlalchemy import text

    with container.engine.begin() as connection:
        run = connection.execute(
            text("SELECT id FROM cycle_runs WHERE as_of = :d"), {"d": as_of}
        ).scalar_one_or_none()
        if run is None:
            return
        for table in ("decision_items", "decisions", "actions", "cycle_partitions"):
            connection.execute(text(f"DELETE FROM {table} WHERE run_id = :r"), {"r": run})
        connection.execute(text("DELETE FROM cycle_runs WHERE id = :r"), {"r": run})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    parquet = commands.add_parser("parquet")
    parquet.add_argument("--snapshot", type=Path)
    parquet.add_argument("--accounts", type=int, default=1_000_000)
    parquet.add_argument("--seed", type=int, default=11)
    parquet.add_argument("--partition", type=int, default=500_000)
    parquet.add_argument("--out", type=Path)
    for name in ("database", "export"):
        sub = commands.add_parser(name)
        sub.add_argument("--database-url", required=True)
        sub.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 27))
        sub.add_argument("--partition", type=int, default=50_000)
        sub.add_argument("--data-dir", type=Path, default=Path("/tmp/arrears-bench-data"))
        if name == "export":
            sub.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(machine())
    {"parquet": run_parquet, "database": run_database, "export": run_export}[args.command](args)


if __name__ == "__main__":
    main()
