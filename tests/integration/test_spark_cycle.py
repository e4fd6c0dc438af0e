"""The cycle on local Spark decides a generated snapshot exactly as the Polars engine does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bench.snapshot import Shape, generate
from typer.testing import CliRunner

from arrears.adapters.snapshot import DecisionsWriter, SnapshotError, SnapshotReader, read_tables
from arrears.domain.clock import FixedClock
from arrears.services.cycle_snapshot import SnapshotCycleSettings, decide_snapshot
from support.spark import local_spark

pytestmark = pytest.mark.spark
ACCOUNTS = 4_000
CLOCK = FixedClock.on(date(2026, 11, 27), hour=6)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = local_spark()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated book of 4,000 accounts in four files (a delinquent tail, holds, contacts)."""
    directory = tmp_path_factory.mktemp("spark") / "snapshot"
    generate(Shape(ACCOUNTS, seed=5, chunk=1_000), directory)
    return directory


@pytest.fixture(scope="module")
def on_polars(snapshot: Path) -> Path:
    out = snapshot.parent / "polars"
    decide_snapshot(
        source=SnapshotReader(snapshot), sink=DecisionsWriter(out), clock=CLOCK,
        settings=SnapshotCycleSettings(partition_accounts=1_500),
    )  # fmt: skip
    return out


def test_spark_decides_as_polars_row_for_row(
    spark: Any, snapshot: Path, on_polars: Path, tmp_path: Path
) -> None:
    """Same snapshot, clock and run id: the three tables are equal row for row and column for
    column (types too), and so are the run's totals (Spark aggregations against the sum of
    the Polars partitions' summaries)."""
    from arrears.adapters.spark.engine import decide_on_spark

    run = decide_on_spark(
        snapshot=snapshot, out=tmp_path / "spark", master=None, clock=CLOCK, spark=spark,
        settings=SnapshotCycleSettings(partition_accounts=700),
    )  # fmt: skip
    expected, found = read_tables(on_polars), read_tables(tmp_path / "spark")
    for table, frame in expected.items():
        assert frame.schema == found[table].schema, table
        assert frame.equals(found[table]), table
    assert expected["decisions"].height == ACCOUNTS
    assert expected["actions"].height > 100
    polars_run = json.loads((on_polars / "manifest.json").read_text())
    assert run.summary == polars_run["summary"]
    assert run.rows == polars_run["rows"]
    assert run.engine == "spark"


def test_spark_refuses_to_write_over_a_run(spark: Any, snapshot: Path, on_polars: Path) -> None:
    from arrears.adapters.spark.engine import decide_on_spark

    with pytest.raises(SnapshotError, match="not empty"):
        decide_on_spark(snapshot=snapshot, out=on_polars, master=None, clock=CLOCK, spark=spark)


def test_the_command_runs_the_cycle_on_spark(spark: Any, snapshot: Path, tmp_path: Path) -> None:
    """``arrears cycle --engine spark --master local[2]`` prints the summary and writes the run."""
    from arrears.entrypoints.cli.main import app

    result = CliRunner().invoke(
        app, ["cycle", "--engine", "spark", "--master", "local[2]", "--snapshot", str(snapshot),
              "--out", str(tmp_path / "run")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Actions planned" in result.output
    assert read_tables(tmp_path / "run")["decisions"].height == ACCOUNTS
