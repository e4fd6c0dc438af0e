"""Import benchmark: a generated portfolio through the real import path into a database.

python -m bench.import_portfolio --files DIR --database-url URL [--batch-rows N] [--profile F]

Runs ``arrears import`` in a child process (clean memory accounting) with the clock fixed to the
portfolio's date, then reports rows per kind, the time and rows/s of each file (checked and
written) and of the ledger posting, the whole import's wall time and rows/s, and the child's
peak RSS. Each step also shows the CPU seconds it took in the importing process (all its
threads) and, for PostgreSQL, in the server's processes on this machine (read from ``/proc``,
its parallel workers included): on 2 cores, a step whose two figures add up to less than twice
its wall time left a core idle.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from arrears.config import Settings

CHILD = r"""
import json, os, sys, time
from datetime import date
from pathlib import Path
from arrears.bootstrap import build, initialise
from arrears.config import Settings
from arrears.domain.clock import FixedClock
from arrears.services.importing import import_portfolio

def server_cpu():  # CPU seconds of every local postgres process, and of those it has reaped
    total = 0
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                stat = handle.read()
        except (OSError, ValueError):
            continue
        if stat[stat.index("(") + 1:stat.rindex(")")].startswith("postgres"):
            fields = stat[stat.rindex(")") + 2:].split()
            total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


class Steps:  # progress that times each step (each file, then the posting): rows/s per file
    # and the CPU used meanwhile by this process and by the database server (its processes on
    # this machine; nothing for SQLite, which runs in this process)

    def __init__(self, server):
        self.done, self.server = [], server

    def _cpu(self):
        return time.process_time(), server_cpu() if self.server else 0.0

    def start(self, label, unit="rows"):
        self.label, self.unit, self.rows, self.began = label, unit, 0, time.perf_counter()
        self.cpu_began = self._cpu()

    def advance(self, rows):
        self.rows += rows

    def finish(self):
        cpu = [end - began for end, began in zip(self._cpu(), self.cpu_began)]
        self.done.append([self.label, self.unit, self.rows, time.perf_counter() - self.began, *cpu])


args = json.loads(sys.argv[1])
settings = Settings(data_dir=Path(args["data_dir"]), database_url=args["url"],
                    import_batch_rows=args["batch_rows"],
                    posting_partition_loans=args["partition"])
clock = FixedClock.on(date.fromisoformat(args["as_of"]))
container = build(settings, clock=clock, create_keys=True)
initialise(container)
files = sorted(Path(args["files"]).glob("*.csv")) + sorted(Path(args["files"]).glob("*.parquet"))
steps = Steps(server=args["url"].startswith("postgresql"))
profiler = None
if args["profile"]:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
started, cpu_started = time.perf_counter(), steps._cpu()
report = import_portfolio(
    files, uow_factory=container.import_uow, files=container.import_files(container.clock.today()),
    problem_sink=container.problem_log(None), clock=container.clock,
    settings=container.import_settings, accept_rejects=False, progress=steps,
)
if profiler is not None:
    profiler.disable()
    profiler.dump_stats(args["profile"])
cpu = [end - began for end, began in zip(steps._cpu(), cpu_started)]
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": cpu, "counts": report.counts,
                  "entries": report.posting.entries, "lines": report.posting.lines,
                  "steps": steps.done}))
"""


def _reset(url: str, data_dir: Path) -> None:
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    data_dir.mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=Path, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--as-of", default="2026-11-27")
    parser.add_argument("--batch-rows", type=int, default=250_000)
    parser.add_argument(
        "--partition",
        type=int,
        default=Settings.model_fields["posting_partition_loans"].default,
        help="loans per posting partition (default: Settings.posting_partition_loans)",
    )
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/arrears-bench-data"))
    parser.add_argument("--profile", type=Path, help="write a cProfile of the import here")
    args = parser.parse_args(argv)
    _reset(args.database_url, args.data_dir)
    payload = json.dumps(
        {
            "files": str(args.files),
            "url": args.database_url,
            "as_of": args.as_of,
            "batch_rows": args.batch_rows,
            "partition": args.partition,
            "data_dir": str(args.data_dir),
            "profile": str(args.profile) if args.profile else "",
        }
    )
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, payload],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    wall = time.perf_counter() - started
    if child.returncode != 0:
        print(child.stderr[-4000:], file=sys.stderr)
        return child.returncode
    result = json.loads(child.stdout.strip().splitlines()[-1])
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows = sum(tally["rows"] for tally in result["counts"].values())
    print(f"database: {args.database_url.split('@')[-1]}")
    for kind, tally in result["counts"].items():
        print(f"  {kind:<11} {tally['rows']:>12,} rows")
    print(f"  ledger: {result['entries']:,} entries, {result['lines']:,} lines")
    print(f"  {'step':<34} {'wall':>10} {'rate':>17}   CPU: import, server")
    for label, unit, step_rows, seconds, cpu, server in result["steps"]:
        rate = f"{step_rows / seconds:>12,.0f} {unit}/s" if step_rows and seconds else ""
        print(f"  {label:<34} {seconds:>8.1f} s {rate:>17}   {cpu:6.1f} s, {server:6.1f} s")
    cpu, server = result["cpu"]
    print(
        f"import {result['seconds']:.1f} s ({rows / result['seconds']:,.0f} input rows/s); "
        f"process wall {wall:.1f} s; peak RSS {peak_mib:,.0f} MiB; CPU {cpu:.1f} s in the "
        f"import, {server:.1f} s in the server"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
