"""Benchmark of the Metro 2 codec: write, then read back with full validation, streaming.

    python -m bench.metro2_codec [--records N] [--batch B] [--packed] [--seed S]
                                 [--workers W] [--unchecked-write] [--k1] [--system-allocator]

Synthesises N valid base segments (seeded, vectorised, in batches of B rows), writes them
through ``Metro2Writer`` (with validation unless ``--unchecked-write``) into a temporary file
and reads the file back through ``iter_chunks`` with every validation rule on. Each phase runs
in its own child process so its peak resident memory (``ru_maxrss``) is its own; generation
time is excluded from the write throughput. Wall-clock and CPU-time throughputs are both
printed (on a shared machine the CPU figure is the steadier one). The children set the
allocator as ``arrears metro2`` does (freed blocks kept for the next batch,
``adapters.allocator``); ``--system-allocator`` leaves glibc's defaults, to compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from arrears.adapters.allocator import reuse_freed_memory
from arrears.formats.metro2 import (
    Format,
    Framing,
    HeaderRecord,
    Metro2Writer,
    ReadOptions,
    iter_chunks,
)

ACTIVITY = dt.date(2025, 6, 30)
_EPOCH = np.datetime64("1970-01-01", "D")
_SURNAMES = [
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "LOPEZ",
    "GONZALEZ",
    "WILSON",
    "ANDERSON",
]
_FIRST = [
    "JAMES",
    "MARY",
    "ROBERT",
    "PATRICIA",
    "JOHN",
    "JENNIFER",
    "MICHAEL",
    "LINDA",
    "DAVID",
    "ELIZABETH",
    "WILLIAM",
    "BARBARA",
    "RICHARD",
    "SUSAN",
    "JOSEPH",
    "JESSICA",
]
_CITIES = [
    ("AUSTIN", "TX", "78701"),
    ("DENVER", "CO", "80202"),
    ("TAMPA", "FL", "33602"),
    ("BOSTON", "MA", "02108"),
    ("FRESNO", "CA", "93721"),
    ("OMAHA", "NE", "68102"),
]
#: Account statuses with their share: current, 30-180 days, collections, charged off, paid.
_STATUSES = ["11", "71", "78", "80", "82", "83", "84", "93", "97", "13"]
_STATUS_WEIGHTS = [0.62, 0.1, 0.06, 0.04, 0.03, 0.02, 0.03, 0.04, 0.03, 0.03]
_PROFILES = [
    "000000000000000000000000",
    "100000000000000000000000",
    "210000000000BBBBBBBBBBBB",
    "321000000000000000000000",
    "0000000BBBBBBBBBBBBBBBBB",
    "654321000000000000000000",
]


def header() -> HeaderRecord:
    return HeaderRecord(
        equifax_program_identifier="EQ12345678",
        transunion_program_identifier="TU12345678",
        activity_date=ACTIVITY,
        date_created=ACTIVITY,
        reporter_name="ARREARS BENCHMARK LENDER",
        reporter_address="1 BENCH ST, AUSTIN TX 78701",
        reporter_telephone_number=5125550100,
    )


def _pick(rng: np.random.Generator, values: list[str], count: int) -> pl.Series:
    return pl.Series(values).gather(rng.integers(0, len(values), count))


def _dates(days_before: np.ndarray) -> np.ndarray:
    return (np.datetime64(ACTIVITY, "D") - days_before.astype("timedelta64[D]")).astype(
        "datetime64[D]"
    )


def synthesise(start: int, count: int, seed: int) -> pl.DataFrame:
    """``count`` valid base segments (account numbers from ``start``), vectorised."""
    rng = np.random.default_rng(seed + start)
    index = np.arange(start, start + count)
    statuses = rng.choice(_STATUSES, size=count, p=_STATUS_WEIGHTS)
    current = statuses == "11"
    paid = statuses == "13"
    charged_off = statuses == "97"
    delinquent = ~current & ~paid
    balance = np.where(paid, 0, rng.integers(500, 40_000, count))
    past_due = np.where(delinquent, rng.integers(50, 5_000, count), 0)
    opened = rng.integers(200, 3_000, count)
    dofd = np.where(delinquent, rng.integers(31, 190, count), -1)
    city = rng.integers(0, len(_CITIES), count)
    stamp = np.datetime64(ACTIVITY, "ms") + rng.integers(0, 86_400, count) * np.timedelta64(1, "s")
    return pl.DataFrame(
        {
            "time_stamp": stamp,
            "identification_number": pl.Series(["ARREARS001"]).gather(np.zeros(count, np.int64)),
            "consumer_account_number": pl.Series(index).cast(pl.String).str.zfill(12),
            "portfolio_type": _pick(rng, ["I"], count),
            "account_type": _pick(rng, ["00", "01", "02", "12"], count),
            "date_opened": _dates(opened),
            "highest_credit": rng.integers(1_000, 60_000, count),
            "terms_duration": _pick(rng, ["036", "048", "060", "072"], count),
            "terms_frequency": _pick(rng, ["M"], count),
            "scheduled_monthly_payment": rng.integers(100, 1_500, count),
            "actual_payment": rng.integers(0, 1_500, count),
            "account_status": pl.Series(statuses),
            "payment_rating": pl.Series(np.where(paid, "0", "")),
            "payment_history_profile": _pick(rng, _PROFILES, count),
            "current_balance": balance,
            "amount_past_due": past_due,
            "original_charge_off_amount": np.where(charged_off, balance + 1, 0),
            "date_of_account_information": _dates(np.zeros(count, np.int64)),
            "date_of_first_delinquency": pl.Series(_dates(dofd)).set(pl.Series(dofd < 0), None),
            "date_closed": pl.Series(_dates(rng.integers(0, 30, count))).set(
                pl.Series(~paid), None
            ),
            "date_of_last_payment": _dates(rng.integers(0, 120, count)),
            "surname": _pick(rng, _SURNAMES, count),
            "first_name": _pick(rng, _FIRST, count),
            "social_security_number": rng.integers(100_000_000, 899_999_999, count),
            "date_of_birth": _dates(rng.integers(7_000, 25_000, count)),
            "telephone_number": rng.integers(2_002_000_000, 9_899_999_999, count),
            "ecoa_code": _pick(rng, ["1", "2"], count),
            "country_code": _pick(rng, ["US"], count),
            "first_line_of_address": pl.Series(rng.integers(1, 9_999, count)).cast(pl.String)
            + " MAIN ST",
            "city": pl.Series([c for c, _, _ in _CITIES]).gather(city),
            "state": pl.Series([s for _, s, _ in _CITIES]).gather(city),
            "postal_zip_code": pl.Series([z for _, _, z in _CITIES]).gather(city),
        }
    )


_ORIGINAL_CREDITOR = pl.struct(
    original_creditor_name=pl.lit("FIRST NATIONAL BANK"), creditor_classification=pl.lit("08")
)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_write(path: Path, options: argparse.Namespace) -> dict[str, float]:
    """Generate and write; only the time inside ``write_frame`` is counted."""
    framing = Framing.packed() if options.packed else Framing()
    records = options.records
    spent = cpu = 0.0
    with path.open("wb") as out:
        writer = Metro2Writer(
            out,
            header=header(),
            framing=framing,
            validate=not options.unchecked_write,
            workers=options.workers,
        )
        for start in range(0, records, options.batch):
            frame = synthesise(start, min(options.batch, records - start), options.seed)
            if options.k1:
                frame = frame.with_columns(_ORIGINAL_CREDITOR.alias("k1"))
            began, began_cpu = time.perf_counter(), time.process_time()
            writer.write_frame(frame)
            spent += time.perf_counter() - began
            cpu += time.process_time() - began_cpu
        writer.close()
    return {
        "seconds": spent,
        "records_per_second": records / spent,
        "cpu_records_per_second": records / cpu,
        "peak_mb": _maxrss_mb(),
        "bytes": path.stat().st_size,
    }


def child_read(path: Path, options: argparse.Namespace) -> dict[str, float]:
    """Read the whole file with full validation, counting rows and problems."""
    read_options = ReadOptions(
        format=Format.PACKED if options.packed else None, workers=options.workers
    )
    began, began_cpu = time.perf_counter(), time.process_time()
    rows = 0
    problems = 0
    with path.open("rb") as stream:
        for chunk in iter_chunks(stream, options=read_options):
            rows += len(chunk)
            problems += len(chunk.problems)
    spent, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    return {
        "seconds": spent,
        "records_per_second": rows / spent,
        "cpu_records_per_second": rows / cpu,
        "peak_mb": _maxrss_mb(),
        "rows": rows,
        "problems": problems,
    }


def _run_child(*arguments: str) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.metro2_codec", "--child", *arguments]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--packed", action="store_true")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--system-allocator",
        action="store_true",
        help="leave glibc's allocator as it starts (arrears metro2 keeps freed blocks)",
    )
    parser.add_argument(
        "--unchecked-write",
        action="store_true",
        help="write with validate=False (spelling checks only)",
    )
    parser.add_argument(
        "--k1",
        action="store_true",
        help="a K1 (original creditor) segment on every account, as in collection files",
    )
    parser.add_argument("--child", nargs=2, metavar=("PHASE", "FILE"), help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    options = _arguments()
    if options.child:
        phase, file = options.child
        child = child_write if phase == "write" else child_read
        if not options.system_allocator:
            reuse_freed_memory()  # as `arrears metro2` does
        print(json.dumps(child(Path(file), options)))
        return
    flags = [
        "--records",
        str(options.records),
        "--batch",
        str(options.batch),
        "--seed",
        str(options.seed),
        "--workers",
        str(options.workers),
    ]
    flags += ["--packed"] if options.packed else []
    flags += ["--unchecked-write"] if options.unchecked_write else []
    flags += ["--k1"] if options.k1 else []
    flags += ["--system-allocator"] if options.system_allocator else []
    load = _load()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.metro2"
        written = _run_child("write", str(path), *flags)
        read = _run_child("read", str(path), *flags)
    checked = "spelling checks only" if options.unchecked_write else "with validation"
    print(
        f"machine: {platform.machine()} cpus={os.cpu_count()} python "
        f"{platform.python_version()}; load average before: {load}"
    )
    print(
        f"records: {options.records:,} ({'packed' if options.packed else 'character'}, "
        f"{'K1 on every account, ' if options.k1 else ''}"
        f"file {written['bytes'] / 1e6:,.0f} MB, workers {options.workers})"
    )
    print(
        f"write ({checked}): {written['records_per_second']:,.0f} records/s wall, "
        f"{written['cpu_records_per_second']:,.0f} records/s CPU "
        f"({written['seconds']:.2f} s, peak RSS {written['peak_mb']:,.0f} MB incl. generation)"
    )
    print(
        f"read + full validation: {read['records_per_second']:,.0f} records/s wall, "
        f"{read['cpu_records_per_second']:,.0f} records/s CPU ({read['seconds']:.2f} s, "
        f"peak RSS {read['peak_mb']:,.0f} MB, {int(read['problems'])} problems)"
    )


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
