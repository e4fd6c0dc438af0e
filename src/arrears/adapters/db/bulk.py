"""Moving whole frames in and out of the database fast, the same way on both backends.

PostgreSQL gets ``COPY … FROM STDIN`` in the binary format (``copy_binary``: the server parses
no text), or CSV written by Polars when a column's type or values are not ones that module
writes; SQLite gets ``executemany`` of plain tuples inside the caller's transaction (≈1M rows/s).
Lookups by key take the whole list of keys in one statement (an array on PostgreSQL, a JSON
array through ``json_each`` on SQLite) so a batch of 250,000 rows costs one round trip; on
PostgreSQL, integer keys that cover most of their span read it as one range (``key_span``), and
the rows come back as CSV from ``COPY … TO STDOUT``, parsed by Polars.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection, Table, text

from arrears.adapters.db import copy_binary

_COPY_CHUNK_ROWS = 200_000


def insert_frame(connection: Connection, table: Table, frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as the table's) and return the count."""
    if frame.height == 0:
        return 0
    columns = frame.columns
    unknown = [c for c in columns if c not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no columns {unknown}")
    if connection.dialect.name == "postgresql":
        _copy_in(connection, table, frame)
    else:
        placeholders = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})"
        # converted a chunk at a time: a whole journal batch as text was 150 MB more at once
        for chunk in frame.iter_slices(_COPY_CHUNK_ROWS):
            connection.exec_driver_sql(statement, list(_sqlite_values(chunk).iter_rows()))
    return frame.height


def _copy_in(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Binary when every column's type allows it, CSV otherwise; a chunk at a time."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    fields = copy_binary.layout(table, frame, connection.dialect)
    if fields is not None:
        columns = ", ".join(field.name for field in fields)
        with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN (FORMAT binary)") as copy:
            for block in copy_binary.blocks(frame, fields, _COPY_CHUNK_ROWS):
                copy.write(block)
        return
    columns = ", ".join(frame.columns)
    with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        for chunk in frame.iter_slices(_COPY_CHUNK_ROWS):
            copy.write(chunk.write_csv(include_header=False, null_value="").encode())


def _sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates and timestamps as the text SQLAlchemy stores in SQLite; booleans as integers."""
    conversions: list[pl.Series | pl.Expr] = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            conversions.append(_as_text(frame.get_column(name), "%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            utc = frame.get_column(name)
            if dtype.time_zone is not None:
                utc = utc.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            conversions.append(_as_text(utc, "%Y-%m-%d %H:%M:%S.%6f"))
        elif dtype == pl.Boolean:
            conversions.append(pl.col(name).cast(pl.Int8))
    return frame.with_columns(conversions) if conversions else frame


def _as_text(series: pl.Series, pattern: str) -> pl.Series:
    """``strftime`` of each distinct value once, where values repeat: a journal batch of
    millions of rows has a few thousand dates and one recording time, and formatting every row
    was a tenth of SQLite's posting."""
    distinct = series.unique()
    if distinct.len() * 4 > series.len():
        return series.dt.strftime(pattern)
    formatted = distinct.dt.strftime(pattern)
    return series.replace_strict(distinct, formatted, return_dtype=pl.String)


def lookup(
    connection: Connection,
    *,
    table: str,
    key: str,
    keys: Sequence[str] | Sequence[int],
    columns: Mapping[str, pl.DataType | type[pl.DataType]],
    extra_sql: str = "",
    condition: str = "",
) -> pl.DataFrame:
    """Rows of ``table`` whose ``key`` is in ``keys``, as a frame with ``columns``.

    ``columns`` maps SQL expressions (qualified with the table name when joining in
    ``extra_sql``) to output dtypes; output columns are named after the last word.
    ``condition`` is an extra ``AND …`` clause built from trusted values only (never user text).
    """
    names = {expr: expr.split(".")[-1].split(" ")[-1] for expr in columns}
    schema = {names[expr]: dtype for expr, dtype in columns.items()}
    if not keys:
        return pl.DataFrame(schema=schema)
    where = f" AND {condition}" if condition else ""
    if connection.dialect.name == "postgresql":
        span = key_span(keys)
        if span is None:
            return _postgres_csv(
                connection,
                list(columns),
                f"FROM {table} {extra_sql} WHERE {table}.{key} = ANY(%(keys)s){where}",
                {"keys": list(keys)},
                schema,
            )
        return _postgres_span(
            connection, table=table, key=key, keys=keys, span=span, columns=columns,
            rest=f"FROM {table} {extra_sql} WHERE {table}.{key} BETWEEN %(lo)s AND %(hi)s{where}",
        )  # fmt: skip
    return _sqlite_csv(
        connection,
        list(columns),
        f"FROM {table} {extra_sql} WHERE {table}.{key} IN (SELECT value FROM json_each(?)){where}",
        (json.dumps(list(keys)),),
        schema,
    )


def key_span(keys: Sequence[str] | Sequence[int]) -> KeySpan | None:
    """The span of integer ``keys`` when reading it whole is cheaper than looking each key up.

    PostgreSQL walks an index range once where ``= ANY(array)`` descends the index once per
    key (about twice the time for a partition of 50,000 loans); keys covering at least half
    of their span read few rows they did not ask for, which are then dropped (``exact``)."""
    if not keys or not isinstance(keys[0], int | np.integer):
        return None
    values = np.unique(np.asarray(keys, dtype=np.int64))
    low, high = int(values[0]), int(values[-1])
    if high - low + 1 > 2 * len(values):
        return None
    return KeySpan(low, high, dense=high - low + 1 == len(values), keys=values)


@dataclass(frozen=True)
class KeySpan:
    """Integer keys as ``low``..``high``; ``dense`` when every value between is a key."""

    low: int
    high: int
    dense: bool
    keys: np.ndarray[Any, np.dtype[np.int64]]

    def exact(self, frame: pl.DataFrame, column: str) -> pl.DataFrame:
        """The rows of ``frame`` whose ``column`` is one of the keys (all when dense)."""
        if self.dense or frame.height == 0:
            return frame
        return frame.filter(pl.col(column).is_in(pl.Series(self.keys).implode()))


def _postgres_span(
    connection: Connection,
    *,
    table: str,
    key: str,
    keys: Sequence[str] | Sequence[int],
    span: KeySpan,
    columns: Mapping[str, pl.DataType | type[pl.DataType]],
    rest: str,
) -> pl.DataFrame:
    """A lookup over the keys' span, then only the keys' rows (the key read along if needed)."""
    names = {expr: expr.split(".")[-1].split(" ")[-1] for expr in columns}
    schema = {names[expr]: dtype for expr, dtype in columns.items()}
    own = {f"{table}.{key}", key}
    column = next((names[e] for e in columns if e.split(" AS ")[0].strip() in own), None)
    hidden = column is None and not span.dense
    expressions = [*columns, f"{table}.{key} AS {_SPAN_KEY}"] if hidden else list(columns)
    read_schema = {**schema, _SPAN_KEY: pl.Int64} if hidden else schema
    frame = _postgres_csv(
        connection, expressions, rest, {"lo": span.low, "hi": span.high}, read_schema
    )
    frame = span.exact(frame, _SPAN_KEY if hidden else column or "")
    return frame.drop(_SPAN_KEY) if hidden else frame


_SPAN_KEY = "lookup_span_key"


def _sqlite_csv(
    connection: Connection,
    expressions: list[str],
    rest: str,
    params: tuple[Any, ...],
    schema: dict[str, Any],
) -> pl.DataFrame:
    """Let SQLite render the rows as one CSV text that Polars parses (SQLite).

    Building millions of Python tuples costs more than the query; ``group_concat`` of
    ``quote()``d values (NULL as an empty field) is read by Polars' CSV parser with ``'`` as
    the quote character, which escapes the way SQL does (doubled).
    """
    fields = " || ',' || ".join(
        f"(CASE WHEN {e.split(' AS ')[0]} IS NULL THEN '' ELSE quote({e.split(' AS ')[0]}) END)"
        for e in expressions
    )
    sql = f"SELECT group_concat({fields}, char(10)) {rest}"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        text_rows = cursor.execute(sql, params).fetchone()[0]
    finally:
        cursor.close()
    if not text_rows:
        return pl.DataFrame(schema=schema)
    text_schema = {
        name: (
            pl.Utf8 if dtype in (pl.Boolean, pl.Date) or isinstance(dtype, pl.Datetime) else dtype
        )
        for name, dtype in schema.items()
    }
    frame = pl.read_csv(
        io.StringIO(text_rows),
        has_header=False,
        new_columns=list(schema),
        schema=text_schema,
        quote_char="'",
    )
    return _typed(frame, schema)


def _postgres_csv(
    connection: Connection,
    expressions: list[str],
    rest: str,
    params: dict[str, Any],
    schema: dict[str, Any],
) -> pl.DataFrame:
    """Let PostgreSQL write the rows as CSV (``COPY (SELECT …) TO STDOUT``) for Polars to parse
    (PostgreSQL): no Python object per row. The server's own CSV writer costs it less than
    building one text with ``string_agg`` did: a partition's 484,835 payments in 0.57–0.87 s
    against 0.92–1.76 s (``bench.lookup_reads``, docs/benchmarks.md)."""
    columns = _csv_columns([expression.split(" AS ")[0] for expression in expressions], schema)
    return _copied_csv(connection, f"SELECT {columns} {rest}", params, schema)


def _csv_columns(expressions: list[str], schema: dict[str, Any]) -> str:
    """The select list writing each of ``expressions`` (one per column of ``schema``) as the
    CSV field ``_parse_postgres_csv`` reads, named ``c0``, ``c1``… (``_copied_csv`` quotes the
    text ones by those names)."""
    return ", ".join(
        f"{_csv_value(expression, dtype)} AS c{number}"
        for number, (expression, dtype) in enumerate(zip(expressions, schema.values(), strict=True))
    )


def _copied_csv(
    connection: Connection, sql: str, params: Mapping[str, Any], schema: dict[str, Any]
) -> pl.DataFrame:
    """The rows of ``sql`` (a select list from ``_csv_columns``; psycopg's ``%(name)s``
    parameters, bound by the driver) through ``COPY … TO STDOUT`` in CSV, as a typed frame.
    Every non-NULL text is quoted, so an empty text (``""``) stays apart from NULL (nothing)."""
    quoted = ", ".join(f"c{n}" for n, dtype in enumerate(schema.values()) if dtype == pl.Utf8)
    options = f"FORMAT csv, FORCE_QUOTE ({quoted})" if quoted else "FORMAT csv"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    data = bytearray()
    with cursor.copy(f"COPY ({sql}) TO STDOUT ({options})", params) as copy:
        for block in copy:
            data += block
    return _parse_postgres_csv(bytes(data), schema)


def _parse_postgres_csv(data: bytes, schema: dict[str, Any]) -> pl.DataFrame:
    """The frame of the CSV written by ``_csv_value`` expressions (one per column)."""
    if not data:
        return pl.DataFrame(schema=schema)
    text_schema = {
        name: (
            pl.Int32  # days since 1970-01-01 (_csv_value), cast to dates by _typed
            if dtype == pl.Date
            else pl.Utf8
            if dtype == pl.Boolean or isinstance(dtype, pl.Datetime)
            else dtype
        )
        for name, dtype in schema.items()
    }
    frame = pl.read_csv(data, has_header=False, new_columns=list(schema), schema=text_schema)
    return _typed(frame, schema)


def _csv_value(expression: str, dtype: Any) -> str:
    """A PostgreSQL expression for one value as ``_parse_postgres_csv`` reads it (NULL stays
    NULL)."""
    if dtype == pl.Utf8:
        return f"({expression})::text"
    if dtype == pl.Date:
        # A day number: formatting dates as text (to_char) was half of PostgreSQL's work on a
        # partition's payments, and ``::text`` would follow the session's DateStyle.
        return f"({expression} - DATE '1970-01-01')"
    if dtype == pl.Boolean:
        return f"CASE WHEN {expression} THEN 't' ELSE 'f' END"
    if isinstance(dtype, pl.Datetime):
        return f"to_char({expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    return f"({expression})::text"


def frame_from_rows(rows: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A frame from DB-API rows, column by column (faster than row by row)."""
    if not rows:
        return pl.DataFrame(schema=schema)
    columns = list(zip(*rows, strict=True))
    frame = pl.DataFrame(
        [
            pl.Series(name, values, strict=False)
            for name, values in zip(schema, columns, strict=True)
        ]
    )
    return _typed(frame, schema)


def _typed(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """Cast to ``schema``: text dates (SQLite, CSV) parsed, day numbers (PostgreSQL) made
    dates, ``t``/``f`` booleans read."""
    casts = []
    for name, dtype in schema.items():
        current = frame.schema[name]
        if current == dtype:
            continue
        if dtype == pl.Date and current == pl.Utf8:
            casts.append(pl.col(name).str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d"))
        elif dtype == pl.Boolean and current == pl.Utf8:
            casts.append(pl.col(name).is_in(["t", "true", "1"]).alias(name))
        elif isinstance(dtype, pl.Datetime) and current == pl.Utf8:
            casts.append(pl.col(name).str.to_datetime(time_zone="UTC"))
        elif current == pl.Null:
            casts.append(pl.col(name).cast(dtype))
        else:
            casts.append(pl.col(name).cast(dtype))
    return frame.with_columns(casts) if casts else frame


def read_frame(
    connection: Connection, sql: str, params: dict[str, Any], schema: dict[str, Any]
) -> pl.DataFrame:
    """Run a query written with ``:name`` parameters and return a typed frame."""
    rows = connection.execute(text(sql), params).fetchall()
    return frame_from_rows(rows, schema)


def query_frame(
    connection: Connection, sql: str, params: dict[str, Any], schema: dict[str, Any]
) -> pl.DataFrame:
    """``read_frame`` without a Python object per row on PostgreSQL: the query's rows (its
    columns in ``schema``'s order) written as CSV by the server's ``COPY``, parsed by Polars —
    a partition's 50,000 accounts or 100,000 contact points cost a fraction of the tuples'
    time. Row order is the query's only on SQLite: sort the frame when it matters."""
    if connection.dialect.name != "postgresql":
        return read_frame(connection, sql, params, schema)
    names = [f'"{name}"' for name in schema]
    columns = _csv_columns([f"q.{name}" for name in names], schema)
    wrapped = text(f"SELECT {columns} FROM ({sql}) AS q({', '.join(names)})")
    compiled = wrapped.compile(dialect=connection.dialect)  # ``:name`` as ``%(name)s``
    return _copied_csv(connection, compiled.string, compiled.construct_params(params), schema)


def utc_now_column(now: datetime, height: int, name: str) -> pl.Series:
    return pl.Series(name, [now.astimezone(UTC)] * height, dtype=pl.Datetime("us", "UTC"))


def date_series(name: str, values: Sequence[date | None]) -> pl.Series:
    return pl.Series(name, values, dtype=pl.Date)


class BackgroundWrites:
    """One bulk write at a time on a worker thread, so the caller can compute the next batch
    while the database ingests this one (two cores: the server's and ours).

    The caller must not use the connection until ``wait()`` returns; an error in the worker is
    raised by the next ``wait()`` (and so reaches the caller's transaction, which rolls back).
    """

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, work: Callable[[], None]) -> None:
        self.wait()

        def run() -> None:
            try:
                work()
            except BaseException as error:  # handed to the caller on wait()
                self._error = error

        self._thread = threading.Thread(target=run, name="arrears-bulk-write", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
