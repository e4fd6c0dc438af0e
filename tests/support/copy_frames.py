"""A table of every column type binary COPY writes, and frames written to it and read back
(``adapters.db.copy_binary`` through ``insert_frame``, on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    select,
)

from arrears.adapters.db import copy_binary
from arrears.adapters.db.bulk import insert_frame
from arrears.adapters.db.types import Id, UTCDateTime

POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
"""Runs a test that takes ``container`` on PostgreSQL alone (binary COPY is PostgreSQL's)."""

ROUND_TRIP = Table(
    "copy_round_trip",
    MetaData(),
    Column("n", Id, primary_key=True),
    Column("big", BigInteger),
    Column("whole", Integer),
    Column("small", SmallInteger),
    Column("flag", Boolean),
    Column("day", Date),
    Column("at", UTCDateTime),
    Column("wall", DateTime(timezone=False)),
    Column("code", String(20)),
    Column("note", Text),
)


def written_and_read(connection: Connection, table: Table, frame: pl.DataFrame) -> list[tuple]:
    """``frame`` inserted by ``insert_frame``, after checking it goes as binary, read back in
    the table's column order."""
    assert copy_binary.layout(table, frame, connection.dialect) is not None
    assert insert_frame(connection, table, frame) == frame.height
    return [tuple(row) for row in connection.execute(select(table).order_by(table.c.n))]


def expected(frame: pl.DataFrame, table: Table) -> list[tuple]:
    """The frame's rows in the table's column order (NULL for a column the frame leaves out),
    timestamps as UTC instants."""
    names = table.c.keys()
    whole = frame.with_columns(pl.lit(None).alias(c) for c in names if c not in frame.columns)
    return [tuple(utc(v) for v in row) for row in whole.select(names).sort("n").rows()]


def wall(*parts: int) -> datetime:
    """A wall-clock time, no zone (for ``timestamp without time zone``)."""
    return datetime(*parts, tzinfo=UTC).replace(tzinfo=None)


def utc(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value
