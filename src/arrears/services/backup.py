"""Backing up and restoring the database (``arrears backup`` / ``arrears restore``).

A backup is what the database engine itself produces (SQLite's online backup, ``pg_dump``),
checked, and only then given its name; the result is described by its size and SHA-256 so a
copy can be checked later. A restore goes only into an empty database (never over a live one),
and the restored database is then checked: its schema revision, and its audit trail's chain.

The field keys (``field-keys.json`` or ``ARREARS_FIELD_KEYS``) are not in a backup, on purpose:
keep them apart from it (docs/operations.md). Without them the sealed fields cannot be read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from arrears.errors import ArrearsError


class Archive(Protocol):
    @property
    def kind(self) -> str: ...
    def back_up(self, destination: Path) -> None: ...
    def is_empty(self) -> bool: ...
    def restore(self, source: Path) -> None: ...


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: str  # sqlite | postgresql
    size: int
    sha256: str


def back_up(archive: Archive, destination: Path, *, overwrite: bool = False) -> BackupFile:
    """Write a backup of the database to ``destination`` (complete, or not at all)."""
    if destination.exists() and not overwrite:
        raise ArrearsError(f"{destination} exists: choose another name (or --overwrite)")
    archive.back_up(destination)
    return describe(destination, kind=archive.kind)


def restore(archive: Archive, source: Path, *, replace: bool = False) -> None:
    """Restore ``source`` into the configured database, which must be empty unless
    ``replace`` (SQLite only: the file is swapped for the backup's copy)."""
    if not source.is_file():
        raise ArrearsError(f"there is no backup file {source}")
    swap = replace and archive.kind == "sqlite"
    if not swap and not archive.is_empty():
        hint = " (or --replace to swap the SQLite file)" if archive.kind == "sqlite" else ""
        raise ArrearsError(f"the database is not empty: restore into a new, empty one{hint}")
    archive.restore(source)


def describe(path: Path, *, kind: str) -> BackupFile:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return BackupFile(path=path, kind=kind, size=path.stat().st_size, sha256=digest.hexdigest())
