"""The demo-sized portfolio (5,000 generated loans through the real import) exports a month
that ``arrears metro2 validate`` accepts with no problem at all."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from arrears.adapters.db.bulk import insert_frame
from arrears.adapters.db.schema_negotiation import contacts
from arrears.batch.furnishing import FurnishingSettings, Reporter, previous_month_ends
from arrears.bootstrap import Container
from arrears.entrypoints.cli.metro2 import app as metro2_cli
from arrears.formats.metro2 import read_file
from arrears.services.furnishing import ExportSettings, export_month
from arrears.simulation.portfolio import write_portfolio
from support.db import run_import

pytestmark = pytest.mark.slow
DEMO_LOANS = 5_000


def _spoken_to_every_borrower(container: Container, day: datetime) -> None:
    """A telephone conversation with every borrower, so every account may be furnished."""
    with container.engine.begin() as connection:
        rows = connection.execute(text("SELECT id, borrower_id FROM loans")).fetchall()
        frame = pl.DataFrame(
            {"loan_id": [r[0] for r in rows], "borrower_id": [r[1] for r in rows]},
            schema={"loan_id": pl.Int64, "borrower_id": pl.Int64},
        ).with_columns(
            pl.lit("call").alias("channel"), pl.lit("outbound").alias("direction"),
            pl.lit(day, dtype=pl.Datetime("us", "UTC")).alias("at"),
            pl.lit("agent").alias("actor"), pl.lit("right_party_contact").alias("outcome"),
            pl.lit("").alias("template"), pl.lit("").alias("notes"),
            pl.lit("{}").alias("details"),
            pl.lit(day, dtype=pl.Datetime("us", "UTC")).alias("created_at"),
        )  # fmt: skip
        insert_frame(connection, contacts, frame)


def test_the_demo_portfolio_exports_a_file_validate_accepts(
    container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = container.clock.today()
    files = write_portfolio(tmp_path / "portfolio", loans=DEMO_LOANS, seed=42, as_of=today)
    run_import(container, list(files.values()))
    _spoken_to_every_borrower(container, datetime.combine(today - timedelta(days=400), time(15),
                                                          tzinfo=UTC))  # fmt: skip
    as_of = previous_month_ends(today)[0]
    path = tmp_path / "demo.m2"
    report = export_month(
        as_of=as_of, output=path, uow_factory=container.uow, clock=container.clock,
        settings=ExportSettings(
            reporter=Reporter(name="EXAMPLE LENDING", address="PO BOX 1000, SPRINGFIELD IL"),
            furnishing=FurnishingSettings(identification_number="ARREARS01"),
            partition_loans=2_000,
        ),
    )  # fmt: skip
    assert report.records > DEMO_LOANS // 2
    assert report.records + sum(report.excluded.values()) == DEMO_LOANS
    statuses = {a.base.account_status for a in read_file(path.read_bytes()).accounts}
    assert {"11", "97"} <= statuses
    if container.schema is None:
        checked = CliRunner().invoke(metro2_cli, ["validate", str(path)])
        assert checked.exit_code == 0, checked.output
        assert "no problems" in checked.output
