"""A book's first import into SQLite written once, through a rollback journal (docs/adr/0018).

In write-ahead-log mode every page a transaction writes goes to the log first and is copied
into the database file by the checkpoint after the commit. An import is one transaction, so
the first import of a 1,000,000-loan book grew a 12.7 GB log and its checkpoint wrote every
page a second time (54 s of a 630 s import). A rollback journal keeps the original content of
the pages a transaction changes; pages beyond the file's size when the transaction began have
none to keep, so into an empty book nearly every page is written once, straight into the file,
and a failed import still rolls back (the file is cut back to its old size).

Leaving the log needs the file to itself: SQLite refuses while any other connection has it
open, and then the import keeps the log, as before. While the import holds the file in this
mode, a reader waits for it (``busy_timeout``) once the import has begun writing into the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from sqlalchemy import Connection, Table

LOG_MODE = "wal"
"""The mode every connection asks for (``engine._sqlite_pragmas``) and the import returns to."""


def leave_log(connection: Connection, book: Sequence[Table]) -> bool:
    """Switch ``connection``'s SQLite file to a rollback journal when every table of ``book``
    is empty and nothing else has the file open; True when switched. Called before the
    transaction begins (SQLite changes the mode only outside one)."""
    if connection.dialect.name != "sqlite" or connection.in_transaction():
        return False
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    for table in book:
        if raw.execute(f'SELECT EXISTS (SELECT 1 FROM "{table.name}")').fetchone()[0]:
            return False
    try:
        mode = raw.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:  # "database is locked": another connection has it open
        return False
    return bool(mode == "delete")


def return_to_log(connection: Connection) -> bool:
    """Put the file back in write-ahead-log mode after the import's commit or rollback; True
    when it is. A reader that opened meanwhile and is still reading holds the switch back for
    as long as the connection's ``busy_timeout``; after that the file stays out of the log
    until the next connection to open switches it (``engine._sqlite_pragmas``)."""
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    try:
        return bool(raw.execute(f"PRAGMA journal_mode={LOG_MODE}").fetchone()[0] == LOG_MODE)
    except sqlite3.OperationalError:  # "database is locked": a reader still holds it
        return False
