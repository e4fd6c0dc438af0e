"""``arrears snapshot``: freeze what the cycle decides from on a date as Parquet, and describe one.

``export`` writes the snapshot that ``arrears cycle --engine polars|spark --snapshot DIR`` then
decides from (docs/scaling.md); ``show`` prints a snapshot's or a decided run's manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from arrears.bootstrap import build
from arrears.entrypoints.cli.output import RichProgress, console, handle_errors, parse_date

app = typer.Typer(no_args_is_help=True)


@app.command("export")
@handle_errors
def export_command(
    directory: Annotated[Path, typer.Argument(help="New directory to write the snapshot into.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Business date (YYYY-MM-DD); default today.")
    ] = None,
    partition_loans: Annotated[
        int | None, typer.Option(help="Loans per partition (default: the cycle's setting).")
    ] = None,
) -> None:
    """Write the frames the cycle decides from on a date (features, history, holds, compliance
    facts, recent contacts) and the strategy in force, as a Parquet snapshot."""
    from dataclasses import replace

    from arrears.adapters.snapshot import SnapshotWriter
    from arrears.services.snapshot_export import export_snapshot

    container = build()
    container.require_schema()
    settings = container.cycle_settings
    if partition_loans:
        settings = replace(settings, partition_loans=partition_loans)
    day = parse_date(as_of, option="--as-of") or container.clock.today()
    manifest = export_snapshot(
        as_of=day,
        uow_factory=container.uow,
        clock=container.clock,
        settings=settings,
        sink=SnapshotWriter(directory),
        progress=RichProgress(),
    )
    console.print(
        f"Snapshot of {manifest.accounts:,} accounts as of {manifest.as_of} "
        f"({manifest.strategy.name} v{manifest.strategy.version}) written to {directory}."
    )
    _rows(manifest.rows)


@app.command("show")
@handle_errors
def show_command(
    directory: Annotated[Path, typer.Argument(help="A snapshot or a decided run's directory.")],
) -> None:
    """Print the manifest of a snapshot or of a run decided from one."""
    from arrears.adapters.snapshot import read_run_manifest

    console.print_json(json.dumps(read_run_manifest(directory)))


def _rows(rows: dict[str, int]) -> None:
    table = Table(title="Rows")
    table.add_column("frame")
    table.add_column("rows", justify="right")
    for name, count in rows.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
