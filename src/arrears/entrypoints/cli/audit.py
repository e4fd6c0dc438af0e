"""``arrears audit verify``: check that the audit trail is whole.

The trail is a set of hash chains ("lanes", ADR 0006): every entry's hash covers the previous
entry of its lane and its own content, so an entry edited, deleted or moved to another lane
after it was written breaks its lane's chain from there on. Deleting a lane's newest entries
(or rewriting a whole lane) leaves a chain that still holds; ``--anchor FILE`` guards against
that: each lane's head seen by the last verification is kept in the file (keep it where the
database's administrators cannot write) and must still be in the trail, unchanged, next time.

An anchor written before lanes (``{"id": …, "hash": …}``, the one chain's head) is still read:
that chain is lane 0, its entries unchanged, so its head must still be there. The next
successful verification rewrites the file with every lane's head.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from arrears.bootstrap import build
from arrears.entrypoints.cli.output import console, errors, handle_errors

app = typer.Typer(no_args_is_help=True, help="The hash-chained audit trail.")


def read_anchor(saved: dict[str, Any]) -> dict[int, tuple[int, str]]:
    """Lane → (id, hash) of its head at the last verification."""
    if "lanes" in saved:
        return {int(lane): (int(head["id"]), str(head["hash"]))
                for lane, head in saved["lanes"].items()}  # fmt: skip
    return {0: (int(saved["id"]), str(saved["hash"]))}  # before lanes: the one chain


def anchor_text(heads: dict[int, tuple[int, str]]) -> str:
    lanes = {str(lane): {"id": i, "hash": h} for lane, (i, h) in sorted(heads.items())}
    return json.dumps({"lanes": lanes}, indent=1)


@app.command("verify")
@handle_errors
def verify(
    anchor: Annotated[
        Path | None,
        typer.Option(help="File with the heads of the last verification; checked, then updated."),
    ] = None,
) -> None:
    """Recompute every lane's chain; exit 1 naming each entry edited, deleted, moved or cut."""
    container = build()
    container.require_schema()
    with container.uow() as uow:
        breaks = uow.audit.verify()
        head = uow.audit.head()
        heads = uow.audit.heads()
        expected = read_anchor(json.loads(anchor.read_text())) if anchor and anchor.exists() else {}
        anchored = {lane: uow.audit.hash_of(entry_id) for lane, (entry_id, _) in expected.items()}
    for found in breaks:
        errors.print(f"entry {found.entry_id}: {found.reason}", markup=False)
    cut = 0
    for lane, (entry_id, saved_hash) in sorted(expected.items()):
        if anchored[lane] != saved_hash:
            cut += 1
            errors.print(
                f"entry {entry_id}, the head of lane {lane} at the last verification, is "
                f"{'gone' if anchored[lane] is None else 'changed'}: the trail was cut or "
                "rewritten",
                markup=False,
            )
    if cut:
        raise typer.Exit(1)
    if breaks:
        errors.print(f"[bold red]The audit trail is broken in {len(breaks)} places.[/]")
        raise typer.Exit(1)
    count, last_id, last_hash = head
    console.print(
        f"The audit trail is whole: {count:,} entries in {len(heads)} lanes, the last {last_id} "
        f"({last_hash})."
    )
    if anchor is not None and heads:
        anchor.write_text(anchor_text(heads))
