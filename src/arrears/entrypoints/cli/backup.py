"""``arrears backup FILE`` and ``arrears restore FILE``: a consistent copy of the database
(SQLite's online backup while arrears runs; ``pg_dump`` on PostgreSQL) and its restore into an
empty database, checked afterwards (schema revision, audit chain). docs/operations.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arrears.adapters.db import migrate
from arrears.adapters.db.backup import SqlArchive
from arrears.bootstrap import build
from arrears.entrypoints.cli.output import console, errors, handle_errors
from arrears.services import backup


@handle_errors
def backup_command(
    destination: Annotated[Path, typer.Argument(help="The backup file to write.")],
    overwrite: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Back up the database (the field keys are not in it: keep them apart)."""
    container = build()
    container.require_schema()
    made = backup.back_up(
        SqlArchive(container.engine, schema=container.schema), destination, overwrite=overwrite
    )
    console.print(
        f"Backed up {container.database_label} to {made.path} ({made.kind}, {made.size:,} "
        f"bytes, sha256 {made.sha256}). The field keys are not in it: keep them apart.",
        soft_wrap=True,
    )


@handle_errors
def restore_command(
    source: Annotated[Path, typer.Argument(help="A file written by `arrears backup`.")],
    replace: Annotated[
        bool, typer.Option(help="SQLite: swap the existing database file for the backup.")
    ] = False,
) -> None:
    """Restore a backup into the configured (empty) database, then check it."""
    container = build()
    backup.restore(SqlArchive(container.engine, schema=container.schema), source, replace=replace)
    container.engine.dispose()  # connections opened before the swap must not be reused
    revisions = migrate.current_revisions(container.engine)
    with container.uow() as uow:
        breaks = uow.audit.verify()
        entries = uow.audit.head()[0]
    console.print(
        f"Restored {source} into {container.database_label} (revision "
        f"{migrate.describe(revisions)}; {entries:,} audit entries)."
    )
    if revisions != migrate.head_revisions():
        console.print("The backup is from an older release: run `arrears init` to upgrade it.")
    if breaks:
        errors.print(f"[bold red]The restored audit trail is broken in {len(breaks)} places.[/]")
        raise typer.Exit(1)
