"""Backups of the database as the database itself makes them: SQLite's online backup API (a
consistent copy while arrears keeps running) and PostgreSQL's ``pg_dump``/``pg_restore`` (the
custom format, the schema arrears uses).

Both write to a temporary name next to the destination and rename it when it is complete and
checked, so an interrupted backup never leaves a file that looks like a good one. Passwords go
to ``pg_dump`` through the environment, never on its command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL

from arrears.errors import ArrearsError, ConfigurationError

#: Pages copied per step of SQLite's online backup (writers may proceed between steps).
_PAGES_PER_STEP = 4096


class SqlArchive:
    """Back up or restore the database behind ``engine`` (``schema``: PostgreSQL only)."""

    def __init__(self, engine: Engine, *, schema: str | None = None) -> None:
        self.engine = engine
        self.url = engine.url
        self.schema = schema

    @property
    def kind(self) -> str:
        return self.url.get_backend_name()

    def back_up(self, destination: Path) -> None:
        partial = _partial(destination)
        try:
            if self.kind == "sqlite":
                _sqlite_backup(_sqlite_path(self.url), partial)
            else:
                _pg_dump(self.url, partial, schema=self.schema)
            os.chmod(partial, 0o600)  # sealed personal data: readable by the owner only
            os.replace(partial, destination)
        finally:
            partial.unlink(missing_ok=True)

    def is_empty(self) -> bool:
        """Whether the target holds no arrears tables (a restore goes only into an empty one)."""
        if self.kind == "sqlite" and not _sqlite_path(self.url).exists():
            return True
        with self.engine.connect() as connection:
            return not inspect(connection).get_table_names(schema=self.schema)

    def restore(self, source: Path) -> None:
        if self.kind == "sqlite":
            _sqlite_restore(source, _sqlite_path(self.url))
        else:
            _pg_restore(source, self.url)


def _partial(destination: Path) -> Path:
    destination.parent.mkdir(parents=True, exist_ok=True)
    return destination.with_name(f".{destination.name}.partial")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise ConfigurationError("an in-memory SQLite database cannot be backed up")
    return Path(url.database).expanduser()


def _sqlite_backup(database: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy, pages=_PAGES_PER_STEP)
        _check_sqlite(copy, target)


def _check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    found = connection.execute("PRAGMA integrity_check").fetchone()
    if not found or found[0] != "ok":
        raise ArrearsError(f"{path} failed SQLite's integrity check: {found}")


def _sqlite_restore(source: Path, database: Path) -> None:
    """Check the backup, copy it beside the database, then swap it in (atomic)."""
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as check:
        _check_sqlite(check, source)
    partial = _partial(database)
    try:
        shutil.copyfile(source, partial)
        os.chmod(partial, 0o600)
        for suffix in ("-wal", "-shm"):  # an old write-ahead log must not replay onto the copy
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        os.replace(partial, database)
    finally:
        partial.unlink(missing_ok=True)


def _libpq_env(url: URL) -> dict[str, str]:
    """The connection as libpq environment variables (the password stays off the command line)."""
    values = {
        "PGHOST": url.host, "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username, "PGPASSWORD": url.password, "PGDATABASE": url.database,
    }  # fmt: skip
    return {**os.environ, **{k: str(v) for k, v in values.items() if v}}


def _run(command: list[str], url: URL) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise ConfigurationError(f"{command[0]} is not installed (PostgreSQL's client tools)")
    try:
        subprocess.run(  # noqa: S603 - a fixed tool with arguments we built, no shell
            [tool, *command[1:]], env=_libpq_env(url), check=True, capture_output=True,
            text=True, timeout=6 * 3600,
        )  # fmt: skip
    except subprocess.CalledProcessError as failed:
        message = (failed.stderr or "").strip().splitlines()
        raise ArrearsError(f"{command[0]} failed: {message[-1] if message else failed}") from None


def _pg_dump(url: URL, target: Path, *, schema: str | None) -> None:
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
    if schema:
        command.append(f"--schema={schema}")
    _run(command, url)


def _pg_restore(source: Path, url: URL) -> None:
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={url.database}", str(source)],
        url,
    )  # fmt: skip
