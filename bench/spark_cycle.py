"""Benchmark: the cycle over one snapshot on local Spark against the Polars engine.

    python -m bench.spark_cycle --snapshot DIR [--master local[2]] [--partition N]
        [--driver-memory 6g] [--skip-polars | --skip-spark] [--conf KEY=VALUE ...]
    python -m bench.spark_cycle --accounts 10000000      (generates the snapshot first)

Both engines decide the same snapshot with the same clock and write their Parquet runs; the
runs are then compared table by table (they must be equal). Reported per engine: wall time,
accounts per second, CPU seconds and peak resident memory of the whole process tree (for Spark
the driver, its JVM and the Python workers, sampled every 0.2 s from /proc), with the JVM's own
peak beside it. Spark's figure includes starting the session, which a long-lived cluster pays
once. From Spark's event log: bytes read from Parquet, shuffled and written, per account (what
``docs/scaling.md`` sizes a cluster from).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bench.cycle import machine

T = TypeVar("T")
_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _usage(pids: list[int]) -> tuple[float, float, float]:
    """(resident GB, CPU seconds, resident GB of Java processes) summed over ``pids``."""
    rss = cpu = jvm = 0.0
    for pid in pids:
        try:
            head, tail = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        cpu += (int(fields[11]) + int(fields[12])) / _TICKS
        resident = int(fields[21]) * _PAGE / 1024**3
        rss += resident
        if head.endswith("(java"):
            jvm += resident
    return rss, cpu, jvm


@dataclass
class Sampled:
    wall: float = 0.0
    cpu: float = 0.0
    peak_gb: float = 0.0
    jvm_peak_gb: float = 0.0


def sampled(step: Callable[[], T]) -> tuple[T, Sampled]:
    """Run ``step`` while sampling this process tree's memory and CPU."""
    figures = Sampled()
    done = threading.Event()
    start_cpu = _usage(_tree(os.getpid()))[1]

    def sample() -> None:
        while not done.wait(0.2):
            rss, cpu, jvm = _usage(_tree(os.getpid()))
            figures.peak_gb = max(figures.peak_gb, rss)
            figures.jvm_peak_gb = max(figures.jvm_peak_gb, jvm)
            figures.cpu = max(figures.cpu, cpu - start_cpu)

    sampler = threading.Thread(target=sample, daemon=True)
    started = time.perf_counter()
    sampler.start()
    result = step()
    figures.wall = time.perf_counter() - started
    rss, cpu, _ = _usage(_tree(os.getpid()))
    figures.peak_gb, figures.cpu = max(figures.peak_gb, rss), max(figures.cpu, cpu - start_cpu)
    done.set()
    sampler.join()
    return result, figures


def show(label: str, accounts: int, figures: Sampled) -> None:
    print(
        f"{label}: {accounts:,} accounts in {figures.wall:.1f} s wall "
        f"({accounts / figures.wall:,.0f} accounts/s), {figures.cpu:.1f} s CPU (process tree), "
        f"peak RSS {figures.peak_gb:.2f} GB (process tree; JVM {figures.jvm_peak_gb:.2f} GB)",
        flush=True,
    )


def io_figures(event_log: Path) -> dict[str, int]:
    """Input, shuffle-write and output bytes summed over every task of the logged run."""
    totals = {"input": 0, "shuffle_write": 0, "output": 0}
    for log in (p for p in event_log.rglob("*") if p.is_file()):
        with log.open(encoding="utf-8") as lines:
            for line in lines:
                if '"SparkListenerTaskEnd"' not in line:
                    continue
                metrics = json.loads(line).get("Task Metrics") or {}
                totals["input"] += metrics.get("Input Metrics", {}).get("Bytes Read", 0)
                totals["output"] += metrics.get("Output Metrics", {}).get("Bytes Written", 0)
                shuffle = metrics.get("Shuffle Write Metrics", {})
                totals["shuffle_write"] += shuffle.get("Shuffle Bytes Written", 0)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", type=Path)
    parser.add_argument("--accounts", type=int, default=10_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partition", type=int, default=500_000)
    parser.add_argument("--driver-memory", default="6g")
    parser.add_argument("--skip-polars", action="store_true")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--conf", action="append", default=[], help="Spark setting KEY=VALUE")
    args = parser.parse_args()
    print(machine())

    from arrears.adapters.snapshot import DecisionsWriter, SnapshotReader, read_tables
    from arrears.domain.clock import FixedClock
    from arrears.services.cycle_snapshot import SnapshotCycleSettings, decide_snapshot
    from bench.snapshot import Shape, generate

    work = Path(tempfile.mkdtemp(prefix="arrears-spark-bench-"))
    snapshot = args.snapshot or work / "snapshot"
    if args.snapshot is None:
        generate(Shape(args.accounts), snapshot)
    source = SnapshotReader(snapshot)
    accounts = source.manifest.accounts
    clock = FixedClock.on(source.manifest.as_of, hour=6)
    settings = SnapshotCycleSettings(partition_accounts=args.partition)
    if not args.skip_polars:
        _, polars_figures = sampled(lambda: decide_snapshot(
            source=source, sink=DecisionsWriter(work / "polars"), clock=clock, settings=settings,
        ))  # fmt: skip
        show("Polars engine", accounts, polars_figures)

    def on_spark() -> None:
        from arrears.adapters.spark.engine import decide_on_spark
        from arrears.adapters.spark.session import spark_session

        (work / "events").mkdir()
        conf = {"spark.driver.memory": args.driver_memory, "spark.eventLog.enabled": "true",
                "spark.eventLog.dir": (work / "events").as_uri(),
                "spark.eventLog.compress": "false",
                **dict(item.split("=", 1) for item in args.conf)}  # fmt: skip
        spark = spark_session(args.master, app_name="arrears bench", conf=conf)
        try:
            decide_on_spark(snapshot=snapshot, out=work / "spark", master=args.master,
                            clock=clock, settings=settings, spark=spark)  # fmt: skip
        finally:
            spark.stop()

    if args.skip_spark:
        shutil.rmtree(work, ignore_errors=True)
        return
    _, spark_figures = sampled(on_spark)
    show(f"Spark engine ({args.master}, session start included)", accounts, spark_figures)
    moved = io_figures(work / "events")
    print("Spark bytes: " + ", ".join(
        f"{name} {value / 1024**2:,.1f} MiB ({value / max(accounts, 1):,.1f} B/account)"
        for name, value in moved.items()
    ), flush=True)  # fmt: skip
    if not args.skip_polars:
        polars, spark = read_tables(work / "polars"), read_tables(work / "spark")
        same = all(polars[t].equals(spark[t]) for t in polars)
        print(f"runs equal row for row: {same}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
