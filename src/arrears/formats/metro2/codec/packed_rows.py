"""Packed-format rows to and from character-format rows (metro2.md §5.14).

The packed layout keeps every text field's spelling and packs numeric, date and time-stamp
fields (5 bytes for 9-digit amounts and dates, 8 for the time stamp, 6 for the telephone
number). Converting at the edge lets one validator and one decoder serve both formats; the
packed byte positions are kept for problems.
"""

from __future__ import annotations

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


def to_character(layout: SegmentLayout, packed: U8Matrix) -> tuple[U8Matrix, list[FieldIssue]]:
    """``(n, packed length)`` rows to ``(n, 426)``-style character rows plus packed problems."""
    count = packed.shape[0]
    matrix = blank_matrix(layout, count)
    issues: list[FieldIssue] = []
    for spec in layout.fields:
        if spec.kind is Kind.DESCRIPTOR:
            continue
        raw = _packed_bytes(packed, layout, spec)
        if spec.is_packed_decimal:
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
        else:
            width = min(spec.length, spec.packed_width)
            matrix[:, spec.offset : spec.offset + width] = raw[:, :width]
    return matrix, issues


def to_packed(layout: SegmentLayout, matrix: U8Matrix) -> U8Matrix:
    """Character rows to packed rows (descriptor words are left zero for the framing)."""
    count = matrix.shape[0]
    packed = np.full((count, layout.packed_length), 0x20, dtype=np.uint8)
    for spec in layout.fields:
        start = layout.packed_offset(spec.name)
        end = start + spec.packed_width
        chars = matrix[:, spec.offset : spec.end]
        if spec.kind is Kind.DESCRIPTOR:
            packed[:, start:end] = 0
        elif spec.is_packed_decimal:
            packed[:, start:end] = packed_decimal.pack(
                np.ascontiguousarray(chars), spec.packed_width
            )
        else:
            width = min(spec.length, spec.packed_width)
            packed[:, start : start + width] = chars[:, :width]
    return packed
