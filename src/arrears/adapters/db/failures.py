"""Database failures a user can fix, told in their words: the server is down or unreachable,
or the database (or its disk) is full. SQLAlchemy raises them as ``OperationalError`` (or, for
some PostgreSQL limits, another ``DBAPIError``); ``as_storage_error`` turns them into
``StorageUnavailable`` for the CLI and the API. Anything else stays what it is (a bug).

PostgreSQL classes by SQLSTATE (PostgreSQL manual, appendix A): 08 connection exceptions,
53 insufficient resources (53100 disk full), 54 program limit exceeded, 57P01-57P03 the server
shutting down or starting. SQLite says "database or disk is full" (SQLITE_FULL, which
``max_page_count`` also raises), "unable to open database file" or "disk I/O error".
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from arrears.errors import StorageUnavailable

_UNREACHABLE = ("08", "57P01", "57P02", "57P03")
_FULL = ("53", "54")
_SQLITE_FULL = ("database or disk is full",)
_SQLITE_UNREACHABLE = ("unable to open database file", "disk i/o error")
_PG_UNREACHABLE = ("connection failed", "could not connect", "connection refused",
                   "server closed the connection", "connection timeout expired")  # fmt: skip


def _sqlstate(error: DBAPIError) -> str:
    return str(getattr(error.orig, "sqlstate", None) or "")


def as_storage_error(error: BaseException) -> StorageUnavailable | None:
    """The ``StorageUnavailable`` that ``error`` stands for, or None if it is not one."""
    if not isinstance(error, DBAPIError):
        return None
    state, text = _sqlstate(error), str(error.orig).lower()
    first = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else ""
    if state.startswith(_FULL) or any(s in text for s in _SQLITE_FULL):
        return StorageUnavailable(
            f"the database has no room left ({first}): nothing was changed; free space (or "
            "raise the limit) and run it again"
        )
    unreachable = error.connection_invalidated or state.startswith(_UNREACHABLE)
    if unreachable or any(s in text for s in (*_SQLITE_UNREACHABLE, *_PG_UNREACHABLE)):
        return StorageUnavailable(
            f"the database cannot be reached ({first}): nothing was changed; check that it is "
            "running and ARREARS_DATABASE_URL, then run it again"
        )
    return None
