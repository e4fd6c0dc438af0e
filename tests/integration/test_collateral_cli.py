"""``arrears collateral``: show, vendors, a case started and noticed, a refused order citing its
rule (exit 5, nothing changed, the refusal in the audit trail), and the timers on demand."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from arrears.adapters.system_clock import SystemClock
from arrears.bootstrap import Container
from arrears.entrypoints.cli.main import app
from support.db import run_import


@pytest.fixture
def cli(container: Container, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    if container.schema:
        pytest.skip("the CLI opens the default schema")
    run_import(container, portfolio_files)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("ARREARS_DATABASE_URL", container.settings.effective_database_url)
    monkeypatch.setenv("ARREARS_DATA_DIR", str(container.settings.data_dir))
    runner = CliRunner()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["collateral", *args])

    return run


def test_a_case_through_the_command_line(cli, container: Container) -> None:  # type: ignore[no-untyped-def]
    today = SystemClock(container.settings.business_time_zone).today()
    noticed = (today - timedelta(days=1)).isoformat()
    shown = cli("show", "L2")
    assert shown.exit_code == 0, shown.output
    assert "1HGCM82633A004352" in shown.output
    assert "LTV" in shown.output
    assert cli("vendor", "add", "ACME", "--name", "Acme Recovery", "--state", "CA").exit_code == 0
    started = cli("repossess", "start", "L2", "--on", noticed)
    assert started.exit_code == 0, started.output
    notice = cli("repossess", "notice", "L2", "--on", noticed)
    assert notice.exit_code == 0, notice.output
    assert "cure_period" in notice.output
    refused = cli("repossess", "assign", "L2", "--vendor", "ACME")
    assert refused.exit_code == 5
    assert "repossession.cure_period" in refused.output
    assert "nothing was changed" in refused.output
    with container.engine.connect() as connection:
        stage = connection.execute(text("SELECT stage FROM collateral_cases")).scalar_one()
        audit = connection.execute(
            text("SELECT COUNT(*) FROM audit_log WHERE action = 'collateral.refused'")
        ).scalar_one()
    assert stage == "cure_period"
    assert audit == 1
    advanced = cli("advance", "--as-of", today.isoformat())
    assert advanced.exit_code == 0
    assert "1 open case(s)" in advanced.output
    future = cli(
        "repossess", "stop", "L2", "--reason", "x", "--on", (today + timedelta(days=1)).isoformat()
    )
    assert future.exit_code != 0
    assert "in the future" in future.output


def test_a_bad_vin_is_refused_on_the_command_line(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "register-vehicle",
        "L2",
        "--id",
        "C9",
        "--vin",
        "1HGCM82643A004352",
        "--year",
        "2023",
        "--make",
        "Honda",
        "--model",
        "Civic",
    )
    assert result.exit_code == 5
    assert "49 CFR 565.15" in result.output
