"""The report does not depend on how the book is partitioned or sliced.

Every metric is summed partition by partition (``analytics.partials``) and a source's
partitions are derived a slice of loans at a time (``analytics.partition_inputs``), so a book
read in three partitions, the same book in one, and that one cut into slices that do not line
up with the three (more of them than ``accumulator.FOLD``, so kept sums are folded) must give
the same report: counts and amounts exactly, weighted statistics up
to the rounding of a different order of summation.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from bench.delinquency import AS_OF
from bench.report import synthesise

from arrears.adapters.reports.parquet_store import (
    PARTITIONED,
    ParquetFrameSink,
    ParquetUnitOfWork,
    part_path,
)
from arrears.analytics.partition_inputs import PartitionInputs
from arrears.domain.allocation import DEFAULT_POLICY
from arrears.domain.clock import FixedClock
from arrears.domain.delinquency import DEFAULT_BUCKETS
from arrears.services.analytics import ReportSettings, compute_report

ACCOUNTS, PARTITION = 1_500, 500


def one_partition(source: Path, target: Path, *, partitions: int) -> Path:
    """The export in ``source`` rewritten as a single partition in ``target``."""
    sink = ParquetFrameSink(target)
    for name in PARTITIONED:
        frames = [pl.read_parquet(part_path(source, name, n)) for n in range(partitions)]
        sink.write(name, 0, pl.concat(frames))
    for name in ("experiment_arms", "goals"):
        sink.write(name, None, pl.read_parquet(source / f"{name}.parquet"))
    sink.finish({"partitions": 1, "currencies": {"USD": ACCOUNTS}, "sources": []})
    return target


def report_of(directory: Path, *, slice_loans: int) -> dict[str, Any]:
    report = compute_report(
        lambda: ParquetUnitOfWork(directory),
        as_of=AS_OF,
        clock=FixedClock.on(AS_OF + timedelta(days=1)),
        settings=ReportSettings(
            buckets=DEFAULT_BUCKETS, policy=DEFAULT_POLICY, partition_loans=slice_loans
        ),
    )
    return report.to_dict()


def same(left: object, right: object) -> bool:
    """Equal, floats to 1e-12 relative (integers, text and dates exactly)."""
    if isinstance(left, float) and isinstance(right, float):
        return left == pytest.approx(right, rel=1e-12, nan_ok=True)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and left == right


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("books")
    synthesise(root / "three", accounts=ACCOUNTS, partition=PARTITION, seed=7)
    single = one_partition(root / "three", root / "one", partitions=ACCOUNTS // PARTITION)
    return root / "three", single


def test_three_partitions_one_partition_and_slices_give_the_same_report(
    books: tuple[Path, Path],
) -> None:
    three, one = books
    whole = report_of(one, slice_loans=ACCOUNTS)
    assert whole["accounts"] == ACCOUNTS
    filled = [s for s in whole["sections"] if s.get("status") != "no data yet"]
    assert len(filled) >= 15, "the synthetic book should fill most sections"
    for other in (report_of(three, slice_loans=ACCOUNTS), report_of(one, slice_loans=90)):
        for key in ("accounts", "sections", "goals"):
            assert same(other[key], whole[key]), key


def test_a_changed_payment_is_not_hidden_by_the_comparison(books: tuple[Path, Path]) -> None:
    """The comparison above can fail: one payment less in one partition changes the report."""
    three, _ = books
    changed = three.parent / "changed"
    sink = ParquetFrameSink(changed)
    for name in PARTITIONED:
        for n in range(ACCOUNTS // PARTITION):
            frame = pl.read_parquet(part_path(three, name, n))
            if name == "payments" and n == 1:
                recent = frame["good"] & (frame["effective_date"] > AS_OF - timedelta(days=20))
                frame = frame.filter(pl.int_range(pl.len()) != recent.arg_true()[0])
            sink.write(name, n, frame)
    for name in ("experiment_arms", "goals"):
        sink.write(name, None, pl.read_parquet(three / f"{name}.parquet"))
    sink.finish({"partitions": 3, "currencies": {"USD": ACCOUNTS}, "sources": []})
    assert not same(
        report_of(changed, slice_loans=ACCOUNTS), report_of(three, slice_loans=ACCOUNTS)
    )


def test_slices_cover_every_loan_once() -> None:
    loans = pl.DataFrame({"loan_id": [9, 3, 7, 1, 5, 2, 8]})
    rows = pl.DataFrame({"loan_id": [1, 1, 2, 3, 5, 7, 8, 9, 9, 9], "n": range(10)})
    read = PartitionInputs(loans, rows, rows, rows, rows, rows, rows, {"contacts": rows})
    pieces = list(read.slices(3))
    assert [sorted(p.loans["loan_id"].to_list()) for p in pieces] == [[1, 2, 3], [5, 7, 8], [9]]
    assert pl.concat(p.payments for p in pieces)["n"].to_list() == list(range(10))
    assert pl.concat(p.sources["contacts"] for p in pieces).equals(rows)
    assert list(read.slices(7)) == [read]
    with pytest.raises(ValueError, match="at least one loan"):
        list(read.slices(0))
