"""The one codec: typed columns to and from character-format matrices, driven by the layouts.

A segment of ``n`` rows is a ``(n, length)`` ``uint8`` matrix in the character format (packed
records are converted at the edge, see :mod:`.packed_rows`). Each field of the layout maps to one
column: Arrow strings for text, ``int64`` for numbers, ``datetime64[D]`` for dates and
``datetime64[s]`` for time stamps (``NaT`` = zero-filled). Field bytes are moved with one
fixed-size item per row (a ``V{width}`` view), which keeps the copies cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from arrears.formats.metro2.codec import calendar, digits, text
from arrears.formats.metro2.codec.arrays import item_type
from arrears.formats.metro2.codec.digits import I64Array, U8Matrix
from arrears.formats.metro2.spec import FieldSpec, Kind, SegmentLayout

#: A typed column: Arrow strings (pyarrow has no type stubs) or a NumPy array.
ColumnValues: TypeAlias = Any

#: Dates must be spelled with a 4-digit year from calendar.MIN_YEAR.
_FIRST_DAY: Final = np.datetime64(f"{calendar.MIN_YEAR}-01-01", "D")
_LAST_MOMENT: Final = np.datetime64("9999-12-31T23:59:59", "s")


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """Rows of a segment matrix whose ``field`` breaks ``rule`` (materialised later)."""

    rows: npt.NDArray[np.int64]
    layout: SegmentLayout
    field: FieldSpec | None
    rule: str
    message: str
    #: What to show as each row's value when the character bytes would mislead (packed bytes).
    values: tuple[str, ...] | None = None


def field_bytes(matrix: U8Matrix, spec: FieldSpec) -> U8Matrix:
    """A contiguous ``(n, width)`` copy of one field's bytes."""
    count = matrix.shape[0]
    items = matrix[:, spec.offset : spec.end].view(item_type(spec.length))[:, 0]
    copied: U8Matrix = np.ascontiguousarray(items).view(np.uint8).reshape(count, spec.length)
    return copied


def put_field(matrix: U8Matrix, spec: FieldSpec, values: U8Matrix) -> None:
    """Write ``(n, width)`` bytes into one field of every row."""
    item = item_type(spec.length)
    target = matrix[:, spec.offset : spec.end].view(item)[:, 0]
    target[...] = np.ascontiguousarray(values).view(item)[:, 0]


@cache
def template(layout: SegmentLayout) -> U8Matrix:
    """One row with every field "not available": blanks, zeros and the identifier constant."""
    row = np.full(layout.length, text.BLANK, dtype=np.uint8)
    for spec in layout.fields:
        if spec.kind is Kind.DESCRIPTOR:
            row[spec.offset : spec.end] = np.frombuffer(b"%04d" % layout.length, np.uint8)
        elif spec.is_digits:
            row[spec.offset : spec.end] = digits.ZERO
        elif spec.constant is not None:
            row[spec.offset : spec.end] = np.frombuffer(spec.constant.encode(), np.uint8)
        if spec.default is not None:
            row[spec.offset : spec.end] = np.frombuffer(spec.default.encode(), np.uint8)
    row.setflags(write=False)
    return row


def filled_rows(row: U8Matrix, count: int) -> U8Matrix:
    """``count`` contiguous copies of ``row``.

    A row of one repeated byte (a blank or zero-filled field) is a ``memset``; NumPy copies a
    short broadcast row one row at a time, which costs more than spelling the field.
    """
    if row.size and (row == row[0]).all():
        return np.full((count, row.size), row[0], dtype=np.uint8)
    matrix = np.empty((count, row.size), dtype=np.uint8)
    matrix[:] = row
    return matrix


def blank_matrix(layout: SegmentLayout, count: int) -> U8Matrix:
    """``count`` rows of :func:`template`."""
    return filled_rows(template(layout), count)


def decode_field(matrix: U8Matrix, spec: FieldSpec) -> ColumnValues:
    """One field of every row as a typed column (validate first: bad bytes decode to junk)."""
    raw = field_bytes(matrix, spec)
    if spec.kind is Kind.NUMBER:
        return digits.decode(raw)
    if spec.kind is Kind.DATE:
        return calendar.decode_dates(raw)
    if spec.kind is Kind.TIMESTAMP:
        return calendar.decode_timestamps(raw)
    return text.to_arrow(raw)


def encode_layout(
    layout: SegmentLayout, columns: Mapping[str, ColumnValues], count: int
) -> tuple[U8Matrix, list[FieldIssue]]:
    """Spell ``count`` rows; absent columns stay "not available". Refused values are reported."""
    matrix = blank_matrix(layout, count)
    return matrix, encode_layout_into(layout, columns, matrix)


def encode_layout_into(
    layout: SegmentLayout, columns: Mapping[str, ColumnValues], matrix: U8Matrix
) -> list[FieldIssue]:
    """Spell columns into a template-filled ``(n, length)`` matrix (rows may be strided)."""
    issues: list[FieldIssue] = []
    for spec in layout.value_fields:
        values = columns.get(spec.name)
        if values is not None:
            issues += encode_field_into(values, spec, layout, matrix[:, spec.offset : spec.end])
    return issues


def encode_fields(
    layout: SegmentLayout,
    columns: Mapping[str, ColumnValues],
    matrix: U8Matrix,
    *,
    keep: frozenset[str],
) -> tuple[dict[str, U8Matrix], list[FieldIssue]]:
    """Spell columns into a template-filled record matrix; the text fields named in ``keep``
    go by way of their own contiguous ``(n, width)`` matrices, which are returned (checks
    that read whole fields then read them there instead of gathering them back)."""
    count = int(matrix.shape[0])
    spelled: dict[str, U8Matrix] = {}
    issues: list[FieldIssue] = []
    for spec in layout.value_fields:
        values = columns.get(spec.name)
        if values is None:
            continue
        if spec.kind is not Kind.TEXT or spec.name not in keep:
            issues += encode_field_into(values, spec, layout, matrix[:, spec.offset : spec.end])
            continue
        target = filled_rows(template(layout)[spec.offset : spec.end], count)
        issues += encode_field_into(values, spec, layout, target)
        put_field(matrix, spec, target)
        spelled[spec.name] = target
    return spelled, issues


def encode_field_into(
    values: ColumnValues, spec: FieldSpec, layout: SegmentLayout, target: U8Matrix
) -> list[FieldIssue]:
    """Spell one typed column into ``target`` (template-filled); refused rows keep the fill."""
    if spec.kind is Kind.TEXT:
        return _encode_text(values, spec, layout, target)
    if spec.kind is Kind.NUMBER:
        return _encode_numbers(np.asarray(values), spec, layout, target)
    return _encode_dates(np.asarray(values), spec, layout, target)


def _issue(
    flags: npt.NDArray[np.bool_], layout: SegmentLayout, spec: FieldSpec, rule: str, message: str
) -> list[FieldIssue]:
    rows = np.flatnonzero(flags)
    return [FieldIssue(rows, layout, spec, rule, message)] if rows.size else []


def _encode_text(
    values: ColumnValues, spec: FieldSpec, layout: SegmentLayout, target: U8Matrix
) -> list[FieldIssue]:
    if not isinstance(values, pa.Array) or not (
        pa.types.is_string(values.type)
        or pa.types.is_large_string(values.type)
        or pa.types.is_string_view(values.type)
        or pa.types.is_null(values.type)
    ):
        msg = f"{layout.name}.{spec.name} needs text values"
        raise TypeError(msg)
    too_long, not_ascii = text.encode_into(values, target)
    issues = _issue(
        too_long, layout, spec, "field.too-long", f"longer than the field's {spec.length} bytes"
    )
    issues += _issue(
        not_ascii,
        layout,
        spec,
        "field.ascii",
        "not printable ASCII (transliterate before reporting)",
    )
    return issues


def _encode_numbers(
    values: npt.NDArray[Any], spec: FieldSpec, layout: SegmentLayout, target: U8Matrix
) -> list[FieldIssue]:
    if values.dtype.kind not in "iu":
        msg = f"{layout.name}.{spec.name} needs integer values, not {values.dtype}"
        raise TypeError(msg)
    numbers: I64Array = values.astype(np.int64, copy=False)
    if numbers.size and numbers.view(np.uint64).max() <= digits.max_value(spec.length):
        digits.encode_into(numbers, target)
        return []
    negative = numbers < 0
    too_large = numbers > digits.max_value(spec.length)
    refused = negative | too_large
    if refused.any():
        issues = _issue(negative, layout, spec, "field.negative", "negative amounts are refused")
        issues += _issue(
            too_large,
            layout,
            spec,
            "field.too-large",
            f"more than {spec.length} digits (never truncated)",
        )
        digits.encode_into(np.where(refused, 0, numbers), target)
        return issues
    digits.encode_into(numbers, target)
    return []


def _encode_dates(
    values: npt.NDArray[Any], spec: FieldSpec, layout: SegmentLayout, target: U8Matrix
) -> list[FieldIssue]:
    if values.dtype.kind != "M":
        msg = f"{layout.name}.{spec.name} needs dates, not {values.dtype}"
        raise TypeError(msg)
    issues: list[FieldIssue] = []
    if spec.kind is Kind.DATE:
        index, inside = calendar.in_table(values)
        if inside.all():
            calendar.encode_table_dates_into(index, target)
            return issues
    outside = (values < _FIRST_DAY) | (values > _LAST_MOMENT)  # NaT compares false
    if outside.any():
        rule = "field.timestamp" if spec.kind is Kind.TIMESTAMP else "field.date"
        issues = _issue(
            outside, layout, spec, rule, f"year outside {calendar.MIN_YEAR}-9999 cannot be spelled"
        )
        values = np.where(outside, np.datetime64("NaT"), values)
    if spec.kind is Kind.TIMESTAMP:
        calendar.encode_timestamps_into(values, target)
    else:
        calendar.encode_dates_into(values, target)
    return issues


def rows_at(data: U8Matrix, starts: npt.NDArray[np.int64], width: int) -> U8Matrix:
    """``(n, width)`` copies of ``data[start:start + width]`` for each start, in one gather.

    A view with one ``width``-byte item per byte offset (stride 1) turns the gather into one
    fixed-size copy per row instead of ``width`` single-byte ones.
    """
    count = int(starts.size)
    if count == 0:
        return np.zeros((0, width), dtype=np.uint8)
    items = np.ndarray(
        (data.size - width + 1,),
        dtype=f"V{width}",
        buffer=np.ascontiguousarray(data),
        strides=(1,),
    )
    gathered: U8Matrix = items[starts].view(np.uint8).reshape(count, width)
    return gathered


def put_rows_at(data: U8Matrix, starts: npt.NDArray[np.int64], rows: U8Matrix) -> None:
    """Write row ``i`` of ``rows`` at ``data[starts[i]:]`` (``data`` contiguous, 1-D)."""
    width = rows.shape[1]
    if starts.size == 0:
        return
    items = np.ndarray((data.size - width + 1,), dtype=f"V{width}", buffer=data, strides=(1,))
    items[starts] = np.ascontiguousarray(rows).view(f"V{width}")[:, 0]
