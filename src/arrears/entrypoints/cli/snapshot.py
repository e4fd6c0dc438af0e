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


@app.command("furnishing")
@handle_errors
def furnishing_command(
    directory: Annotated[Path, typer.Argument(help="New directory for the facts.")],
    as_of: Annotated[str, typer.Option("--as-of", help="Last day of the period (YYYY-MM-DD).")],
) -> None:
    """Write the month's furnishing facts (what the Metro 2 export reads) as Parquet, SSNs and
    dates of birth sealed, for ``arrears snapshot metro2``."""
    from arrears.adapters.snapshot.furnishing import export_furnishing_facts

    container = build()
    container.require_schema()
    day = parse_date(as_of, option="--as-of")
    assert day is not None
    manifest = export_furnishing_facts(
        as_of=day,
        directory=directory,
        uow_factory=container.uow,
        now=container.clock.now(),
        policy=container.policy,
        partition_loans=container.settings.metro2_partition_loans,
    )
    console.print(f"Furnishing facts of {manifest.accounts:,} accounts as of {day} in {directory}.")
    _rows(manifest.rows)


@app.command("metro2")
@handle_errors
def metro2_command(
    snapshot: Annotated[
        str,
        typer.Argument(
            help="Furnishing facts (arrears snapshot furnishing): a directory, or a URI Spark "
            "reads (hdfs://, s3a://, abfss://, dbfs:/)."
        ),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="The Metro 2 file to write.")],
    master: Annotated[
        str | None, typer.Option(help="Spark master URL (local[N], spark://…, yarn).")
    ] = None,
    partition_accounts: Annotated[int, typer.Option(help="Accounts per task chunk.")] = 200_000,
    packed: Annotated[bool, typer.Option(help="Write the packed format.")] = False,
    blocked: Annotated[bool, typer.Option(help="Block Descriptor Words (character).")] = False,
    newlines: Annotated[bool, typer.Option(help="A line break after each record.")] = False,
) -> None:
    """The month's Metro 2 file on Spark: partitions furnished in parallel, one file written
    with the trailer summed from the partitions' counters."""
    from arrears.adapters.snapshot.furnishing import parse_furnishing_manifest
    from arrears.adapters.snapshot.layout import SnapshotError
    from arrears.adapters.spark import files
    from arrears.adapters.spark.metro2 import export_on_spark
    from arrears.adapters.spark.metro2_tasks import Metro2Inputs
    from arrears.adapters.spark.session import spark_session
    from arrears.entrypoints.cli.metro2 import _export_settings
    from arrears.formats.metro2 import Framing

    container = build()
    framing = (
        Framing.packed()
        if packed
        else Framing(blocked=blocked, line_separator=b"\n" if newlines else b"")
    )
    settings = _export_settings(container, framing=framing)
    spark = spark_session(master, app_name="arrears metro2")
    source = files.absolute(snapshot)
    if not files.exists(spark, files.join(source, "manifest.json")):
        raise SnapshotError(f"{source} holds no furnishing facts (no manifest.json)")
    manifest = parse_furnishing_manifest(
        files.read_text(spark, files.join(source, "manifest.json")), where=source
    )
    inputs = Metro2Inputs(
        as_of=manifest.as_of,
        header=settings.reporter.header(
            activity=manifest.as_of, created=manifest.date_created or container.clock.today()
        ),
        framing=framing,
        settings=settings.furnishing,
        cipher=container.cipher,
        partition_accounts=partition_accounts,
    )
    report = export_on_spark(
        spark, snapshot=source, manifest=manifest, output=output, inputs=inputs
    )
    console.print(
        f"{report.path}: {report.records:,} account(s) as of {manifest.as_of} from "
        f"{report.partitions} partitions; SHA-256 {report.sha256}",
        markup=False,
        soft_wrap=True,
    )
    left = ", ".join(f"{reason} {count:,}" for reason, count in report.excluded.items())
    console.print(f"Not furnished: {left or 'none'}", markup=False, soft_wrap=True)


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
