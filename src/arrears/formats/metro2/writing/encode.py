"""Spelling a batch of accounts (a frame slice or typed records) into character matrices.

Both inputs end in the same place: a base matrix, one matrix per appendage kind with the owning
row of each segment, and the issues of values that could not be spelled (too long, negative,
more than 9 digits, not ASCII, wrong type) — refused, never truncated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import polars as pl

from arrears.formats.metro2.codec import calendar
from arrears.formats.metro2.codec.calendar import ParsedDates
from arrears.formats.metro2.codec.columns import (
    ColumnValues,
    FieldIssue,
    blank_matrix,
    encode_fields,
    encode_layout,
)
from arrears.formats.metro2.codec.digits import I64Array, U8Matrix
from arrears.formats.metro2.codec.records import encode_rows
from arrears.formats.metro2.frames import APPENDAGE_COLUMNS, appendage_columns, segment_columns
from arrears.formats.metro2.model import AccountRecord
from arrears.formats.metro2.spec import APPENDAGE_BY_ID, BASE, Kind
from arrears.formats.metro2.writing.layout import PlacedSegments

#: Base text fields the checks read whole (code tables, cross-field rules, trailer totals):
#: spelled into contiguous matrices first and handed to the checks.
CHECKED_TEXT: Final = frozenset(
    {spec.name for spec in BASE.value_fields if spec.kind is Kind.TEXT and spec.codes}
    | {"identification_number", "consumer_account_number", "terms_duration",
       "payment_history_profile"}
)  # fmt: skip


@dataclass(slots=True)
class Encoded:
    """A batch of accounts in character format, with what could not be spelled."""

    rows: U8Matrix
    appendages: dict[str, PlacedSegments] = field(default_factory=dict)
    issues: list[FieldIssue] = field(default_factory=list)
    #: Issues about appendages, by segment identifier (rows index the segment matrix).
    appendage_issues: dict[str, list[FieldIssue]] = field(default_factory=dict)
    #: The base fields spelled from columns, each contiguous, and their dates as read back
    #: (what the checks would otherwise copy out of and parse from the records).
    fields: dict[str, U8Matrix] = field(default_factory=dict)
    dates: dict[str, ParsedDates] = field(default_factory=dict)
    #: Base fields the frame did not give: "not available" (the template) in every row.
    absent: frozenset[str] = frozenset()
    #: The values numeric base fields were spelled from (fields with refused values left out).
    numbers: dict[str, np.ndarray] = field(default_factory=dict)


def encode_frame(frame: pl.DataFrame, *, into: U8Matrix | None = None) -> Encoded:
    """A frame slice (checked columns, see :mod:`arrears.formats.metro2.frames`).

    ``into`` is a template-filled ``(n, 426)`` view to spell the base segments in (the
    writer's output buffer); without it a new matrix is made. Text fields are spelled into
    contiguous matrices first and kept, so the checks read them where they are.
    """
    columns = segment_columns(frame, BASE, require=True)
    rows = blank_matrix(BASE, frame.height) if into is None else into
    days = _table_days(columns)
    others = {name: values for name, values in columns.items() if name not in days}
    spelled, issues = encode_fields(BASE, others, rows, keep=CHECKED_TEXT)
    dates: dict[str, ParsedDates] = {}
    for spec in _DATE_FIELDS:
        index = days.get(spec.name)
        if index is not None:
            calendar.encode_table_dates_into(index, rows[:, spec.offset : spec.end])
            dates[spec.name] = calendar.table_dates(index)
        elif spec.name in columns:
            dates[spec.name] = calendar.parsed_values(columns[spec.name])
        else:
            dates[spec.name] = calendar.zero_dates(frame.height)
    absent = frozenset(spec.name for spec in BASE.value_fields if spec.name not in columns)
    numbers = {
        spec.name: columns[spec.name]
        for spec in BASE.value_fields
        if spec.kind is Kind.NUMBER and spec.name in columns and not _refused(issues, spec.name)
    }
    encoded = Encoded(
        rows, issues=issues, fields=spelled, dates=dates, absent=absent, numbers=numbers
    )
    for name, found in appendage_columns(frame).items():
        matrix, segment_issues = encode_layout(APPENDAGE_BY_ID[name], found.columns, len(found))
        encoded.appendages[name] = PlacedSegments(found.owners, matrix)
        if segment_issues:
            encoded.appendage_issues[name] = segment_issues
    return encoded


_DATE_FIELDS: Final = tuple(spec for spec in BASE.value_fields if spec.kind is Kind.DATE)


def _table_days(columns: Mapping[str, ColumnValues]) -> dict[str, I64Array]:
    """Date columns whose days are all in the spelling table (no null, 1901-2099), by name,
    with their table indexes: spelled and read back from one lookup each, with no issue."""
    found: dict[str, I64Array] = {}
    for spec in _DATE_FIELDS:
        values = columns.get(spec.name)
        if isinstance(values, np.ndarray) and values.dtype.kind == "M":
            index, inside = calendar.in_table(values)
            if inside.all():
                found[spec.name] = index
    return found


def _refused(issues: list[FieldIssue], name: str) -> bool:
    return any(issue.field is not None and issue.field.name == name for issue in issues)


def encode_accounts(accounts: Sequence[AccountRecord]) -> Encoded:
    """Typed records; values of the wrong Python type are reported like any other issue."""
    rows, issues = encode_rows(BASE, [account.base for account in accounts])
    encoded = Encoded(rows, issues=issues)
    found: dict[str, tuple[list[int], list[object]]] = {}
    for owner, account in enumerate(accounts):
        for segment in account.appendages():
            name = segment.LAYOUT.name
            owners, segments = found.setdefault(name, ([], []))
            owners.append(owner)
            segments.append(segment)
    for name, (owners, segments) in found.items():
        matrix, segment_issues = encode_rows(APPENDAGE_BY_ID[name], segments)  # type: ignore[arg-type]
        order = np.asarray(owners, dtype=np.int64)
        encoded.appendages[name] = PlacedSegments(order, matrix)
        if segment_issues:
            encoded.appendage_issues[name] = segment_issues
    return encoded


def has_appendages(frame: pl.DataFrame) -> bool:
    """Whether any row of the frame carries an appendage segment."""
    present = [name for name in APPENDAGE_COLUMNS if name in frame.columns]
    if not present:
        return False
    counts = frame.select(pl.col(name).is_not_null().sum() for name in present).row(0)
    return any(counts)
