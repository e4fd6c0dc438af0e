"""Reads built once and, on PostgreSQL, run on the driver's own cursor.

Every account view makes about ten small indexed reads. SQLAlchemy's execution of a statement
it has cached still costs about 70 µs of CPU per read against the driver's own (an execution
context, the cursor's description turned into result metadata, the result object): for
one-row reads that is half their cost, and the serving process's CPU is what limits how many
views two cores answer (docs/benchmarks.md, "account view"). A ``Prebuilt`` read compiles its
statement once and, on PostgreSQL, sends the SQL text straight to psycopg in the connection's
own transaction, with the column names read once and SQLAlchemy's result processors
(``UTCDateTime``, floats) still applied. Elsewhere (SQLite) it runs through SQLAlchemy as any
other statement, so both databases give the same rows.

Only ``SELECT`` statements whose parameters are plain values go this way; an expanding
``IN`` parameter becomes ``= ANY(%(name)s)`` with the values as one array.

The reads of one database connection share its psycopg cursors, kept with the connection (in
its pool record's ``info``, which the pool discards with the connection): a read runs on the
first, a prefetch on one per read. A new cursor for every read cost about 13 µs of CPU more,
a tenth of a one-row read. A driver error becomes
the ``DBAPIError`` SQLAlchemy would have raised, a lost connection invalidated.

``prefetch`` sends several reads in one round trip (psycopg's pipeline mode) when a caller
knows them before it needs their rows: an account view's reads once its loan is found. Each
later ``tuples``/``rows`` call with the same read and parameters in the same transaction takes
its rows instead of asking again; anything else is read as usual. Prefetch only reads the
transaction makes before it writes: the rows are the transaction's view at the prefetch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Result, Select
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any]

_EXPANDING = re.compile(r"IN \(__\[POSTCOMPILE_(\w+)\]\)")
_CURSORS = "arrears.prebuilt.cursors"  # the key of a connection's read cursors in its pool info
_PREFETCHED = "arrears.prebuilt.prefetched"  # (transaction, {read key: rows})

Read = tuple["Prebuilt", Mapping[str, Any]]
"""A read and its parameters, as ``prefetch`` takes them."""


@dataclass(frozen=True, slots=True)
class _Driver:
    """The statement as psycopg runs it: SQL text, column names, result processors."""

    sql: str
    names: tuple[str, ...]
    types: tuple[TypeEngine[Any], ...]
    literals: dict[str, Any]  # values the statement carries itself (``in_(("a", "b"))``)


class Prebuilt:
    """A ``SELECT`` built once at import time; ``rows``/``tuples``/``one`` run it."""

    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        self.statement = statement
        self._driver: _Driver | None = None
        # SQLAlchemy's result processors, chosen by the type codes of the first result (a
        # float column's depends on the server's numeric type, as in SQLAlchemy's own result)
        self._processors: tuple[tuple[int, Processor], ...] | None = None

    def tuples(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The rows as tuples, in the statement's column order."""
        if connection.dialect.name != "postgresql":
            return [tuple(row) for row in connection.execute(self.statement, dict(params))]
        driver = self._driver or self._compile(connection)
        found = _take_prefetched(connection, self, params)
        if found is None:
            if not connection.in_transaction():
                connection.begin()  # the driver's statement belongs to the unit of work's
            cursor = _cursors(connection, 1)[0]
            sent = _arrays({**driver.literals, **params})
            try:
                cursor.execute(driver.sql, sent)
                found = self._fetched(connection, driver, cursor)
            except connection.dialect.loaded_dbapi.Error as error:
                raise _as_sqlalchemy_error(connection, error, driver.sql, sent) from error
        processors = self._processors
        if not processors:
            return found
        return [_processed(row, processors) for row in found]

    def _fetched(self, connection: Connection, driver: _Driver, cursor: Any) -> list[Any]:
        """The cursor's rows, this read's result processors chosen from the first result's
        type codes."""
        if self._processors is None:
            codes = [column.type_code for column in cursor.description or ()]
            chosen = (
                kind._cached_result_processor(connection.dialect, code)
                for kind, code in zip(driver.types, codes, strict=True)
            )
            self._processors = tuple(
                (index, process) for index, process in enumerate(chosen) if process is not None
            )
        found: list[Any] = cursor.fetchall()
        return found

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The rows as dicts by column name (the names are read once)."""
        if connection.dialect.name != "postgresql":
            return dicts(connection.execute(self.statement, dict(params)))
        names = (self._driver or self._compile(connection)).names
        return [dict(zip(names, row, strict=True)) for row in self.tuples(connection, params)]

    def one(self, connection: Connection, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The only row, or None; more than one is a mistake in the statement."""
        found = self.rows(connection, params)
        if len(found) > 1:
            raise ValueError(f"expected at most one row, got {len(found)}")
        return found[0] if found else None

    def _compile(self, connection: Connection) -> _Driver:
        """Compiled for PostgreSQL (psycopg) once; only PostgreSQL connections come here."""
        compiled = self.statement.compile(dialect=connection.dialect)
        sql = _EXPANDING.sub(r"= ANY(%(\1)s)", compiled.string)
        if "POSTCOMPILE" in sql:
            raise ValueError(f"a parameter of this statement cannot be sent as is: {sql}")
        if any(compiled._bind_processors.values()):
            raise ValueError("a parameter of this statement needs converting: not a Prebuilt")
        columns = compiled._result_columns
        names = tuple(column.keyname for column in columns)
        types = tuple(column.type for column in columns)
        literals = {name: value for name, value in compiled.params.items() if value is not None}
        self._driver = _Driver(sql, names, types, literals)
        return self._driver


def prefetch(connection: Connection, reads: Iterable[Read]) -> None:
    """Send ``reads`` in one round trip on PostgreSQL and keep their rows for this
    transaction's ``tuples``/``rows`` calls with the same read and parameters (each taken
    once). Elsewhere nothing is sent: each read runs when it is made, as before."""
    wanted = list(reads)
    if connection.dialect.name != "postgresql" or not wanted:
        return
    drivers = [read._driver or read._compile(connection) for read, _ in wanted]
    if not connection.in_transaction():
        connection.begin()
    raw = connection.connection.driver_connection
    assert raw is not None
    cursors = _cursors(connection, len(wanted))[: len(wanted)]  # one per result, in a pipeline
    sent = [
        _arrays({**driver.literals, **params})
        for driver, (_, params) in zip(drivers, wanted, strict=True)
    ]
    kept: dict[Hashable, list[Any]] = {}
    try:
        with raw.pipeline():
            for cursor, driver, values in zip(cursors, drivers, sent, strict=True):
                cursor.execute(driver.sql, values)
        for cursor, driver, (read, params) in zip(cursors, drivers, wanted, strict=True):
            kept[_read_key(read, params)] = read._fetched(connection, driver, cursor)
    except connection.dialect.loaded_dbapi.Error as error:
        raise _as_sqlalchemy_error(connection, error, drivers[0].sql, sent[0]) from error
    connection.connection.info[_PREFETCHED] = (connection.get_transaction(), kept)


def prefetched_left(connection: Connection) -> int:
    """How many reads ``prefetch`` sent in this transaction that were not read since: a view
    that prefetches what it then does not read pays for a read it did not need."""
    held = connection.connection.info.get(_PREFETCHED)
    return len(held[1]) if held and held[0] is connection.get_transaction() else 0


def _take_prefetched(
    connection: Connection, read: Prebuilt, params: Mapping[str, Any]
) -> list[Any] | None:
    """The rows ``prefetch`` kept for this read in this transaction, or None. What another
    transaction kept is dropped: its rows may be out of date."""
    info = connection.connection.info
    held = info.get(_PREFETCHED)
    if held is None:
        return None
    transaction, kept = held
    current = connection.get_transaction()
    if transaction is not current or current is None or not current.is_active:
        del info[_PREFETCHED]
        return None
    found: list[Any] | None = kept.pop(_read_key(read, params), None)
    return found


def _read_key(read: Prebuilt, params: Mapping[str, Any]) -> Hashable:
    """A read and its parameters as a dictionary key; a list of values is a set to the
    statement (``= ANY``), so its order does not matter."""
    return id(read), tuple(
        sorted((name, tuple(sorted(value)) if isinstance(value, list | tuple) else value)
               for name, value in params.items())
    )  # fmt: skip


def _cursors(connection: Connection, count: int) -> list[Any]:
    """At least ``count`` psycopg cursors of this connection's reads, made as first needed and
    kept with the connection: a read uses the first, a prefetch one per read it sends. A cursor
    can run one statement after another; each read fetches all its rows before the next runs,
    and a connection serves one thread at a time."""
    pooled = connection.connection
    raw = pooled.driver_connection
    cursors: list[Any] | None = pooled.info.get(_CURSORS)
    if cursors is None or cursors[0].closed or cursors[0].connection is not raw:
        cursors = pooled.info[_CURSORS] = []
    while len(cursors) < count:
        assert raw is not None
        cursors.append(raw.cursor())
    return cursors


def _as_sqlalchemy_error(
    connection: Connection, error: Exception, sql: str, params: Mapping[str, Any]
) -> StatementError:
    """The driver's error as SQLAlchemy raises it for its own statements, so that it is
    handled the same: a lost connection is invalidated (the pool drops it rather than hand it
    out again) and reads as the database being unreachable (``failures.as_storage_error``:
    503 from the API), not as a bug."""
    dialect = connection.dialect
    raw: Any = connection.connection.dbapi_connection
    gone = dialect.is_disconnect(error, raw, None)  # type: ignore[arg-type]  # the driver's own
    if gone:
        connection.invalidate(error)
    return DBAPIError.instance(
        sql, dict(params), error, dialect.loaded_dbapi.Error, hide_parameters=True,
        connection_invalidated=gone, dialect=dialect,
    )  # fmt: skip


def dicts(result: Result[Any]) -> list[dict[str, Any]]:
    """A SQLAlchemy result's rows as dicts; the names are read once (``row._mapping`` builds a
    view of the result's names for every row: a third of a portal page with a long payment
    history)."""
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]


def _arrays(params: Mapping[str, Any]) -> dict[str, Any]:
    """Expanding parameters (lists, tuples) as lists: psycopg sends a list as one array."""
    return {name: list(value) if isinstance(value, tuple) else value
            for name, value in params.items()}  # fmt: skip


def _processed(
    row: Sequence[Any], processors: tuple[tuple[int, Processor], ...]
) -> tuple[Any, ...]:
    """The row with each processed column replaced (most columns have no processor)."""
    values = list(row)
    for index, process in processors:
        values[index] = process(values[index])
    return tuple(values)
