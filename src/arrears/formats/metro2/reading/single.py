"""Reading the Header and Trailer Records: one-row matrices through the same codec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from arrears.formats.metro2.codec import packed_rows
from arrears.formats.metro2.codec.columns import FieldIssue
from arrears.formats.metro2.codec.digits import U8Matrix
from arrears.formats.metro2.codec.records import decode_rows
from arrears.formats.metro2.framing.source import OffsetMap
from arrears.formats.metro2.problems import Metro2Problem
from arrears.formats.metro2.reading.locate import Located, locate
from arrears.formats.metro2.spec import SegmentLayout, rule
from arrears.formats.metro2.validation.fields import check_segment

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SingleRecord:
    """A header or trailer as read: its character row, its problems, and the typed record."""

    row: U8Matrix
    problems: list[Metro2Problem]
    dates: dict[str, int]
    where: Located


def read_single(
    layout: SegmentLayout,
    raw: U8Matrix,
    *,
    record: int,
    position: int,
    packed: bool,
    validate: bool,
    offsets: OffsetMap,
) -> SingleRecord:
    """Convert (packed), check (when asked) and locate the problems of one record."""
    row = raw.reshape(1, -1)
    issues: list[FieldIssue] = []
    if packed:
        row, issues = packed_rows.to_character(layout, row)
    dates: dict[str, int] = {}
    if validate:
        checked = check_segment(layout, row)
        issues += checked.issues
        dates = {name: int(parsed.ordinal[0]) for name, parsed in checked.dates.items()}
    where = Located(
        row, np.array([record], dtype=np.int64), np.array([position], dtype=np.int64), packed
    )
    return SingleRecord(row, locate(issues, where, offsets), dates, where)


def decode_single(single: SingleRecord, layout: SegmentLayout, cls: type[T]) -> T | None:
    """The typed record, or ``None`` when its bytes do not spell values."""
    if any(problem.structural for problem in single.problems):
        return None
    issues = check_segment(layout, single.row).issues
    if any(rule(issue.rule).structural for issue in issues):
        return None
    return decode_rows(layout, single.row, cls)[0]
