"""Typed records (frozen dataclasses) to and from segment matrices, for small files.

The record path reuses the columnar codec: a list of dataclasses becomes one column per field,
so the same tables spell and check both paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, TypeVar

import numpy as np
import pyarrow as pa

from arrears.formats.metro2.codec import calendar, digits, text
from arrears.formats.metro2.codec.columns import (
    ColumnValues,
    FieldIssue,
    encode_layout,
    field_bytes,
)
from arrears.formats.metro2.codec.digits import U8Matrix
from arrears.formats.metro2.spec import FieldSpec, Kind, SegmentLayout


class Typed(Protocol):
    """A record dataclass: it names its layout."""

    LAYOUT: ClassVar[SegmentLayout]


T = TypeVar("T")

#: Stand-in for an integer too large for int64: still refused as "too large" by the encoder.
_TOO_LARGE = 10**18


def decode_rows(layout: SegmentLayout, matrix: U8Matrix, cls: type[T]) -> list[T]:
    """Every row of ``matrix`` as an instance of ``cls`` (validate first)."""
    names = [spec.name for spec in layout.value_fields]
    columns = [_python_values(matrix, spec) for spec in layout.value_fields]
    return [cls(**dict(zip(names, row, strict=True))) for row in zip(*columns, strict=True)]


def _python_values(matrix: U8Matrix, spec: FieldSpec) -> list[Any]:
    raw = field_bytes(matrix, spec)
    if spec.kind is Kind.NUMBER:
        numbers: list[Any] = digits.decode(raw).tolist()
        return numbers
    if spec.kind is Kind.DATE:
        dates: list[Any] = calendar.decode_dates(raw).astype(object).tolist()
        return dates
    if spec.kind is Kind.TIMESTAMP:
        stamps: list[Any] = calendar.decode_timestamps(raw).astype(object).tolist()
        return stamps
    return list(text.to_strings(raw))


def encode_rows(
    layout: SegmentLayout, records: Sequence[Typed]
) -> tuple[U8Matrix, list[FieldIssue]]:
    """Spell dataclass instances of one layout; wrongly typed values are reported, not raised."""
    columns: dict[str, ColumnValues] = {}
    issues: list[FieldIssue] = []
    for spec in layout.value_fields:
        values = [getattr(record, spec.name) for record in records]
        column, wrong = _column(values, spec)
        columns[spec.name] = column
        if wrong:
            rows = np.array(wrong, dtype=np.int64)
            issues.append(FieldIssue(rows, layout, spec, "field.type", _expected(spec)))
    matrix, found = encode_layout(layout, columns, len(records))
    return matrix, issues + found


def _expected(spec: FieldSpec) -> str:
    return {
        Kind.TEXT: "expected text (str)",
        Kind.NUMBER: "expected a whole number (int)",
        Kind.DATE: "expected a date or None",
        Kind.TIMESTAMP: "expected a naive datetime or None",
    }[spec.kind]


def _column(values: list[Any], spec: FieldSpec) -> tuple[ColumnValues, list[int]]:
    """A typed column from Python values, and the indexes of values of the wrong type."""
    if spec.kind is Kind.TEXT:
        wrong = [i for i, value in enumerate(values) if not isinstance(value, str)]
        strings = [value if isinstance(value, str) else "" for value in values]
        return pa.array(strings, type=pa.large_string()), wrong
    if spec.kind is Kind.NUMBER:
        return _numbers(values)
    if spec.kind is Kind.DATE:
        return _dates(values, unit="D")
    return _dates(values, unit="s")


def _numbers(values: list[Any]) -> tuple[ColumnValues, list[int]]:
    wrong: list[int] = []
    numbers: list[int] = []
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int):
            wrong.append(index)
            numbers.append(0)
        else:
            numbers.append(min(max(value, -1), _TOO_LARGE))
    return np.array(numbers, dtype=np.int64), wrong


def _dates(values: list[Any], *, unit: str) -> tuple[ColumnValues, list[int]]:
    wrong: list[int] = []
    stamps: list[dt.date | None] = []
    for index, value in enumerate(values):
        if value is None:
            stamps.append(None)
        elif _fits(value, unit):
            stamps.append(value)
        else:
            wrong.append(index)
            stamps.append(None)
    return np.array(stamps, dtype=f"datetime64[{unit}]"), wrong


def _fits(value: object, unit: str) -> bool:
    """A date for date fields; a naive datetime for the time stamp."""
    if unit == "D":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return isinstance(value, dt.datetime) and value.tzinfo is None
