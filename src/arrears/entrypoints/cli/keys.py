"""``arrears keys``: the keys that seal SSNs and dates of birth — status, add, rotate, retire.

Rotation in four steps (docs/operations.md): ``add`` a new key (it comes first, so values
written after the next start are sealed with it), restart what runs, ``rotate`` (re-seals every
older value; run it again after an interruption), then ``retire`` the old key once ``status``
shows it seals nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from arrears.adapters import field_crypto
from arrears.bootstrap import FIELD_KEY_FILE, Container, build
from arrears.entrypoints.cli.output import console, handle_errors
from arrears.errors import ArrearsError
from arrears.services import keys

app = typer.Typer(no_args_is_help=True, help="Keys of the sealed fields: status, add, rotate.")


def _key_file(container: Container) -> Path:
    if container.settings.field_keys:
        raise ArrearsError(
            "the keys come from ARREARS_FIELD_KEYS: put the new key first there (or take the "
            "old one out) and restart, instead of editing the key file"
        )
    return container.settings.data_dir / FIELD_KEY_FILE


@app.command("status")
@handle_errors
def status() -> None:
    """The configured keys (newest first) and how many values each one seals."""
    container = build()
    container.require_schema()
    counts = keys.values_by_key(uow_factory=container.uow)
    table = Table("key", "role", "values sealed")
    for number, (key_id, _) in enumerate(container.cipher.keys):
        role = "newest: seals new values" if number == 0 else "older: still reads"
        table.add_row(key_id, role, f"{counts.pop(key_id, 0):,}")
    for key_id, count in counts.items():
        table.add_row(key_id, "[red]not configured: unreadable[/]", f"{count:,}")
    console.print(table)


@app.command("add")
@handle_errors
def add() -> None:
    """Add a new key first in the key file; restart the app, then run `arrears keys rotate`."""
    container = build()
    key_id = field_crypto.add_key(_key_file(container))
    console.print(
        f"Key {key_id} added and comes first. Restart what runs (so new values use it), then "
        "run `arrears keys rotate`."
    )


@app.command("rotate")
@handle_errors
def rotate(
    batch: Annotated[int, typer.Option(help="Borrowers re-sealed per transaction.")] = 1000,
) -> None:
    """Re-seal every SSN and date of birth with the newest key (idempotent, resumable)."""
    container = build()
    container.require_schema()
    report = keys.rotate(
        uow_factory=container.uow, sealer=container.cipher, clock=container.clock,
        batch=batch,
    )  # fmt: skip
    console.print(
        f"Re-sealed {report.resealed:,} borrowers with {report.key_id} in {report.batches} "
        f"batches; {report.skipped:,} changed meanwhile and were left for the next run."
    )
    older = {k: n for k, n in report.values_by_key.items() if k != report.key_id and n}
    if older or report.skipped:
        raise typer.Exit(1)
    console.print("Every value is sealed with the newest key: older keys can be retired.")


@app.command("retire")
@handle_errors
def retire(key_id: Annotated[str, typer.Argument(help="The key to take out.")]) -> None:
    """Take an old key out of the key file once no value is sealed with it."""
    container = build()
    container.require_schema()
    counts = keys.values_by_key(uow_factory=container.uow)
    keys.check_retirable(key_id, sealer=container.cipher, counts=counts)
    field_crypto.remove_key(_key_file(container), key_id)
    console.print(f"Key {key_id} retired.")
