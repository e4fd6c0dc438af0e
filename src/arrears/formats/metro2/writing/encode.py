"""Spelling a batch of accounts (a frame slice or typed records) into character matrices.

Both inputs end in the same place: a base matrix, one matrix per appendage kind with the owning
row of each segment, and the issues of values that could not be spelled (too long, negative,
more than 9 digits, not ASCII, wrong type) — refused, never truncated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from arrears.formats.metro2.codec.columns import FieldIssue, encode_layout, encode_layout_into
from arrears.formats.metro2.codec.digits import U8Matrix
from arrears.formats.metro2.codec.records import encode_rows
from arrears.formats.metro2.frames import APPENDAGE_COLUMNS, appendage_columns, segment_columns
from arrears.formats.metro2.model import AccountRecord
from arrears.formats.metro2.spec import APPENDAGE_BY_ID, BASE
from arrears.formats.metro2.writing.layout import PlacedSegments


@dataclass(slots=True)
class Encoded:
    """A batch of accounts in character format, with what could not be spelled."""

    rows: U8Matrix
    appendages: dict[str, PlacedSegments] = field(default_factory=dict)
    issues: list[FieldIssue] = field(default_factory=list)
    #: Issues about appendages, by segment identifier (rows index the segment matrix).
    appendage_issues: dict[str, list[FieldIssue]] = field(default_factory=dict)


def encode_frame(frame: pl.DataFrame, *, into: U8Matrix | None = None) -> Encoded:
    """A frame slice (checked columns, see :mod:`arrears.formats.metro2.frames`).

    ``into`` is a template-filled ``(n, 426)`` view to spell the base segments in (the
    writer's output buffer); without it a new matrix is made.
    """
    columns = segment_columns(frame, BASE, require=True)
    if into is None:
        rows, issues = encode_layout(BASE, columns, frame.height)
    else:
        rows, issues = into, encode_layout_into(BASE, columns, into)
    encoded = Encoded(rows, issues=issues)
    for name, found in appendage_columns(frame).items():
        matrix, segment_issues = encode_layout(APPENDAGE_BY_ID[name], found.columns, len(found))
        encoded.appendages[name] = PlacedSegments(found.owners, matrix)
        if segment_issues:
            encoded.appendage_issues[name] = segment_issues
    return encoded


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
