"""The cycle on local Spark decides a generated snapshot exactly as the Polars engine does."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from bench.snapshot import Shape, generate
from typer.testing import CliRunner

from arrears.adapters.snapshot import DecisionsWriter, SnapshotError, SnapshotReader, read_tables
from arrears.adapters.snapshot.layout import part_name
from arrears.adapters.snapshot.writer import write_frame
from arrears.domain.clock import FixedClock
from arrears.services.cycle_snapshot import SnapshotCycleSettings, decide_snapshot
from arrears.services.snapshot_ports import StrategyBundle
from arrears.services.strategies import digest_of
from support.decision_engine import hand_made_model
from support.spark import local_spark

pytestmark = pytest.mark.spark
ACCOUNTS = 2_000
CLOCK = FixedClock.on(date(2026, 11, 27), hour=6)
OPTIMISED = """
strategy: capped
version: 1
optimise:
  capacities: {agent_minutes: 300, sms: 80}
segments:
  - name: behind
    when: {dpd: {min: 1}, charged_off: false}
    treatments:
      - treatment: agent_call
        every: 1
      - treatment: reminder_sms
        every: 1
"""
MODEL = hand_made_model()


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = local_spark()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated book of 2,000 accounts in four files (a delinquent tail, holds, contacts)."""
    directory = tmp_path_factory.mktemp("spark") / "snapshot"
    generate(Shape(ACCOUNTS, seed=5, chunk=500), directory)
    return directory


@pytest.fixture(scope="module")
def on_polars(snapshot: Path) -> Path:
    out = snapshot.parent / "polars"
    decide_snapshot(
        source=SnapshotReader(snapshot), sink=DecisionsWriter(out), clock=CLOCK,
        settings=SnapshotCycleSettings(partition_accounts=750),
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
        settings=SnapshotCycleSettings(partition_accounts=350),
    )  # fmt: skip
    expected, found = read_tables(on_polars), read_tables(tmp_path / "spark")
    for table, frame in expected.items():
        assert frame.schema == found[table].schema, table
        assert frame.equals(found[table]), table
    assert expected["decisions"].height == ACCOUNTS
    assert expected["actions"].height > 50
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


@pytest.fixture(scope="module")
def optimised(snapshot: Path) -> Path:
    """The same book under a strategy that optimises calls and texts within capacities, with
    the payment facts its model scores from (seeded: about two thirds of accounts paid)."""
    directory = snapshot.parent / "optimised"
    shutil.copytree(snapshot, directory)
    bundle = StrategyBundle("capped", 1, digest_of(OPTIMISED, {}), "capped.yaml", OPTIMISED)
    (directory / "strategy.json").write_text(json.dumps(asdict(bundle)), encoding="utf-8")
    ids = SnapshotReader(snapshot).loan_ids().to_numpy()
    rng = np.random.default_rng(3)
    paid = ids[rng.random(ids.size) < 0.65]
    write_frame(
        pl.DataFrame({
            "loan_id": paid,
            "days_since_payment": rng.integers(0, 200, paid.size).astype(np.int32),
            "paid_90d_minor": rng.integers(0, 90_000, paid.size),
        }),
        directory / "paid" / part_name(0),
    )  # fmt: skip
    return directory


def test_an_optimised_strategy_decides_the_same_on_spark(
    spark: Any, optimised: Path, tmp_path: Path
) -> None:
    """Prices solved once on a hashed sample of the whole book (about 800 of 2,000 accounts) and
    broadcast, capacities shared by the snapshot's blocks: Spark's tables and summary, prices
    included, equal the Polars engine's; the capacities bind (calls and texts blocked by
    capacity, non-zero prices) and are never exceeded."""
    from arrears.adapters.spark.engine import decide_on_spark

    settings = SnapshotCycleSettings(partition_accounts=350, model=MODEL, sample_accounts=800)
    on_polars = decide_snapshot(
        source=SnapshotReader(optimised), sink=DecisionsWriter(tmp_path / "polars"),
        clock=CLOCK, settings=settings,
    )  # fmt: skip
    on_spark = decide_on_spark(
        snapshot=optimised, out=tmp_path / "spark", master=None, clock=CLOCK, spark=spark,
        settings=settings,
    )  # fmt: skip
    expected, found = read_tables(tmp_path / "polars"), read_tables(tmp_path / "spark")
    for table, frame in expected.items():
        assert frame.schema == found[table].schema, table
        assert frame.equals(found[table]), table
    assert on_spark.summary == on_polars.summary
    assert on_spark.rows == on_polars.rows
    optimiser = on_polars.summary["optimiser"]
    assert optimiser["prices"]["agent_minutes"] > 0
    assert optimiser["prices"]["sms"] > 0
    assert optimiser["model_version"] == MODEL.version
    blocked = on_polars.summary["blocked"]
    assert sum(n for why, n in blocked.items() if why.startswith("capacity")) > 50
    planned = on_polars.summary["actions"]
    assert 0 < planned.get("reminder_sms", 0) <= 80
