"""Engines for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from arrears.errors import ConfigurationError


def make_engine(
    url: str, *, schema: str | None = None, echo: bool = False, pool_size: int = 5
) -> Engine:
    """An engine for ``url``; ``schema`` puts PostgreSQL tables in that schema (tests use it).

    ``pool_size`` connections stay open for reuse: as many as the threads that use the
    database at once (a server's ``web_threads`` and the outbox sender). Each one beyond it
    is opened for one unit of work and closed after, which on PostgreSQL starts and ends a
    server process every time.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        sqlite3.register_adapter(type(None), _null)  # process-wide, and the same NULL: _null
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if backend == "postgresql":
        connect_args: dict[str, Any] = {}
        if schema:
            connect_args["options"] = f"-csearch_path={schema}"
        engine = create_engine(url, echo=echo, connect_args=connect_args, pool_size=pool_size)
        _ping_when_idle(engine)
        return engine
    raise ConfigurationError(f"unsupported database {backend!r}: use sqlite or postgresql")


PING_AFTER_IDLE_SECONDS = 1.0
"""A pooled PostgreSQL connection idle this long is pinged before it is handed out; one handed
back sooner is not. Pinging at every checkout (``pool_pre_ping``) cost a round trip per unit of
work, 2.5% of an API account view's CPU in one process, although under load a connection is
back in the pool for milliseconds. A server restart takes longer than this: every connection
checked in before it has been idle for more than a second when the server answers again, so
it is pinged and replaced. What is not caught is a connection ended within a second of its
last use: its next unit of work fails, the pool drops it, and the request answers 503
(``StorageUnavailable``); the next request gets a new connection."""

_IDLE_SINCE = "arrears.idle_since"


def _ping_when_idle(engine: Engine, monotonic: Callable[[], float] = time.monotonic) -> None:
    """Time in the pool is measured on the monotonic clock (an elapsed time, not a date)."""
    dialect = engine.dialect

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)  # None: a new connection (the info goes with it)
        if since is None or monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as gone:
            # the pool drops this connection and tries another (or a new one), three times
            raise DisconnectionError(f"a pooled connection is gone: {gone}") from gone

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)


def _null(_value: None) -> None:
    """``sqlite3`` binds an int, float or str directly but adapts anything else, None included:
    for None it looks up an adapter, then looks for ``__adapt__`` and ``__conform__`` and finds
    neither (0.25–0.4 µs a value: nearly every journal entry's ``reverses_version``, many
    payments' return reason). Registered for None, this adapter is found at the first look and
    binds the same NULL; a 100,000-loan import into SQLite took 3–7% less."""
    return None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy manage transactions explicitly (BEGIN IMMEDIATE below) instead of pysqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as refused:
        if "locked" not in str(refused):
            raise
        # A first import holds the file in rollback-journal mode (docs/adr/0018) and puts it
        # back in the log when it ends; this connection reads it as it is meanwhile.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # Take the write lock at the start of a transaction so two writers never deadlock half way.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
