"""A snapshot exported from the database and decided on Polars gives the database engine's
decisions, row for row; the export changes nothing; the commands work end to end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arrears.adapters.snapshot import (
    DecisionsWriter,
    SnapshotError,
    SnapshotReader,
    SnapshotWriter,
    read_tables,
)
from arrears.bootstrap import Container
from arrears.entrypoints.cli.main import app as cli
from arrears.errors import ArrearsError
from arrears.services.cycle import CycleSettings, run_cycle
from arrears.services.cycle_snapshot import SnapshotCycleSettings, decide_snapshot
from arrears.services.snapshot_export import export_snapshot
from support.db import table_counts
from support.snapshots import assert_same, database_tables, decided, generated_book

LOANS = 240


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    generated_book(container, tmp_path / "book", loans=LOANS)
    return container


def _settings(container: Container, partition: int = 50) -> CycleSettings:
    return CycleSettings(
        buckets=container.buckets, policy=container.policy, partition_loans=partition
    )


def _export(container: Container, directory: Path, partition: int = 50) -> None:
    export_snapshot(
        as_of=container.clock.today(), uow_factory=container.uow, clock=container.clock,
        settings=_settings(container, partition), sink=SnapshotWriter(directory),
    )  # fmt: skip


def _decide(container: Container, snapshot: Path, out: Path, partition: int) -> None:
    decide_snapshot(
        source=SnapshotReader(snapshot), sink=DecisionsWriter(out), clock=container.clock,
        settings=SnapshotCycleSettings(partition_accounts=partition),
    )  # fmt: skip


def test_the_snapshot_engine_decides_as_the_database_engine(book: Container, tmp_path: Path):
    """Export, decide on Polars; then run the database cycle for the same date: every decision,
    item and action is the same (only the run's id and timestamps differ)."""
    today = book.clock.today()
    _export(book, tmp_path / "snap")
    _decide(book, tmp_path / "snap", tmp_path / "out", partition=64)
    report = run_cycle(
        as_of=today, uow_factory=book.uow, clock=book.clock, settings=_settings(book, 70)
    )
    from_parquet = decided(read_tables(tmp_path / "out"))
    from_database = decided(database_tables(book, as_of=today))
    assert from_parquet["decisions"].height == LOANS
    assert from_parquet["actions"].height > 0, "a generated book in collections plans actions"
    assert from_parquet["decision_items"]["blocked_by"].drop_nulls().n_unique() >= 2
    assert_same(from_parquet, from_database)
    run = SnapshotReader(tmp_path / "snap").manifest
    assert run.accounts == LOANS
    assert sum(report.accounts_by_bucket.values()) == LOANS


def test_an_export_changes_nothing_in_the_database(book: Container, tmp_path: Path) -> None:
    """Promises and plans are re-derived on the way but rolled back: no table changes."""
    before = table_counts(book)
    _export(book, tmp_path / "snap")
    assert table_counts(book) == before


def test_the_snapshot_is_self_contained(book: Container, tmp_path: Path) -> None:
    """The manifest names date, strategy and digest; the strategy's text travels with it."""
    _export(book, tmp_path / "snap", partition=100)
    manifest = SnapshotReader(tmp_path / "snap").manifest
    assert manifest.as_of == book.clock.today()
    assert manifest.strategy.name == "default"
    assert len(manifest.strategy.digest) == 64
    assert "segments:" in manifest.strategy.text
    assert len(manifest.partitions) == 3
    assert manifest.rows["features"] == manifest.rows["facts"] == LOANS


def test_dates_the_cycle_refuses_are_refused_and_nothing_is_left(
    book: Container, tmp_path: Path
) -> None:
    with pytest.raises(ArrearsError, match="in the future"):
        export_snapshot(
            as_of=book.clock.today() + timedelta(days=1), uow_factory=book.uow,
            clock=book.clock, settings=_settings(book), sink=SnapshotWriter(tmp_path / "snap"),
        )  # fmt: skip
    assert not (tmp_path / "snap").exists()
    assert not list(tmp_path.glob(".snap.partial-*"))


def test_a_snapshot_is_never_written_over(book: Container, tmp_path: Path) -> None:
    _export(book, tmp_path / "snap")
    with pytest.raises(SnapshotError, match="not empty"):
        _export(book, tmp_path / "snap")


def test_the_commands_export_and_decide(
    book: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``arrears snapshot export`` then ``arrears cycle --engine polars``, end to end."""
    if book.schema:
        pytest.skip("the CLI opens the default schema")
    monkeypatch.setenv("ARREARS_DATABASE_URL", book.settings.effective_database_url)
    monkeypatch.setenv("ARREARS_DATA_DIR", str(book.settings.data_dir))
    day = book.clock.today().isoformat()
    runner = CliRunner()
    exported = runner.invoke(cli, ["snapshot", "export", "--as-of", day, str(tmp_path / "s")])
    assert exported.exit_code == 0, exported.output
    assert f"{LOANS:,} accounts" in exported.output
    decided_run = runner.invoke(
        cli, ["cycle", "--engine", "polars", "--snapshot", str(tmp_path / "s"),
              "--out", str(tmp_path / "d"), "--partition-accounts", "100"],
    )  # fmt: skip
    assert decided_run.exit_code == 0, decided_run.output
    assert "Actions planned" in decided_run.output
    assert read_tables(tmp_path / "d")["decisions"].height == LOANS
    shown = runner.invoke(cli, ["snapshot", "show", str(tmp_path / "d")])
    assert '"engine": "polars"' in shown.output
    missing = runner.invoke(cli, ["cycle", "--engine", "polars", "--out", str(tmp_path / "x")])
    assert missing.exit_code != 0
    assert "--snapshot" in missing.output


CAPPED = """
strategy: capped
version: 1
optimise:
  capacities: {agent_minutes: 60, sms: 40}
segments:
  - name: behind
    when: {dpd: {min: 1}, charged_off: false}
    treatments:
      - treatment: agent_call
        every: 1
      - treatment: reminder_sms
        every: 1
"""


def test_an_optimising_strategy_travels_with_its_payment_facts(
    book: Container, tmp_path: Path
) -> None:
    """Under a strategy that optimises, the export writes each account's payment facts (what
    its model scores from) as the payments say, and the snapshot decides on its own with the
    model: the run's optimiser figures are in its summary."""
    from arrears.batch.scoring.cycle_inputs import payment_facts
    from arrears.services.strategies import activate_strategy
    from support.decision_engine import hand_made_model

    (tmp_path / "capped.yaml").write_text(CAPPED, encoding="utf-8")
    activate_strategy(tmp_path / "capped.yaml", by="test", uow_factory=book.uow,
                      clock=book.clock, buckets=book.buckets)  # fmt: skip
    _export(book, tmp_path / "snap", partition=100)
    reader = SnapshotReader(tmp_path / "snap")
    with book.uow() as uow:
        ids = uow.cycle.loan_ids()
        expected = payment_facts(uow.reads.payments(list(ids)), as_of=book.clock.today())
    found = reader.payment_facts(min(ids), max(ids))
    assert found.height == expected.height > LOANS // 2
    assert found.equals(expected.sort("loan_id").select(found.columns))
    run = decide_snapshot(
        source=reader, sink=DecisionsWriter(tmp_path / "run"), clock=book.clock,
        settings=SnapshotCycleSettings(model=hand_made_model()),
    )  # fmt: skip
    assert run.summary["strategy"] == "capped v1"
    assert set(run.summary["optimiser"]["prices"]) >= {"agent_minutes", "sms"}
    assert read_tables(tmp_path / "run")["decisions"].height == LOANS
