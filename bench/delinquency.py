"""Benchmark of the daily cycle's portfolio steps: schedules, due items, delinquency, posting.

    python -m bench.delinquency [--loans N] [--partition M] [--seed S]

Synthesises a seeded portfolio directly with NumPy (no database): loans of 12–72 months with
realistic payment behaviour (prompt payers, late payers, defaulters who are later charged off,
the odd split, double or returned payment, late fees), then times each step and prints its wall
and CPU time, throughput and peak resident memory. Schedules and items are built per partition
as the daily cycle does; delinquency runs over the whole portfolio in a fresh process that holds
only its inputs (handed over as Arrow files in a temporary folder), so its memory is its own.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

from arrears.batch.delinquency import delinquency
from arrears.batch.items import due_items
from arrears.batch.posting import check_balanced, plan_postings
from arrears.batch.schedules import level_schedules

T = TypeVar("T")

AS_OF = date(2025, 6, 30)
_EPOCH = date(1970, 1, 1)
_TERMS = np.array([12, 24, 36, 48, 60, 72])
_TERM_WEIGHTS = np.array([0.1, 0.25, 0.3, 0.17, 0.11, 0.07])
#: Share of loans by behaviour: prompt, late, defaulted.
_BEHAVIOUR = np.array([0.8, 0.12, 0.08])
_LATE_FEE_MINOR = 2_500
_DELINQUENCY_COLUMNS = ["loan_id", "due_date", "amount_minor", "installment_seq"]


@dataclass(frozen=True)
class Step:
    name: str
    seconds: float
    cpu_seconds: float  # process CPU time (all threads): steadier than wall on a shared host
    rows: int
    unit: str
    peak_rss_gb: float
    start_rss_gb: float

    def __str__(self) -> str:
        rate = self.rows / self.seconds if self.seconds else float("inf")
        return (
            f"{self.name:<46} {self.seconds:7.2f} s (cpu {self.cpu_seconds:6.2f} s)"
            f" {rate:>13,.0f} {self.unit}/s  peak RSS {self.peak_rss_gb:5.2f} GB"
            f" (+{self.peak_rss_gb - self.start_rss_gb:4.2f})"
        )


def timed(name: str, unit: str, rows: Callable[[T], int], run: Callable[[], T]) -> tuple[T, Step]:
    """Run ``run`` once, with the peak RSS counter reset first where Linux allows it."""
    gc.collect()
    _reset_peak_rss()
    start_rss = _rss_gb("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    result = run()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    step = Step(name, seconds, cpu_seconds, rows(result), unit, _peak_rss_gb(), start_rss)
    print(step, flush=True)
    return result, step


def _reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_gb() -> float:
    """Peak resident memory since the last reset (or since the start)."""
    peak = _rss_gb("VmHWM")
    return peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def _rss_gb(field: str) -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1e6
    return 0.0


# -- the synthetic portfolio ----------------------------------------------------------------------


def synth_loans(count: int, rng: np.random.Generator) -> pl.DataFrame:
    """Loans originated over the five years before AS_OF, some charged off later."""
    as_of = _day(AS_OF)
    originated = as_of - rng.integers(20, 5 * 365, count)
    first_due = (originated.astype("datetime64[D]").astype("datetime64[M]") + 1).astype(
        "datetime64[D]"
    ).astype(np.int64) + rng.integers(0, 28, count)
    rates = 39_900 + 2_500 * rng.integers(0, 105, count)  # 3.99% … 29.99% in 0.25% steps
    return pl.DataFrame(
        {
            "loan_id": np.arange(1, count + 1, dtype=np.int64),
            "currency": np.full(count, "USD"),
            "principal_minor": rng.integers(10, 400, count) * 10_000,  # $1,000 … $39,900
            "annual_rate_micros": rates,
            "term_months": rng.choice(_TERMS, count, p=_TERM_WEIGHTS).astype(np.int32),
            "origination_date": _dates(originated),
            "first_due_date": _dates(first_due),
            "charge_off_date": pl.Series([None] * count, dtype=pl.Date),
        }
    )


@dataclass(frozen=True)
class Behaviour:
    kind: np.ndarray  # per loan: 0 prompt, 1 sometimes late, 2 stops paying
    stops_after: np.ndarray  # per loan: installments a defaulter pays before stopping


def synth_behaviour(count: int, rng: np.random.Generator) -> Behaviour:
    kind = rng.choice(3, count, p=_BEHAVIOUR)
    return Behaviour(kind, rng.integers(0, 36, count))


def synth_events(
    loans: pl.DataFrame, installments: pl.DataFrame, behaviour: Behaviour, rng: np.random.Generator
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(payments, late-fee charges, loans with charge-off dates) driven by the behaviour.

    Prompt payers pay each installment within three days of its due date; late payers pay
    two in five 16–45 days late with the late fee; defaulters pay until some installment, then
    stop (late fees on the first three missed, charged off 180 days after the first). One
    payment in a hundred is split in two, one in two hundred doubled, and 1.5% come back
    (returned: NSF) and are presented again a week later.
    """
    as_of = _day(AS_OF)
    due_rows = installments.filter(pl.col("due_date") < AS_OF)
    loan = due_rows["loan_id"].to_numpy() - 1
    seq = due_rows["seq"].to_numpy().astype(np.int64)
    due = due_rows["due_date"].to_physical().to_numpy().astype(np.int64)
    amount = (due_rows["principal_minor"] + due_rows["interest_minor"]).to_numpy()
    kind = behaviour.kind[loan]
    stops = behaviour.stops_after[loan]
    pays = (kind != 2) | (seq <= stops)
    late = pays & (kind == 1) & (rng.random(loan.size) < 0.4)
    delay = np.where(late, rng.integers(16, 46, loan.size), rng.integers(-3, 4, loan.size))
    fee_day = due + 15
    missed_early = ~pays & (seq <= stops + 3)
    charged = (late | missed_early) & (fee_day <= as_of)
    paid = amount + np.where(late, _LATE_FEE_MINOR, 0)
    shape = rng.random(loan.size)
    doubled = shape > 0.995
    split = shape < 0.01
    paid = np.where(doubled, paid * 2, paid)
    paid_day = due + delay
    events = [
        (paid_day, np.where(split, paid // 2, paid), pays),
        (paid_day + 10, paid - paid // 2, pays & split),
    ]
    returned = rng.random(loan.size) < 0.015
    events.append((paid_day + 7, paid, pays & returned & ~split))
    rows = [
        (loan[mask] + 1, day[mask], value[mask], np.ones(int(mask.sum()), dtype=np.bool_))
        for day, value, mask in events
    ]
    first = rows[0]
    rows[0] = (first[0], first[1], first[2], ~(returned & ~split)[pays])
    loan_ids, days_paid, amounts, good = (np.concatenate(part) for part in zip(*rows, strict=True))
    made = days_paid <= as_of
    order = np.argsort(loan_ids[made], kind="stable")  # grouped by loan, not by date
    payments = pl.DataFrame(
        {
            "loan_id": loan_ids[made][order],
            "payment_id": np.arange(int(made.sum()), dtype=np.int64) + 1,
            "effective_date": _dates(days_paid[made][order]),
            "amount_minor": amounts[made][order],
            "good": good[made][order],
        }
    ).with_columns(
        pl.when(pl.col("good")).then(None).otherwise(pl.lit("returned: NSF")).alias("note")
    )
    charges = pl.DataFrame(
        {
            "loan_id": loan[charged] + 1,
            "key": pl.select(pl.format("late-{}", pl.Series(seq[charged]))).to_series(),
            "component": np.full(int(charged.sum()), "fees"),
            "amount_minor": np.full(int(charged.sum()), _LATE_FEE_MINOR, dtype=np.int64),
            "assessed_on": _dates(fee_day[charged]),
        }
    )
    return payments, charges, _charge_offs(loans, due_rows, pays)


def _charge_offs(loans: pl.DataFrame, due_rows: pl.DataFrame, pays: np.ndarray) -> pl.DataFrame:
    """Defaulters are charged off 180 days after their first missed installment."""
    missed = due_rows.filter(~pl.Series(pays)).group_by("loan_id").agg(pl.col("due_date").min())
    charge_off = missed.select(
        "loan_id", (pl.col("due_date") + pl.duration(days=180)).alias("charge_off_date")
    ).filter(pl.col("charge_off_date") <= AS_OF)
    return loans.drop("charge_off_date").join(charge_off, on="loan_id", how="left")


def _day(day: date) -> int:
    return (day - _EPOCH).days


def _dates(values: np.ndarray) -> pl.Series:
    return pl.Series(values.astype(np.int64)).cast(pl.Int32).cast(pl.Date)


# -- the run ---------------------------------------------------------------------------------------


@dataclass
class _Clock:
    """Wall and CPU time accumulated over the partitions of one step."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0
    rows: int = 0

    def time(self, run: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        start, cpu = time.perf_counter(), time.process_time()
        result = run()
        self.seconds += time.perf_counter() - start
        self.cpu_seconds += time.process_time() - cpu
        self.rows += result.height
        return result

    def step(self, name: str, unit: str, start_rss: float) -> Step:
        step = Step(
            name, self.seconds, self.cpu_seconds, self.rows, unit, _peak_rss_gb(), start_rss
        )
        print(step, flush=True)
        return step


@dataclass
class _Portfolio:
    """What delinquency reads for the whole portfolio, and one partition in full for posting."""

    loans: list[pl.DataFrame]
    items: list[pl.DataFrame]
    payments: list[pl.DataFrame]
    first: dict[str, pl.DataFrame]
    installments: int = 0
    charges: int = 0


def run(loan_count: int, partition: int, seed: int) -> list[Step]:
    """Schedules and items built partition by partition (as the daily cycle does), then
    delinquency over the whole portfolio at once, then posting of the first partition."""
    rng = np.random.default_rng(seed)
    print(f"arrears batch benchmark: {loan_count:,} loans, seed {seed}, as of {AS_OF}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, polars {pl.__version__}")
    loans = synth_loans(loan_count, rng)
    behaviour = synth_behaviour(loan_count, rng)
    schedules, items = _Clock(), _Clock()
    portfolio = _Portfolio([], [], [], {})
    gc.collect()
    _reset_peak_rss()
    start_rss = _rss_gb("VmRSS")
    for low in range(0, loan_count, partition):
        part = loans.slice(low, partition)
        installments = schedules.time(partial(level_schedules, part))
        payments, charges, part = synth_events(part, installments, behaviour, rng)
        payments = payments.with_columns(pl.col("payment_id") + 100 * low)
        built = items.time(partial(due_items, installments, charges))
        portfolio.loans.append(part)
        portfolio.items.append(built.select(_DELINQUENCY_COLUMNS))
        portfolio.payments.append(payments)
        portfolio.installments += installments.height
        portfolio.charges += charges.height
        if not portfolio.first:
            portfolio.first = {"loans": part, "items": built, "payments": payments}
    steps = [
        schedules.step("schedules (level_schedules)", "installments", start_rss),
        items.step(f"due items (due_items, {partition:,}-loan partitions)", "items", start_rss),
    ]
    whole = {
        name: pl.concat(getattr(portfolio, name), rechunk=True)
        for name in ("loans", "items", "payments")
    }
    portfolio.loans, portfolio.items, portfolio.payments = [], [], []
    _describe(whole, installments=portfolio.installments, charges=portfolio.charges)
    with tempfile.TemporaryDirectory(prefix="arrears-bench-") as folder:
        for name, frame in whole.items():
            frame.write_ipc(Path(folder) / f"{name}.arrow")
        whole.clear()
        steps.append(_delinquency_in_a_fresh_process(Path(folder)))
    return steps + _posting(portfolio.first)


def _delinquency_in_a_fresh_process(folder: Path) -> Step:
    """Delinquency measured in a new process holding only its inputs, so its peak RSS is the
    step's own (inputs + working memory), not the benchmark's leftovers."""
    child = subprocess.run(
        [sys.executable, "-m", "bench.delinquency", "--delinquency-of", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    *report, last = child.stdout.splitlines()
    print("\n".join(report), flush=True)
    return Step(**json.loads(last))


def _measure_delinquency(folder: Path) -> None:
    """The child's side: read the frames, time delinquency once, report as JSON."""
    loans, items, payments = (
        pl.read_ipc(folder / f"{name}.arrow", memory_map=False)
        for name in ("loans", "items", "payments")
    )
    step = _delinquency(items, payments, loans)
    print(json.dumps(asdict(step)))


def _describe(whole: dict[str, pl.DataFrame], *, installments: int, charges: int) -> None:
    loans, items, payments = whole["loans"], whole["items"], whole["payments"]
    per_loan = 1 / max(loans.height, 1)
    print(
        f"portfolio: {loans.height:,} loans, {installments:,} installments"
        f" ({installments * per_loan:.1f}/loan), {items.height:,} items"
        f" ({items.height * per_loan:.1f}/loan), {payments.height:,} payments"
        f" ({payments.height * per_loan:.1f}/loan, {int((~payments['good']).sum()):,} returned),"
        f" {charges:,} late fees, {int(loans['charge_off_date'].is_not_null().sum()):,}"
        " charged off"
    )


def _delinquency(items: pl.DataFrame, payments: pl.DataFrame, loans: pl.DataFrame) -> Step:
    result, step = timed(
        f"delinquency as of {AS_OF} (delinquency)",
        "loans",
        len,
        lambda: delinquency(items, payments, loans, as_of=AS_OF),
    )
    buckets = result.group_by("bucket").len().sort("bucket")
    past_due = result.filter(pl.col("dpd") > 0).height
    print(f"  {past_due:,} loans past due ({past_due / max(result.height, 1):.1%}):", end="")
    print(", ".join(f"{b} {n:,}" for b, n in buckets.iter_rows()))
    return step


def _posting(part: dict[str, pl.DataFrame]) -> list[Step]:
    """First posting of a partition's history, a re-run, then a day with returned payments."""
    no_entries = pl.DataFrame(schema=_schema("ENTRIES"))
    no_lines = pl.DataFrame(schema=_schema("LINES"))
    print(f"posting partition: {part['loans'].height:,} loans")

    def first() -> tuple[pl.DataFrame, pl.DataFrame]:
        return plan_postings(
            part["loans"], part["items"], part["payments"], no_entries, no_lines, as_of=AS_OF
        )

    (entries, lines), step = timed(
        "posting, first (plan_postings)",
        "entries+lines",
        lambda r: r[0].height + r[1].height,
        first,
    )
    steps = [step]
    _, step = timed(
        "check_balanced", "lines", lambda _: lines.height, lambda: check_balanced(lines)
    )
    steps.append(step)

    def again() -> tuple[pl.DataFrame, pl.DataFrame]:
        return plan_postings(
            part["loans"], part["items"], part["payments"], entries, lines, as_of=AS_OF
        )

    (same, _), step = timed(
        "posting, re-run (appends nothing)", "existing lines", lambda _: lines.height, again
    )
    assert same.height == 0, "re-running the same history must append nothing"
    steps.append(step)
    changed = _return_some(part["payments"])

    def next_day() -> tuple[pl.DataFrame, pl.DataFrame]:
        return plan_postings(
            part["loans"], part["items"], changed, entries, lines, as_of=AS_OF + timedelta(days=1)
        )

    (appended, _), step = timed(
        "posting, next day with returns", "existing lines", lambda _: lines.height, next_day
    )
    print(f"  appended {appended.height:,} entries")
    steps.append(step)
    return steps


def _return_some(payments: pl.DataFrame) -> pl.DataFrame:
    """Mark one good payment in two hundred as returned, as a day's bank file would."""
    hit = (pl.col("payment_id") % 200 == 7) & pl.col("good")
    return payments.with_columns(
        pl.when(hit).then(False).otherwise(pl.col("good")).alias("good"),
        pl.when(hit).then(pl.lit("returned: NSF")).otherwise(pl.col("note")).alias("note"),
    )


def _schema(name: str) -> pl.Schema:
    from arrears.batch import frames

    schema = getattr(frames, name)
    assert isinstance(schema, pl.Schema)
    return schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--partition", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20250630)
    parser.add_argument("--delinquency-of", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.delinquency_of:
        _measure_delinquency(arguments.delinquency_of)
        return
    started = time.perf_counter()
    run(arguments.loans, min(arguments.partition, arguments.loans), arguments.seed)
    print(f"total wall time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
