"""The binary COPY encoder without a database: the bytes it writes for each type (decoded here
by a reader written from the PostgreSQL documentation, "COPY — Binary Format"), and the frames
it refuses, which ``insert_frame`` then writes as CSV."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, Column, Enum, Float, Integer, MetaData, Numeric, String, Table
from sqlalchemy.dialects.postgresql import psycopg

from arrears.adapters.db import copy_binary, schema
from support.copy_frames import ROUND_TRIP, wall

POSTGRES = psycopg.dialect()
SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def read_stream(stream: bytes) -> list[list[bytes | None]]:
    """Each tuple's raw values (None for NULL), checking the header and the trailer."""
    assert stream[:11] == SIGNATURE
    flags, extension = struct.unpack(">ii", stream[11:19])
    assert (flags, extension) == (0, 0)
    at, rows = 19, []
    while True:
        (count,) = struct.unpack(">h", stream[at : at + 2])
        at += 2
        if count == -1:
            assert at == len(stream), "bytes after the trailer"
            return rows
        row: list[bytes | None] = []
        for _ in range(count):
            (length,) = struct.unpack(">i", stream[at : at + 4])
            at += 4
            row.append(None if length == -1 else stream[at : at + length])
            at += max(length, 0)
        rows.append(row)


def encoded(table: Table, frame: pl.DataFrame) -> tuple[list[str], list[list[bytes | None]]]:
    fields = copy_binary.layout(table, frame, POSTGRES)
    assert fields is not None
    return [f.name for f in fields], read_stream(copy_binary.encode(frame, fields))


def test_an_integer_column_gets_4_bytes_from_an_int64_frame() -> None:
    frame = pl.DataFrame({"whole": [1, -2, 2**31 - 1]}, schema={"whole": pl.Int64})
    names, rows = encoded(ROUND_TRIP, frame)
    assert names == ["whole"]
    assert [row[0] for row in rows] == [
        b"\x00\x00\x00\x01",
        b"\xff\xff\xff\xfe",
        b"\x7f\xff\xff\xff",
    ]


def test_each_type_in_its_binary_form() -> None:
    frame = pl.DataFrame(
        {
            "n": [2**40 + 1],
            "small": [-2],
            "flag": [True],
            "day": [date(1999, 12, 31)],
            "at": [datetime(2000, 1, 1, 0, 0, 1, tzinfo=UTC)],
            "wall": [wall(2000, 1, 2)],
            "code": ["Zoë"],
            "note": [None],
        },
        schema_overrides={"note": pl.String},
    )
    names, rows = encoded(ROUND_TRIP, frame)
    assert names == ["n", "small", "flag", "day", "at", "wall", "code", "note"]
    values = dict(zip(names, rows[0], strict=True))
    assert struct.unpack(">q", values["n"]) == (2**40 + 1,)
    assert values["small"] == b"\xff\xfe"
    assert values["flag"] == b"\x01"
    assert struct.unpack(">i", values["day"]) == (-1,)
    assert struct.unpack(">q", values["at"]) == (1_000_000,)
    assert struct.unpack(">q", values["wall"]) == (86_400_000_000,)
    assert values["code"] == "Zoë".encode()
    assert values["note"] is None


def test_nulls_and_empty_text_are_told_apart() -> None:
    frame = pl.DataFrame({"n": [1, 2, 3], "note": ["", None, "x"], "whole": [None, 5, None]})
    names, rows = encoded(ROUND_TRIP, frame)
    assert names == ["n", "note", "whole"]
    assert [row[1:] for row in rows] == [
        [b"", None],
        [None, b"\x00\x00\x00\x05"],
        [b"x", None],
    ]


def test_chunks_make_one_stream() -> None:
    frame = pl.DataFrame({"n": list(range(7)), "code": [str(i) * i for i in range(7)]})
    fields = copy_binary.layout(ROUND_TRIP, frame, POSTGRES)
    assert fields is not None
    stream = b"".join(bytes(b) for b in copy_binary.blocks(frame, fields, 3))
    assert stream == copy_binary.encode(frame, fields)
    assert [row[1] for row in read_stream(stream)] == [(str(i) * i).encode() for i in range(7)]


@pytest.mark.parametrize(
    ("column", "frame"),
    [
        # types it does not write
        (Column("ratio", Float), pl.DataFrame({"ratio": [0.5]})),
        (Column("amount", Numeric(12, 2)), pl.DataFrame({"amount": [1]})),
        (Column("state", Enum("a", "b", name="state")), pl.DataFrame({"state": ["a"]})),
    ],
)
def test_a_column_type_it_does_not_write_is_refused(column: Column, frame: pl.DataFrame) -> None:
    table = Table("refused", MetaData(), column)
    assert copy_binary.column_kind(column.type, POSTGRES) is None
    assert copy_binary.layout(table, frame, POSTGRES) is None


@pytest.mark.parametrize(
    "frame",
    [
        pl.DataFrame({"whole": [2**31]}),  # does not fit an INTEGER
        pl.DataFrame({"small": [-(2**15) - 1]}),  # nor a SMALLINT
        pl.DataFrame({"big": [2**63]}, schema={"big": pl.UInt64}),  # nor a BIGINT
        pl.DataFrame({"whole": [1.0]}),  # a float dtype for an integer column
        pl.DataFrame({"day": ["2026-01-01"]}),  # text for a date
        pl.DataFrame({"code": [1]}),  # a number for text
        pl.DataFrame({"flag": [1]}),  # a number for a boolean
        pl.DataFrame({"at": [wall(2026, 1, 1)]}),  # naive, for a timestamptz
        pl.DataFrame({"at": [datetime(2026, 1, 1, tzinfo=UTC)]}).with_columns(
            pl.col("at").dt.cast_time_unit("ns")  # the server would round nanoseconds
        ),
        pl.DataFrame({"code": ["a"]}, schema={"code": pl.Categorical}),
    ],
)
def test_a_frame_dtype_or_value_it_cannot_write_exactly_is_refused(frame: pl.DataFrame) -> None:
    assert copy_binary.layout(ROUND_TRIP, frame, POSTGRES) is None


def test_the_bulk_tables_are_written_in_binary() -> None:
    """The import's frames: no table of theirs has a column type binary COPY lacks."""
    for table in (
        schema.borrowers,
        schema.contact_points,
        schema.loans,
        schema.installments,
        schema.collateral,
        schema.valuations,
        schema.payments,
        schema.charges,
        schema.ledger_entries,
    ):
        kinds = {c.name: copy_binary.column_kind(c.type, POSTGRES) for c in table.c}
        assert None not in kinds.values(), (table.name, kinds)
    kinds = {c.name: copy_binary.column_kind(c.type, POSTGRES) for c in schema.ledger_entries.c}
    assert kinds["id"] == "int8"
    assert kinds["version"] == "int4"
    assert kinds["recorded_at"] == "timestamptz"
    assert kinds["source"] == "text"


def _days(count: int) -> pl.DataFrame:
    return pl.DataFrame({"day": pl.Series([count], dtype=pl.Int32).cast(pl.Date)})


def _instants(count: int, unit: str) -> pl.DataFrame:
    at = pl.Series([count], dtype=pl.Int64).cast(pl.Datetime(unit, "UTC"))
    return pl.DataFrame({"at": at})


@pytest.mark.parametrize(
    "frame",
    [
        _days(-(2**31)),  # days since 2000 would not fit an int32
        _days(-(2**31) + 10_957),  # int32 min since 2000: PostgreSQL's -infinity
        _instants(-(2**63) + 1, "us"),  # microseconds since 2000 would not fit an int64
        _instants(2**62, "ms"),  # nor as microseconds
    ],
)
def test_a_date_or_instant_past_what_the_format_holds_is_refused(frame: pl.DataFrame) -> None:
    """Written as binary they would wrap around (or read as ±infinity); as CSV the server
    refuses them."""
    assert copy_binary.layout(ROUND_TRIP, frame, POSTGRES) is None


def test_the_farthest_dates_and_instants_it_takes() -> None:
    frame = _days(-(2**31) + 10_958).hstack(_instants(-(2**63) + 946_684_800_000_001, "us"))
    names, rows = encoded(ROUND_TRIP, frame)
    assert rows == [[struct.pack(">i", -(2**31) + 1), struct.pack(">q", -(2**63) + 1)]]
    assert names == ["day", "at"]


SPARSE = Table(
    "sparse",
    MetaData(),
    Column("n", BigInteger, primary_key=True),
    Column("a", BigInteger),
    Column("b", Integer),
    Column("c", BigInteger),
    Column("note", String(20)),
)
_MAYBE_BIG = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1))
_MAYBE_WHOLE = st.one_of(st.none(), st.integers(-(2**31), 2**31 - 1))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(_MAYBE_BIG, _MAYBE_WHOLE, _MAYBE_BIG, st.one_of(st.none(), st.text(max_size=3))),
        max_size=30,
    )
)
def test_nullable_whole_word_columns_are_each_rows_values_in_turn(
    rows: list[tuple[int | None, int | None, int | None, str | None]],
) -> None:
    """Nullable integer columns of either width beside text (the journal's amount columns are
    mostly NULL): each row reads back as its own values, NULLs included, in the fields'
    order."""
    frame = pl.DataFrame(
        {
            "n": list(range(len(rows))),
            "a": [r[0] for r in rows],
            "b": [r[1] for r in rows],
            "c": [r[2] for r in rows],
            "note": [r[3] for r in rows],
        },
        schema={"n": pl.Int64, "a": pl.Int64, "b": pl.Int64, "c": pl.Int64, "note": pl.Utf8},
    )
    names, decoded = encoded(SPARSE, frame)
    wire = {"a": ">q", "b": ">i", "c": ">q"}
    for row, values in zip(rows, decoded, strict=True):
        by_name = dict(zip(names, values, strict=True))
        for name, value in zip(("a", "b", "c"), row[:3], strict=True):
            raw = by_name[name]
            assert (None if raw is None else struct.unpack(wire[name], raw)[0]) == value
        assert by_name["note"] == (None if row[3] is None else row[3].encode())
