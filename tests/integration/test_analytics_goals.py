"""Goals in the database (both backends) and the report and goals commands end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from arrears.adapters.db.analytics_reads import SqlAnalyticsUnitOfWork
from arrears.bootstrap import Container
from arrears.entrypoints.cli.main import app
from arrears.errors import NotFoundError
from arrears.services.analytics import ReportSettings, compute_report
from arrears.services.goals import list_goals, read_goal_file, remove_goal, set_goals
from support.db import run_import
from support.portfolio import TODAY

GOALS = """
[[goal]]
id = "delinquency-down"
metric = "delinquency_rate"
target = 0.2
deadline = 2027-06-30
owner = "Collections director"

[[goal]]
id = "early-cures"
metric = "cure_rate"
segment = "bucket:1-29"
target = 0.55
deadline = 2027-03-31
owner = "Early-stage team"
"""


def factory(container: Container) -> Callable[[], SqlAnalyticsUnitOfWork]:
    return lambda: SqlAnalyticsUnitOfWork(container.engine, cipher=container.cipher)


def test_goals_are_set_replaced_listed_and_removed(container: Container, tmp_path: Path) -> None:
    path = tmp_path / "goals.toml"
    path.write_text(GOALS, encoding="utf-8")
    goals = read_goal_file(path, buckets=container.buckets)
    set_goals(goals, uow_factory=factory(container), clock=container.clock, by="tester")
    stored = list_goals(uow_factory=factory(container))
    assert [g.id for g in stored] == ["early-cures", "delinquency-down"]  # by deadline
    assert stored[0].target == Decimal("0.55")
    set_goals(
        [replace(goals[0], target=Decimal("0.15"))],
        uow_factory=factory(container),
        clock=container.clock,
        by="tester",
    )
    assert {g.id: g.target for g in list_goals(uow_factory=factory(container))}[
        "delinquency-down"
    ] == Decimal("0.15")
    remove_goal("early-cures", uow_factory=factory(container), clock=container.clock, by="t")
    assert [g.id for g in list_goals(uow_factory=factory(container))] == ["delinquency-down"]
    with pytest.raises(NotFoundError):
        remove_goal("early-cures", uow_factory=factory(container), clock=container.clock, by="t")
    with container.engine.connect() as connection:
        actions = (
            connection.execute(
                text("SELECT action FROM audit_log WHERE entity_type = 'goal' ORDER BY id")
            )
            .scalars()
            .all()
        )
    assert actions == ["goal.set", "goal.set", "goal.set", "goal.removed"]


def test_the_report_tracks_stored_goals(
    container: Container, portfolio_files: list[Path], tmp_path: Path
) -> None:
    """The 30+ delinquency rate on 27 Nov: L1 (104 DPD) owes 796.95 of the open balance;
    L3 is charged off and does not count. The goal has 30 daily points."""
    run_import(container, portfolio_files)
    path = tmp_path / "goals.toml"
    path.write_text(GOALS, encoding="utf-8")
    set_goals(
        read_goal_file(path, buckets=container.buckets),
        uow_factory=factory(container),
        clock=container.clock,
        by="tester",
    )
    report = compute_report(
        factory(container),
        as_of=TODAY,
        clock=container.clock,
        settings=ReportSettings(buckets=container.buckets, policy=container.policy),
    )
    tracked = {progress.goal.id: progress for progress in report.goals}
    delinquency = tracked["delinquency-down"]
    assert len(delinquency.series) == 30
    portfolio = report.table("portfolio").records()
    serious = sum(
        int(str(r["outstanding_minor"]))
        for r in portfolio
        if r["segment"] not in {"current", "1-29", "charged off", "paid / closed"}
    )
    open_balance = sum(
        int(str(r["outstanding_minor"])) for r in portfolio if r["segment"] != "charged off"
    )
    assert delinquency.current == pytest.approx(serious / open_balance)
    assert delinquency.status in {"met", "on track", "at risk", "off track"}


def test_the_commands_write_goals_and_reports(
    tmp_path: Path, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """arrears init / import / goals set / goals list / report -o / report --format json /
    export parquet / report --from-parquet, on a SQLite file."""
    monkeypatch.setenv("ARREARS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ARREARS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    (tmp_path / "goals.toml").write_text(GOALS, encoding="utf-8")
    run("init")
    run("import", *map(str, portfolio_files))
    assert "2 goal(s) set" in run("goals", "set", "--file", str(tmp_path / "goals.toml"))
    run(
        "goals",
        "set",
        "collect",
        "--metric",
        "collected_minor",
        "--target",
        "100000",
        "--deadline",
        "2027-12-31",
        "--owner",
        "Recovery",
    )
    assert "collect" in run("goals", "list")
    as_of = date(2026, 11, 20).isoformat()
    run("report", "--as-of", as_of, "-o", str(tmp_path / "report.html"))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"Collections report as of {as_of}" in page
    data = json.loads(run("report", "--as-of", as_of, "--format", "json"))
    assert data["accounts"] == 3
    assert {g["id"] for g in data["goals"]} == {"collect", "early-cures", "delinquency-down"}
    run("export", "parquet", str(tmp_path / "export"))
    again = json.loads(
        run(
            "report",
            "--as-of",
            as_of,
            "--format",
            "json",
            "--from-parquet",
            str(tmp_path / "export"),
        )
    )
    assert again["sections"] == data["sections"]
    refused = runner.invoke(
        app,
        [
            "goals",
            "set",
            "x",
            "--metric",
            "nope",
            "--target",
            "1",
            "--deadline",
            "2027-01-01",
            "--owner",
            "me",
        ],
    )
    assert refused.exit_code != 0
    assert "unknown metric" in refused.output
