"""Binary COPY on a real PostgreSQL database (``adapters.db.copy_binary`` through
``insert_frame``): every type it writes comes back equal — NULLs, empty and non-ASCII text,
negative and extreme integers, a frame's Int64 in INTEGER and SMALLINT columns, dates and
timestamps before and after 2000 (the format's epoch), timestamps in other time zones — and a
frame it cannot write still goes in (as CSV)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import polars as pl
import pytest
from psycopg.errors import NumericValueOutOfRange
from sqlalchemy import Column, Connection, Float, MetaData, Table, select

from arrears.adapters.db import copy_binary, schema
from arrears.adapters.db.bulk import insert_frame
from arrears.adapters.db.types import Id
from arrears.bootstrap import Container
from support.copy_frames import POSTGRES_ONLY, ROUND_TRIP, expected, utc, wall, written_and_read

NEW_YORK = timezone(timedelta(hours=-5))

FRAME = pl.DataFrame(
    {
        "n": [1, 2, 3, 4, 5, 6],
        "big": [-(2**63), 2**63 - 1, 0, -1, None, 2**40],
        "whole": [-(2**31), 2**31 - 1, -7, None, 0, 1],
        "small": [-(2**15), 2**15 - 1, None, -1, 0, 300],
        "flag": [True, False, None, True, False, True],
        "day": [
            date(1, 1, 1),
            date(1969, 12, 31),
            date(1999, 12, 31),
            date(2000, 1, 1),
            None,
            date(9999, 12, 31),
        ],
        "at": [
            datetime(1, 1, 1, tzinfo=UTC),
            datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
            datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
            datetime(2000, 1, 1, tzinfo=UTC),
            None,
            datetime(2026, 11, 27, 12, 30, 0, 1, tzinfo=UTC),
        ],
        "wall": [
            wall(1900, 3, 1, 0, 0, 0, 1),
            None,
            wall(1999, 12, 31, 23, 59, 59),
            wall(2000, 1, 1),
            wall(2000, 1, 1, 0, 0, 0, 1),
            wall(9999, 12, 31, 23, 59, 59, 999_999),
        ],
        "code": ["", "Zoë", "日本語", None, "a,b\"c'd", "💸"],
        "note": ["line\nbreak\ttab\\slash", "", None, "\r\n", "ümlaut " * 50, "NULL"],
    },
    schema_overrides={
        "n": pl.Int64,
        "big": pl.Int64,
        "whole": pl.Int64,  # Int64 in an INTEGER column: written as 4 bytes
        "small": pl.Int64,
        "at": pl.Datetime("us", "UTC"),
        "wall": pl.Datetime("us"),
    },
)


@pytest.fixture
def connection(container: Container) -> Iterator[Connection]:
    """A connection to the test's PostgreSQL database with the round-trip table in it; what a
    test writes is rolled back."""
    with container.engine.connect() as connection:
        ROUND_TRIP.create(connection)
        connection.commit()
        with connection.begin() as transaction:
            yield connection
            transaction.rollback()


@POSTGRES_ONLY
def test_every_type_comes_back_equal(connection: Connection) -> None:
    assert written_and_read(connection, ROUND_TRIP, FRAME) == expected(FRAME, ROUND_TRIP)


@POSTGRES_ONLY
def test_timestamps_in_another_zone_are_the_same_instants(connection: Connection) -> None:
    frame = FRAME.with_columns(pl.col("at").dt.convert_time_zone("America/New_York"))
    got = written_and_read(connection, ROUND_TRIP, frame)
    at = [row[6] for row in got]
    assert at == [utc(v) for v in FRAME.get_column("at").to_list()]
    assert datetime(2026, 11, 27, 7, 30, 0, 1, tzinfo=NEW_YORK) in at


@POSTGRES_ONLY
def test_columns_in_any_order_and_some_left_out(connection: Connection) -> None:
    """The COPY names its columns (fixed widths first); columns not in the frame get NULL."""
    frame = FRAME.select("note", "day", "n", "code", "whole")
    assert written_and_read(connection, ROUND_TRIP, frame) == expected(frame, ROUND_TRIP)


@POSTGRES_ONLY
def test_a_frame_larger_than_a_chunk_streams_whole(
    connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several chunks make one stream: one header, tuples from every chunk, one trailer."""
    monkeypatch.setattr("arrears.adapters.db.bulk._COPY_CHUNK_ROWS", 4)
    frame = pl.concat([FRAME.with_columns(pl.col("n") + 10 * k) for k in range(5)])
    assert written_and_read(connection, ROUND_TRIP, frame) == expected(frame, ROUND_TRIP)


@POSTGRES_ONLY
def test_an_all_null_column_and_a_null_typed_one(connection: Connection) -> None:
    frame = FRAME.select("n").with_columns(
        pl.lit(None, dtype=pl.Int64).alias("big"),
        pl.lit(None).alias("note"),  # dtype Null
    )
    got = written_and_read(connection, ROUND_TRIP, frame)
    assert got == expected(frame, ROUND_TRIP)
    assert [(r[0], r[1], r[9]) for r in got] == [(n, None, None) for n in range(1, 7)]


@POSTGRES_ONLY
def test_the_journal_goes_in_as_binary(connection: Connection) -> None:
    """The frames the posting writes (ids, int32 versions, dates, UTC timestamps, text)."""
    entries = pl.DataFrame(
        {
            "loan_id": [7, 7],
            "source": ["installment:1", "payment:12"],
            "version": pl.Series([1, 2], dtype=pl.Int32),
            "kind": ["due", "payment"],
            "effective_date": [date(2026, 1, 1), date(2026, 2, 1)],
            "currency": ["USD", "USD"],
            "reverses_version": pl.Series([None, 1], dtype=pl.Int32),
            "memo": ["", "returned: R01"],
            "id": [101, 102],
            "recorded_at": [datetime(2026, 11, 27, 9, tzinfo=UTC)] * 2,
            "run_id": [3, 3],
        }
    )
    assert copy_binary.layout(schema.ledger_entries, entries, connection.dialect) is not None
    insert_frame(connection, schema.ledger_entries, entries)
    table = schema.ledger_entries
    got = connection.execute(select(*[table.c[c] for c in entries.columns]).order_by(table.c.id))
    assert [tuple(r) for r in got] == entries.rows()


@POSTGRES_ONLY
def test_a_frame_binary_cannot_write_goes_as_csv(connection: Connection) -> None:
    """A float column has no binary writer here: the whole frame goes as CSV, and arrives."""
    table = Table("copy_fallback", MetaData(), Column("n", Id), Column("ratio", Float))
    table.create(connection)
    frame = pl.DataFrame({"n": [1, 2], "ratio": [0.5, None]})
    assert copy_binary.layout(table, frame, connection.dialect) is None
    assert insert_frame(connection, table, frame) == 2
    assert connection.execute(select(table).order_by(table.c.n)).all() == [(1, 0.5), (2, None)]


@POSTGRES_ONLY
def test_a_value_out_of_the_columns_range_is_refused_by_the_server(
    connection: Connection,
) -> None:
    """2**31 does not fit an INTEGER: not written as binary (which would wrap it) but as CSV,
    which PostgreSQL refuses as before."""
    frame = FRAME.select("n").with_columns(pl.lit(2**31, dtype=pl.Int64).alias("whole"))
    assert copy_binary.layout(ROUND_TRIP, frame, connection.dialect) is None
    with pytest.raises(NumericValueOutOfRange):
        insert_frame(connection, ROUND_TRIP, frame)
