"""Benchmark of ``arrears metro2 export``: a generated portfolio's month from the database.

    python -m bench.metro2_export [--loans N] [--seed S] [--database-url URL]
                                  [--partition P] [--work DIR] [--skip-setup] [--spark local[2]]

Generates a portfolio (``arrears.simulation``), imports it through the real import path,
records a telephone conversation with every borrower (so Reg F lets every account be
furnished), then exports the last complete month and reads the file back with full validation,
each phase in its own child process (so each peak resident memory is its own). Prints
accounts per second for the export (reading the database, delinquency at 25 dates, mapping,
validating writer) and for the validating read. With ``--spark MASTER``: the month's furnishing
facts exported as Parquet, then the file written on Spark from them (session start included)
and compared with the one-machine file, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

AS_OF = date(2026, 11, 27)


def _container(url: str, work: Path):  # type: ignore[no-untyped-def]
    from arrears.bootstrap import build, initialise
    from arrears.config import Settings
    from arrears.domain.clock import FixedClock

    settings = Settings(data_dir=work / "data", database_url=url)
    container = build(settings, clock=FixedClock.on(AS_OF), create_keys=True)
    initialise(container)
    return container


def setup(url: str, work: Path, *, loans: int, seed: int) -> dict[str, float]:
    """Generate, import and contact the portfolio; returns the phase timings."""
    import polars as pl
    from sqlalchemy import text

    from arrears.adapters.db.bulk import insert_frame
    from arrears.adapters.db.schema_negotiation import contacts
    from arrears.services.importing import import_portfolio
    from arrears.simulation.portfolio import write_portfolio

    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
    shutil.rmtree(work / "portfolio", ignore_errors=True)
    started = time.perf_counter()
    files = write_portfolio(work / "portfolio", loans=loans, seed=seed, as_of=AS_OF)
    generated = time.perf_counter()
    container = _container(url, work)
    import_portfolio(
        list(files.values()), uow_factory=container.uow,
        files=container.import_files(AS_OF), problem_sink=container.problem_log(None),
        clock=container.clock, settings=container.import_settings, accept_rejects=False,
    )  # fmt: skip
    imported = time.perf_counter()
    spoken = datetime.combine(AS_OF - timedelta(days=400), clock_time(15), tzinfo=UTC)
    with container.engine.begin() as connection:
        rows = connection.execute(text("SELECT id, borrower_id FROM loans")).fetchall()
        frame = pl.DataFrame(
            {"loan_id": [r[0] for r in rows], "borrower_id": [r[1] for r in rows]},
            schema={"loan_id": pl.Int64, "borrower_id": pl.Int64},
        ).with_columns(
            pl.lit("call").alias("channel"), pl.lit("outbound").alias("direction"),
            pl.lit(spoken, dtype=pl.Datetime("us", "UTC")).alias("at"),
            pl.lit("bench").alias("actor"), pl.lit("right_party_contact").alias("outcome"),
            pl.lit("").alias("template"), pl.lit("").alias("notes"),
            pl.lit("{}").alias("details"),
            pl.lit(spoken, dtype=pl.Datetime("us", "UTC")).alias("created_at"),
        )  # fmt: skip
        insert_frame(connection, contacts, frame)
    container.engine.dispose()
    return {"generate_s": generated - started, "import_s": imported - generated}


def child_export(url: str, work: Path, *, partition: int) -> dict[str, float | str]:
    from arrears.batch.furnishing import FurnishingSettings, Reporter, previous_month_ends
    from arrears.services.furnishing import ExportSettings, export_month

    container = _container(url, work)
    settings = ExportSettings(
        reporter=Reporter(name="ARREARS BENCHMARK LENDER", address="1 BENCH ST, AUSTIN TX"),
        furnishing=FurnishingSettings(identification_number="ARREARS01"),
        policy=container.policy,
        partition_loans=partition,
    )
    output = work / "export.m2"
    began, began_cpu = time.perf_counter(), time.process_time()
    report = export_month(
        as_of=previous_month_ends(AS_OF)[0], output=output, uow_factory=container.uow,
        clock=container.clock, settings=settings,
    )  # fmt: skip
    seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    accounts = report.records + sum(report.excluded.values())
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "accounts": accounts,
        "records": report.records,
        "excluded": json.dumps(report.excluded),
        "bytes": output.stat().st_size,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_read(work: Path) -> dict[str, float]:
    from arrears.formats.metro2 import validate_stream

    began, began_cpu = time.perf_counter(), time.process_time()
    with (work / "export.m2").open("rb") as stream:
        report = validate_stream(stream)
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - began_cpu,
        "records": report.records,
        "problems": len(report.problems),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_spark(url: str, work: Path, *, master: str, partition: int) -> dict[str, float]:
    """Furnishing facts to Parquet, then the same month's file on Spark from them."""
    from arrears.adapters.snapshot.furnishing import export_furnishing_facts
    from arrears.adapters.spark.metro2 import export_on_spark
    from arrears.adapters.spark.metro2_tasks import Metro2Inputs
    from arrears.adapters.spark.session import spark_session
    from arrears.batch.furnishing import FurnishingSettings, Reporter, previous_month_ends
    from arrears.formats.metro2 import Framing

    container = _container(url, work)
    as_of = previous_month_ends(AS_OF)[0]
    shutil.rmtree(work / "facts", ignore_errors=True)
    began = time.perf_counter()
    manifest = export_furnishing_facts(
        as_of=as_of, directory=work / "facts", uow_factory=container.uow,
        now=container.clock.now(), policy=container.policy, partition_loans=partition * 10,
    )  # fmt: skip
    facts_s = time.perf_counter() - began
    reporter = Reporter(name="ARREARS BENCHMARK LENDER", address="1 BENCH ST, AUSTIN TX")
    inputs = Metro2Inputs(
        as_of=as_of,
        header=reporter.header(activity=as_of, created=manifest.date_created or AS_OF),
        framing=Framing(), settings=FurnishingSettings(identification_number="ARREARS01"),
        cipher=container.cipher, partition_accounts=50_000,
    )  # fmt: skip
    began = time.perf_counter()
    spark = spark_session(master, app_name="arrears bench metro2")
    report = export_on_spark(spark, snapshot=str(work / "facts"), manifest=manifest,
                             output=work / "spark.m2", inputs=inputs)  # fmt: skip
    spark.stop()
    seconds = time.perf_counter() - began
    same = (work / "spark.m2").read_bytes() == (work / "export.m2").read_bytes()
    return {"facts_s": facts_s, "seconds": seconds, "records": report.records,
            "accounts": manifest.accounts, "partitions": report.partitions,
            "same": float(same)}  # fmt: skip


def _child(*arguments: str) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.metro2_export", "--child", *arguments]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--partition", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/arrears-bench-metro2-export"))
    parser.add_argument("--skip-setup", action="store_true", help="reuse the imported database")
    parser.add_argument("--spark", default=None, help="also write the file on Spark (MASTER)")
    parser.add_argument("--child", nargs=1, help=argparse.SUPPRESS)
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    url = options.database_url or f"sqlite:///{options.work / 'bench.sqlite'}"
    if options.child:
        phase = options.child[0]
        result: dict[str, float] | dict[str, float | str]
        if phase == "setup":
            result = setup(url, options.work, loans=options.loans, seed=options.seed)
        elif phase == "export":
            result = child_export(url, options.work, partition=options.partition)
        elif phase == "spark":
            result = child_spark(url, options.work, master=options.spark,
                                 partition=options.partition)  # fmt: skip
        else:
            result = child_read(options.work)
        print(json.dumps(result))
        return
    flags = ["--work", str(options.work), "--partition", str(options.partition)]
    flags += ["--database-url", url, "--loans", str(options.loans), "--seed", str(options.seed)]
    timings = {} if options.skip_setup else _child("setup", *flags)
    exported = _child("export", *flags)
    read = _child("read", *flags)
    spark = _child("spark", *flags, "--spark", options.spark) if options.spark else None
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"machine: {platform.machine()} cpus={os.cpu_count()} python "
          f"{platform.python_version()}; load average after: {load}")  # fmt: skip
    if timings:
        print(f"setup: generated {options.loans:,} loans in {timings['generate_s']:.1f} s, "
              f"imported in {timings['import_s']:.1f} s ({url.split(':', 1)[0]})")  # fmt: skip
    print(
        f"export: {int(exported['accounts']):,} accounts -> {int(exported['records']):,} records "
        f"(left out: {exported['excluded']}), {exported['bytes'] / 1e6:,.0f} MB, "
        f"{exported['seconds']:.1f} s wall = {exported['accounts'] / exported['seconds']:,.0f} "
        f"accounts/s ({exported['accounts'] / exported['cpu_seconds']:,.0f}/s CPU), "
        f"peak RSS {exported['peak_mb']:,.0f} MB"
    )
    print(
        f"read back + full validation: {int(read['records']):,} records, "
        f"{int(read['problems'])} problems, {read['records'] / read['seconds']:,.0f} records/s "
        f"wall, peak RSS {read['peak_mb']:,.0f} MB"
    )
    if spark:
        print(
            f"spark ({options.spark}): facts of {int(spark['accounts']):,} accounts to Parquet in "
            f"{spark['facts_s']:.1f} s; {int(spark['records']):,} records from "
            f"{int(spark['partitions'])} partitions in {spark['seconds']:.1f} s wall "
            f"(session start included) = {spark['accounts'] / spark['seconds']:,.0f} accounts/s; "
            f"same bytes as the one-machine file: {bool(spark['same'])}"
        )


if __name__ == "__main__":
    main()
