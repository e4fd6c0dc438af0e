"""``arrears init``, ``arrears import`` and ``arrears status``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from arrears.bootstrap import Container, build, initialise
from arrears.entrypoints.cli.output import RichProgress, console, parse_date, whole_money
from arrears.services.importing import ImportReport, import_portfolio
from arrears.services.status import PortfolioStatus, portfolio_status


def init_command() -> None:
    """Create the database (or upgrade it to this version) and the encryption keys."""
    container = build(create_keys=True)
    before, after = initialise(container)
    if before == after:
        console.print(f"Database {container.database_label} is up to date ({after}).")
    else:
        console.print(f"Database {container.database_label}: {before} → {after}.")


def import_command(
    files: Annotated[list[Path], typer.Argument(help="CSV or Parquet files (see docs)")],
    rejects: Annotated[
        Path | None,
        typer.Option(help="Write bad rows with their problems here and import the rest."),
    ] = None,
) -> None:
    """Import borrowers, loans, schedules, collateral, valuations and payments."""
    container = build()
    container.require_schema()
    report = run_import(container, files, rejects=rejects)
    print_import(report)


def run_import(container: Container, files: list[Path], *, rejects: Path | None) -> ImportReport:
    today = container.clock.today()
    return import_portfolio(
        files,
        uow_factory=container.import_uow,
        files=container.import_files(today),
        problem_sink=container.problem_log(rejects),
        clock=container.clock,
        settings=container.import_settings,
        accept_rejects=rejects is not None,
        progress=RichProgress(),
    )


def print_import(report: ImportReport) -> None:
    table = Table(title=f"Import run {report.run_id}: {report.status}")
    for column in ("file kind", "rows", "inserted", "updated", "unchanged", "rejected"):
        table.add_column(column, justify="right" if column != "file kind" else "left")
    for kind, tally in report.counts.items():
        table.add_row(
            kind,
            *(f"{tally.get(k, 0):,}" for k in ("rows", "inserted", "updated", "unchanged")),
            f"{tally.get('rejected', 0):,}",
        )
    console.print(table)
    console.print(
        f"Ledger: {report.posting.entries:,} entries posted for {report.posting.loans:,} loans."
    )
    if report.problems_total:
        console.print(
            f"[yellow]{report.problems_total:,} problem(s); rejected rows are in "
            f"{report.problems_file}[/]"
        )


def status_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default today.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The portfolio by delinquency bucket: accounts, balances and amounts past due."""
    container = build()
    container.require_schema()
    status = compute_status(container, parse_date(as_of, option="--as-of"))
    if as_json:
        console.print_json(json.dumps(status_as_dict(status)))
    else:
        print_status(status)


def compute_status(container: Container, as_of: date | None) -> PortfolioStatus:
    today = container.clock.today()
    return portfolio_status(
        container.uow,
        as_of=as_of or today,
        today=today,
        buckets=container.buckets,
        policy=container.policy,
        partition=container.settings.partition_loans,
    )


def status_as_dict(status: PortfolioStatus) -> dict[str, object]:
    return {
        "as_of": status.as_of.isoformat(),
        "segments": [
            {
                "segment": row.segment,
                "accounts": row.accounts,
                "balance_minor": row.balance_minor,
                "past_due_minor": row.past_due_minor,
            }
            for row in status.rows
        ],
    }


def print_status(status: PortfolioStatus) -> None:
    table = Table(title=f"Portfolio as of {status.as_of:%d %b %Y} (days past due)")
    table.add_column("Bucket")
    for column in ("Accounts", "% accounts", "Balance", "% balance", "Past due"):
        table.add_column(column, justify="right")
    accounts = status.accounts or 1
    balance = status.balance_minor or 1
    for row in status.rows:
        table.add_row(
            row.segment,
            f"{row.accounts:,}",
            f"{100 * row.accounts / accounts:.1f}%",
            whole_money(row.balance_minor),
            f"{100 * row.balance_minor / balance:.1f}%",
            whole_money(row.past_due_minor),
        )
    table.add_section()
    table.add_row(
        "Total",
        f"{status.accounts:,}",
        "100.0%",
        whole_money(status.balance_minor),
        "100.0%",
        whole_money(status.past_due_minor),
    )
    console.print(table)
