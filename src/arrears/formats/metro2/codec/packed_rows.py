"""Packed-format rows to and from character-format rows (metro2.md §5.14).

The packed layout keeps every text field's spelling and packs numeric, date and time-stamp
fields (5 bytes for 9-digit amounts and dates, 8 for the time stamp, 6 for the telephone
number). Converting at the edge lets one validator and one decoder serve both formats; the
packed byte positions are kept for problems.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from arrears.formats.metro2.codec import packed_decimal
from arrears.formats.metro2.codec.columns import FieldIssue, blank_matrix, put_field
from arrears.formats.metro2.codec.digits import U8Matrix
from arrears.formats.metro2.spec import FieldSpec, Kind, SegmentLayout

_MALFORMED = "not packed decimal (digit nibbles and a C, D or F sign nibble)"
_NEGATIVE = "negative amounts are refused"


def _packed_bytes(packed: U8Matrix, layout: SegmentLayout, spec: FieldSpec) -> U8Matrix:
    start = layout.packed_offset(spec.name)
    return np.ascontiguousarray(packed[:, start : start + spec.packed_width])


@cache
def _text_runs(layout: SegmentLayout) -> tuple[tuple[int, int, int], ...]:
    """Runs of adjacent fields spelled alike in both formats: (character offset, packed
    offset, width). Copying a run at once beats copying its fields one by one."""
    runs: list[list[int]] = []
    for spec in layout.fields:
        if spec.kind is Kind.DESCRIPTOR or spec.is_packed_decimal:
            continue
        width = min(spec.length, spec.packed_width)
        packed = layout.packed_offset(spec.name)
        last = runs[-1] if runs else None
        if last and last[0] + last[2] == spec.offset and last[1] + last[2] == packed:
            last[2] += width
        else:
            runs.append([spec.offset, packed, width])
        if width != spec.length or width != spec.packed_width:
            runs.append([spec.offset + width, packed + width, 0])  # a width change ends a run
    return tuple((char, packed, width) for char, packed, width in runs if width)


def to_character(layout: SegmentLayout, packed: U8Matrix) -> tuple[U8Matrix, list[FieldIssue]]:
    """``(n, packed length)`` rows to ``(n, 426)``-style character rows plus packed problems."""
    count = packed.shape[0]
    matrix = blank_matrix(layout, count)
    for char, start, width in _text_runs(layout):
        matrix[:, char : char + width] = packed[:, start : start + width]
    issues: list[FieldIssue] = []
    for spec in layout.fields:
        if not spec.is_packed_decimal:
            continue
        raw = _packed_bytes(packed, layout, spec)
        unpacked = packed_decimal.unpack(raw, spec.length)
        put_field(matrix, spec, unpacked.digits)
        checks = (
            (unpacked.malformed, "field.packed", _MALFORMED),
            (unpacked.negative & ~unpacked.malformed, "field.negative", _NEGATIVE),
            (unpacked.overflow, "field.too-large", f"more than {spec.length} digits"),
        )
        for flags, rule, message in checks:
            rows = np.flatnonzero(flags)
            if rows.size:
                shown = tuple("0x" + bytes(raw[row]).hex() for row in rows)
                issues.append(FieldIssue(rows, layout, spec, rule, message, shown))
    return matrix, issues


def to_packed(layout: SegmentLayout, matrix: U8Matrix) -> U8Matrix:
    """Character rows to packed rows (descriptor words are left zero for the framing)."""
    count = matrix.shape[0]
    packed = np.full((count, layout.packed_length), 0x20, dtype=np.uint8)
    for char, start, width in _text_runs(layout):
        packed[:, start : start + width] = matrix[:, char : char + width]
    for spec in layout.fields:
        start = layout.packed_offset(spec.name)
        end = start + spec.packed_width
        if spec.kind is Kind.DESCRIPTOR:
            packed[:, start:end] = 0
        elif spec.is_packed_decimal:
            chars = np.ascontiguousarray(matrix[:, spec.offset : spec.end])
            packed[:, start:end] = packed_decimal.pack(chars, spec.packed_width)
    return packed
