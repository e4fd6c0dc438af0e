"""Frames as PostgreSQL's binary COPY format, encoded by pgpq from Arrow (no Python per row).

Binary COPY hands the server each value in its internal form, so it skips parsing text — on the
journal, 12M rows loaded in 17.1 s against 22.5 s as CSV. The format (PostgreSQL documentation,
"COPY — Binary Format"): a header (the signature ``PGCOPY\\n\\377\\r\\n\\0``, an int32 of flags
and an int32 header-extension length, both 0); per tuple an int16 field count, then per field an
int32 byte length (-1 for NULL, no bytes then) and the value in network byte order; an int16 -1
as the trailer.

The server reads each value as exactly its column's type (an INTEGER takes 4 bytes, whatever the
frame holds), so ``layout`` takes the types from the table and checks that every value fits;
when one column cannot be written so, it says so and the caller writes CSV instead. Each column
is then cast to the Arrow type whose binary form is that column type's, and pgpq (compiled,
``ArrowToPostgresBinaryEncoder``) writes the tuples without holding the GIL: a write on the
writer's thread no longer stops the planning on the other (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl
import pyarrow as pa
from pgpq import ArrowToPostgresBinaryEncoder
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    Integer,
    SmallInteger,
    String,
    Table,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect

Kind = Literal["int8", "int4", "int2", "bool", "date", "timestamp", "timestamptz", "text"]

_DAYS_1970_TO_2000 = 10_957
_MICROS_1970_TO_2000 = _DAYS_1970_TO_2000 * 86_400_000_000
_MICROS_PER = {"us": 1, "ms": 1_000}
_INTEGERS = {"int8": 64, "int4": 32, "int2": 16}


@dataclass(frozen=True)
class Field:
    """A column of the COPY: its name and how its values are written."""

    name: str
    kind: Kind


def column_kind(sql_type: Any, dialect: Dialect) -> Kind | None:
    """How a column of ``sql_type`` is written on ``dialect``, if it can be."""
    resolved = sql_type.dialect_impl(dialect)
    if isinstance(resolved, TypeDecorator):
        resolved = resolved.impl_instance.dialect_impl(dialect)
    checks: list[tuple[type[Any], Kind]] = [
        (BigInteger, "int8"),
        (SmallInteger, "int2"),
        (Integer, "int4"),
        (Boolean, "bool"),
        (Date, "date"),
    ]
    kind = next((k for cls, k in checks if isinstance(resolved, cls)), None)
    if kind is not None:
        return kind
    if isinstance(resolved, DateTime):
        return "timestamptz" if resolved.timezone else "timestamp"
    if isinstance(resolved, String) and not isinstance(resolved, Enum):
        return "text"
    return None


def layout(table: Table, frame: pl.DataFrame, dialect: Dialect) -> list[Field] | None:
    """The frame's columns with how each is written; ``None`` when a column's type
    or values cannot be written in binary exactly as the server would read them as text (a
    value out of the column's range, a type this module does not write, naive timestamps for a
    ``timestamptz`` column, whose text the server reads in the session's time zone)."""
    fields = []
    for name in frame.columns:
        series = frame.get_column(name)
        kind = column_kind(table.c[name].type, dialect)
        if kind is None or not _fits(series, kind):
            return None
        fields.append(Field(name, kind))
    return fields


def _fits(series: pl.Series, kind: Kind) -> bool:
    if series.dtype == pl.Null:
        return True
    if kind in _INTEGERS:
        bits = _INTEGERS[kind]
        return series.dtype.is_integer() and _within(
            series, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        )
    if kind == "date":
        return _date_fits(series)
    if kind in ("timestamp", "timestamptz"):
        return _timestamp_fits(series, zoned=kind == "timestamptz")
    return series.dtype == (pl.Boolean if kind == "bool" else pl.String)


def _date_fits(series: pl.Series) -> bool:
    """A day number that is not PostgreSQL's -infinity or infinity (int32 min and max)."""
    low, high = -(2**31) + _DAYS_1970_TO_2000, 2**31 - 1 + _DAYS_1970_TO_2000
    return series.dtype == pl.Date and _within(series.to_physical(), low + 1, high - 1)


def _timestamp_fits(series: pl.Series, *, zoned: bool) -> bool:
    """Micro- or milliseconds (nanoseconds would need the server's rounding) whose count of
    microseconds fits and is not -infinity or infinity (int64 min and max)."""
    dtype = series.dtype
    if not isinstance(dtype, pl.Datetime) or dtype.time_unit not in _MICROS_PER:
        return False
    if zoned and dtype.time_zone is None:
        return False
    per = _MICROS_PER[dtype.time_unit]
    low, high = (-(2**63) + _MICROS_1970_TO_2000) // per, (2**63 - 1) // per
    return _within(series.to_physical(), low + 1, high - 1)


def _within(series: pl.Series, low: int, high: int) -> bool:
    least, most = series.min(), series.max()
    return least is None or (low <= int(least) and int(most) <= high)  # type: ignore[arg-type]


def blocks(frame: pl.DataFrame, fields: Sequence[Field], rows: int) -> Iterator[memoryview]:
    """The whole COPY stream of ``frame``: the header, its tuples about ``rows`` at a time, the
    trailer (memory follows the chunk, not the frame)."""
    table = pa.Table.from_arrays(
        [_arrow(frame.get_column(f.name), f.kind) for f in fields], names=[f.name for f in fields]
    )
    encoder = ArrowToPostgresBinaryEncoder(table.schema)
    yield memoryview(encoder.write_header())
    for batch in table.to_batches(max_chunksize=rows):
        tuples = encoder.write_batch(batch)  # may be held back until the next, or the end
        if tuples:
            yield memoryview(tuples)
    yield memoryview(encoder.finish())


def encode(frame: pl.DataFrame, fields: Sequence[Field]) -> bytes:
    """The whole COPY stream of ``frame`` as one value (for tests and small frames)."""
    return b"".join(bytes(block) for block in blocks(frame, fields, max(frame.height, 1)))


_ARROW: dict[Kind, pa.DataType] = {
    "int8": pa.int64(),
    "int4": pa.int32(),
    "int2": pa.int16(),
    "bool": pa.bool_(),
    "date": pa.date32(),  # pgpq writes days since 2000-01-01
    "timestamp": pa.timestamp("us"),  # microseconds since 2000-01-01 00:00
    "timestamptz": pa.timestamp("us", "UTC"),  # the same, of the UTC instant
    "text": pa.large_string(),
}
"""The Arrow type pgpq writes as each kind's PostgreSQL type."""


def _arrow(series: pl.Series, kind: Kind) -> pa.Array:
    """``series`` as the Arrow array of ``kind`` (``layout`` has checked the values fit)."""
    array = series.to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array if array.type == _ARROW[kind] else array.cast(_ARROW[kind])
