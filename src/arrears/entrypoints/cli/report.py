"""``arrears report``, ``arrears goals set/list/remove`` and ``arrears export parquet``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from arrears.bootstrap import Container, analytics_units, build
from arrears.entrypoints.cli.output import RichProgress, console, handle_errors, parse_date

app = typer.Typer(no_args_is_help=True, help="Reports, goals and analytics exports.")
goals_app = typer.Typer(no_args_is_help=True, help="SMART goals the report tracks daily.")
export_app = typer.Typer(no_args_is_help=True, help="Exports of the report's input frames.")
app.add_typer(goals_app, name="goals")
app.add_typer(export_app, name="export")


def analytics_uow(container: Container) -> Any:
    """A factory of units of work with the analytics stores (reads and goals)."""
    return analytics_units(container)


def report_settings(container: Container, **overrides: Any) -> Any:
    from arrears.services.analytics import ReportSettings

    base = ReportSettings(
        buckets=container.buckets,
        policy=container.policy,
        partition_loans=container.settings.partition_loans,
    )
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})


@app.command("report")
@handle_errors
def report_command(
    as_of: Annotated[str | None, typer.Option(help="Report date (default today).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="html or json.")] = "html",
    from_parquet: Annotated[
        Path | None, typer.Option(help="Compute from an `arrears export parquet` directory.")
    ] = None,
    goals_file: Annotated[
        Path | None, typer.Option("--goals", help="Track the goals of this TOML file instead.")
    ] = None,
    currency: Annotated[str | None, typer.Option(help="Currency of the loans reported.")] = None,
    window_days: Annotated[int | None, typer.Option(help="Trailing window (days).")] = None,
    months: Annotated[int | None, typer.Option(help="Month-end transitions shown.")] = None,
    outcome_days: Annotated[int | None, typer.Option(help="Experiment outcome days.")] = None,
    trend_days: Annotated[int | None, typer.Option(help="Days of goal history.")] = None,
    power: Annotated[float | None, typer.Option(help="Power for sample sizes.")] = None,
    effect: Annotated[
        float | None, typer.Option(help="Cure-rate difference sample sizes are for.")
    ] = None,
) -> None:
    """Every metric as of a date: one self-contained HTML file (or JSON with --format json)."""
    from arrears.adapters.reports.html import render_html
    from arrears.adapters.reports.json_output import render_json
    from arrears.adapters.reports.parquet_store import ParquetUnitOfWork
    from arrears.errors import ArrearsError
    from arrears.services.analytics import compute_report
    from arrears.services.goals import read_goal_file

    if fmt not in ("html", "json"):
        raise ArrearsError(f"--format {fmt!r}: use html or json")
    container = build()
    day = parse_date(as_of, option="--as-of") or container.clock.today()
    settings = report_settings(
        container,
        window_days=window_days,
        months=months,
        outcome_days=outcome_days,
        trend_days=trend_days,
        power=power,
        effect=effect,
    )
    if from_parquet is not None:
        factory: Any = partial(ParquetUnitOfWork, from_parquet)
    else:
        container.require_schema()
        factory = analytics_uow(container)
    goals = read_goal_file(goals_file, buckets=container.buckets) if goals_file else None
    report = compute_report(
        factory,
        as_of=day,
        clock=container.clock,
        settings=settings,
        currency=currency,
        goals=goals,
        progress_to=RichProgress() if output is not None else None,
    )
    text = render_html(report) if fmt == "html" else render_json(report)
    if output is None and fmt == "json":
        typer.echo(text)
        return
    target = output or Path("report.html")
    target.write_text(text, encoding="utf-8")
    console.print(f"Report as of {day} ({report.accounts:,} accounts) written to {target}.")


@export_app.command("parquet")
@handle_errors
def export_parquet(
    directory: Annotated[Path, typer.Argument(help="A new (or empty) directory.")],
) -> None:
    """Write the frames the report reads (whole history) as partitioned Parquet files."""
    from arrears.adapters.reports.parquet_store import ParquetFrameSink
    from arrears.services.analytics import export_frames

    container = build()
    container.require_schema()
    rows = export_frames(
        analytics_uow(container),
        ParquetFrameSink(directory),
        clock=container.clock,
        settings=report_settings(container),
        progress_to=RichProgress(),
    )
    counts = ", ".join(f"{name} {count:,}" for name, count in rows.items())
    console.print(f"Exported to {directory}: {counts}.")


@goals_app.command("set")
@handle_errors
def set_goal(
    goal_id: Annotated[str | None, typer.Argument(help="Goal id (omit with --file).")] = None,
    file: Annotated[Path | None, typer.Option(help="TOML file of [[goal]] tables.")] = None,
    metric: Annotated[str | None, typer.Option(help="cure_rate, recovery_rate, …")] = None,
    segment: Annotated[str | None, typer.Option(help="all, bucket:<name>, product:<name>")] = None,
    target: Annotated[
        str | None, typer.Option(help="0.55 for 55%; minor units for *_minor")
    ] = None,
    deadline: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    owner: Annotated[str | None, typer.Option(help="Person or team accountable.")] = None,
    starts_on: Annotated[str | None, typer.Option(help="YYYY-MM-DD (optional)")] = None,
    description: Annotated[str | None, typer.Option(help="What and why.")] = None,
    by: Annotated[str, typer.Option(help="Who sets it (audit trail).")] = "cli",
) -> None:
    """Set goals from a file, or one goal from options (an existing id is replaced)."""
    from arrears.errors import ArrearsError
    from arrears.services.goals import goal_from_values, read_goal_file, set_goals

    container = build()
    container.require_schema()
    if (file is None) == (goal_id is None):
        raise ArrearsError("give either a goal id with its options, or --file")
    if file is not None:
        goals = read_goal_file(file, buckets=container.buckets)
    else:
        values = {
            "id": goal_id,
            "metric": metric,
            "segment": segment,
            "target": target,
            "deadline": parse_date(deadline, option="--deadline"),
            "owner": owner,
            "starts_on": parse_date(starts_on, option="--starts-on"),
            "description": description,
        }
        goals = [goal_from_values(values, buckets=container.buckets)]
    set_goals(goals, uow_factory=analytics_uow(container), clock=container.clock, by=by)
    console.print(f"{len(goals)} goal(s) set: {', '.join(g.id for g in goals)}.")


@goals_app.command("list")
@handle_errors
def list_goals_command() -> None:
    """The goals the report tracks."""
    from arrears.services.goals import list_goals

    container = build()
    container.require_schema()
    goals = list_goals(uow_factory=analytics_uow(container))
    if not goals:
        console.print("No goals set (arrears goals set --file goals.toml).")
        return
    table = Table(title="Goals")
    for column in ("id", "metric", "segment", "target", "deadline", "owner"):
        table.add_column(column)
    for goal in goals:
        table.add_row(
            goal.id,
            goal.metric,
            goal.segment,
            str(goal.target),
            goal.deadline.isoformat(),
            goal.owner,
        )
    console.print(table)


@goals_app.command("remove")
@handle_errors
def remove_goal_command(
    goal_id: Annotated[str, typer.Argument(help="Goal id.")],
    by: Annotated[str, typer.Option(help="Who removes it (audit trail).")] = "cli",
) -> None:
    """Stop tracking a goal."""
    from arrears.services.goals import remove_goal

    container = build()
    container.require_schema()
    remove_goal(goal_id, uow_factory=analytics_uow(container), clock=container.clock, by=by)
    console.print(f"Goal {goal_id} removed.")


def report_hint(as_of: date) -> str:
    """The command that writes the report of a date (printed by the demo)."""
    return f"arrears report --as-of {as_of.isoformat()} -o report.html"


def demo_goals(today: date) -> str:
    """Goals for the demo portfolio, with deadlines a few months from ``today``."""
    return f"""
[[goal]]
id = "early-cures"
metric = "cure_rate"
segment = "bucket:1-29"
target = 0.35
deadline = {today + timedelta(days=120)}
owner = "Early-stage team"
description = "Cure more accounts within their first month past due."

[[goal]]
id = "delinquency-down"
metric = "delinquency_rate"
target = 0.08
deadline = {today + timedelta(days=180)}
owner = "Collections director"

[[goal]]
id = "collect-more"
metric = "collected_minor"
target = 5000000
deadline = {today + timedelta(days=60)}
owner = "Recovery team"
description = "Collect $50,000 a month from accounts in arrears."
"""


DEMO_REPORT_BUDGET_SECONDS = 110.0
"""The demo writes its report itself only while it has taken less than this (the whole demo
should finish within two minutes); otherwise it prints the command that writes it."""


def write_demo_report(
    container: Container, *, today: date, directory: Path, elapsed: float
) -> Path | None:
    """Set the demo goals, then write the report of ``today`` next to the demo database and say
    whether the challenger beat the champion — or, when the demo has already run long, print
    the command that does."""
    from arrears.analytics.goals import parse_goals
    from arrears.services.goals import set_goals

    goals = parse_goals(demo_goals(today), source="demo", bucket_names=container.buckets.names)
    set_goals(goals, uow_factory=analytics_uow(container), clock=container.clock, by="demo")
    path = directory / "report.html"
    settings = container.settings
    command = (
        f"ARREARS_DATA_DIR={settings.data_dir} "
        f"ARREARS_DATABASE_URL={settings.effective_database_url} "
        f"arrears report --as-of {today.isoformat()} -o {path}"
    )
    if elapsed > DEMO_REPORT_BUDGET_SECONDS:
        console.print(
            f"Write the analytics report (goals, roll rates, recovery curves, "
            f"experiments) with: {command}",
            markup=False,
            soft_wrap=True,
        )
        return None
    _demo_report(container, today=today, path=path)
    console.print(
        f"Analytics report: {path} (again, for any day: {command})", markup=False, soft_wrap=True
    )
    return path


def _demo_report(container: Container, *, today: date, path: Path) -> None:
    from arrears.adapters.reports.html import experiment_verdicts, render_html
    from arrears.services.analytics import compute_report

    report = compute_report(
        analytics_uow(container),
        as_of=today,
        clock=container.clock,
        settings=report_settings(container),
    )
    path.write_text(render_html(report), encoding="utf-8")
    for sentence in experiment_verdicts(report):
        console.print(f"Experiment: {sentence}", markup=False)
