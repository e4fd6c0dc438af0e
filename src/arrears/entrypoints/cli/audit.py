"""``arrears audit verify``: check that the audit trail is whole.

Every entry's hash covers the previous entry's hash and its own content, so an entry edited or
deleted after it was written breaks the chain from there on. Deleting the newest entries (or
rewriting the whole chain) leaves a chain that still holds; ``--anchor FILE`` guards against
that: the head seen by the last verification is kept in the file (keep it where the database's
administrators cannot write) and must still be in the chain, unchanged, next time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from arrears.bootstrap import build
from arrears.entrypoints.cli.output import console, errors, handle_errors

app = typer.Typer(no_args_is_help=True, help="The hash-chained audit trail.")


@app.command("verify")
@handle_errors
def verify(
    anchor: Annotated[
        Path | None,
        typer.Option(help="File with the head of the last verification; checked, then updated."),
    ] = None,
) -> None:
    """Recompute the chain; exit 1 naming each entry that was edited, deleted or reordered."""
    container = build()
    container.require_schema()
    with container.uow() as uow:
        breaks = uow.audit.verify()
        head = uow.audit.head()
        expected = json.loads(anchor.read_text()) if anchor and anchor.exists() else None
        anchored = uow.audit.hash_of(int(expected["id"])) if expected else None
    for found in breaks:
        errors.print(f"entry {found.entry_id}: {found.reason}", markup=False)
    if expected and anchored != expected["hash"]:
        errors.print(
            f"entry {expected['id']}, the head at the last verification, is "
            f"{'gone' if anchored is None else 'changed'}: the trail was cut or rewritten",
            markup=False,
        )
        raise typer.Exit(1)
    if breaks:
        errors.print(f"[bold red]The audit trail is broken in {len(breaks)} places.[/]")
        raise typer.Exit(1)
    count, last_id, last_hash = head
    console.print(f"The audit trail is whole: {count:,} entries, the last {last_id} ({last_hash}).")
    if anchor is not None and last_id:
        anchor.write_text(json.dumps({"id": last_id, "hash": last_hash}))
