"""``arrears cycle`` (run the day) and ``arrears decisions`` (what was decided for an account)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from arrears.bootstrap import Container, build
from arrears.entrypoints.cli.output import RichProgress, console, parse_date, whole_money
from arrears.errors import ArrearsError, NotFoundError
from arrears.services.cycle import CycleReport, run_cycle

if TYPE_CHECKING:
    from arrears.batch.scoring.model import RecoveryModel
    from arrears.config import Settings
    from arrears.services.snapshot_ports import Manifest


class Engine(StrEnum):
    database = "database"
    polars = "polars"
    spark = "spark"


def cycle_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Business date (YYYY-MM-DD); default today.")
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            help="database: decide and store in the database; polars or spark: decide a "
            "snapshot (--snapshot) and write Parquet (--out)."
        ),
    ] = Engine.database,
    snapshot: Annotated[
        str | None,
        typer.Option(
            help="Snapshot directory (arrears snapshot export); for Spark also a URI "
            "(hdfs://, s3a://, abfss://, dbfs:/)."
        ),
    ] = None,
    out: Annotated[
        str | None, typer.Option(help="New directory (or, for Spark, URI) for the decisions.")
    ] = None,
    master: Annotated[
        str | None, typer.Option(help="Spark master URL (local[N], spark://…, yarn).")
    ] = None,
    partition_accounts: Annotated[
        int | None, typer.Option(help="Accounts per partition (snapshot engines).")
    ] = None,
    run_id: Annotated[
        int | None, typer.Option(help="Run id in the files (default: the date as YYYYMMDD).")
    ] = None,
) -> None:
    """Run the daily cycle: decide, per account, what happens next and why."""
    if engine is not Engine.database:
        if snapshot is None or out is None:
            raise ArrearsError(f"--engine {engine} needs --snapshot DIR and --out DIR")
        report = decide_from_snapshot(
            engine=engine, snapshot=snapshot, out=out, master=master,
            partition_accounts=partition_accounts, run_id=run_id,
            as_of=parse_date(as_of, option="--as-of"),
        )  # fmt: skip
        print_cycle(report)
        console.print(f"Decisions written to {out}.")
        return
    container = build()
    container.require_schema()
    report = run_day(container, parse_date(as_of, option="--as-of"), quiet=False)
    print_cycle(report)


def _model_for(manifest: Manifest, config: Settings) -> RecoveryModel | None:
    """The scoring model the snapshot's strategy names, when it optimises (from the data
    directory's ``models/``, as the database engine reads it)."""
    from arrears.adapters.files.model_store import FileModelStore

    strategy = manifest.strategy.load(manifest.bucket_scheme)
    if strategy.optimise is None:
        return None
    return FileModelStore(config.data_dir / "models").load(strategy.optimise.model)


def _same_date(snapshot: str, manifest: Manifest, as_of: date | None) -> None:
    if as_of is not None and as_of != manifest.as_of:
        raise ArrearsError(f"{snapshot} is the snapshot of {manifest.as_of}, not {as_of}")


def decide_from_snapshot(
    *,
    engine: Engine,
    snapshot: str,
    out: str,
    master: str | None,
    partition_accounts: int | None,
    run_id: int | None,
    as_of: date | None,
) -> CycleReport:
    """Decide a snapshot on Polars (this machine) or Spark (``master``) into ``out``.

    Spark reads the manifest through the cluster's file system, so the snapshot and the
    decisions may live wherever Spark reads and writes (HDFS, object stores, volumes)."""
    from arrears.adapters.snapshot import DecisionsWriter, SnapshotReader
    from arrears.adapters.system_clock import SystemClock
    from arrears.config import load_settings
    from arrears.services.cycle_snapshot import SnapshotCycleSettings, decide_snapshot

    config = load_settings()
    clock = SystemClock(config.business_time_zone)
    settings = SnapshotCycleSettings(run_id=run_id)
    if partition_accounts:
        settings = replace(settings, partition_accounts=partition_accounts)
    if engine is Engine.spark:
        from arrears.adapters.spark import files
        from arrears.adapters.spark.engine import decide_on_spark, read_snapshot_manifest
        from arrears.adapters.spark.session import spark_session

        spark = spark_session(master, app_name="arrears cycle")
        manifest = read_snapshot_manifest(spark, files.absolute(snapshot))
        _same_date(snapshot, manifest, as_of)
        run = decide_on_spark(
            snapshot=snapshot, out=out, master=master, clock=clock, spark=spark,
            settings=replace(settings, model=_model_for(manifest, config)),
        )  # fmt: skip
    else:
        source = SnapshotReader(Path(snapshot))
        _same_date(snapshot, source.manifest, as_of)
        run = decide_snapshot(
            source=source, sink=DecisionsWriter(Path(out)), clock=clock,
            settings=replace(settings, model=_model_for(source.manifest, config)),
            progress=RichProgress(),
        )  # fmt: skip
    summary = run.summary
    return CycleReport(
        as_of=run.as_of,
        run_id=run.run_id,
        status="completed",
        strategy=str(summary.get("strategy", "")),
        accounts_by_bucket=dict(summary.get("buckets", {})),
        actions_by_treatment=dict(summary.get("actions", {})),
        blocked_by_reason=dict(summary.get("blocked", {})),
        partitions_run=run.partitions,
    )


def run_day(container: Container, as_of: object, *, quiet: bool) -> CycleReport:
    day = as_of if isinstance(as_of, date) else container.clock.today()
    return run_cycle(
        as_of=day,
        uow_factory=container.uow,
        clock=container.clock,
        settings=container.cycle_settings,
        progress=None if quiet else RichProgress(),
    )


def print_cycle(report: CycleReport) -> None:
    if report.status == "already completed":
        console.print(
            f"The cycle for {report.as_of} already completed (run {report.run_id}); "
            "nothing was changed. Its results:"
        )
    else:
        console.print(f"Cycle run {report.run_id} for {report.as_of}: {report.strategy}.")
    table = Table(title="Accounts by bucket")
    table.add_column("bucket")
    table.add_column("accounts", justify="right")
    for bucket, count in report.accounts_by_bucket.items():
        table.add_row(bucket, f"{count:,}")
    actions = Table(title="Actions planned")
    actions.add_column("treatment")
    actions.add_column("accounts", justify="right")
    for treatment, count in sorted(report.actions_by_treatment.items(), key=lambda kv: -kv[1]):
        actions.add_row(treatment, f"{count:,}")
    blocked = Table(title="Blocked")
    blocked.add_column("why")
    blocked.add_column("count", justify="right")
    for reason, count in sorted(report.blocked_by_reason.items(), key=lambda kv: -kv[1]):
        blocked.add_row(reason, f"{count:,}")
    console.print(table, actions, blocked)


def decisions_command(
    loan: Annotated[str, typer.Argument(help="Loan id (lender's).")],
    limit: Annotated[int, typer.Option(help="How many days back.")] = 10,
) -> None:
    """What the cycle decided for an account, day by day, and what stopped anything."""
    container = build()
    container.require_schema()
    with container.uow() as uow:
        loan_id = uow.accounts.loan_id(loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {loan!r}")
        history = uow.cycle.decisions_for(loan_id, limit=limit)
    if not history:
        console.print(f"No cycle has decided on {loan} yet.")
        return
    for decision in history:
        arm = f", {decision['experiment']}: {decision['arm']}" if decision["experiment"] else ""
        console.print(
            f"[bold]{decision['as_of']}[/] {decision['dpd']} DPD ({decision['bucket']}), "
            f"owes {whole_money(decision['balance_minor'])}; segment "
            f"{decision['segment'] or '—'}{arm}"
        )
        if not decision["items"]:
            console.print("    nothing due today")
        for item in decision["items"]:
            if item["status"] == "planned":
                console.print(f"    [green]planned[/] {item['treatment']}: {item['rule']}")
            else:
                source = f" ({item['source']})" if item["source"] else ""
                console.print(
                    f"    [red]blocked[/] {item['treatment']}: {item['reason']}{source}",
                )
