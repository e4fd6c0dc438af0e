"""Turning vectorised field issues into problems with record numbers and byte positions.

A :class:`FieldIssue` names rows of a segment matrix; the problem needs the record number, the
field's byte offset in the *original* input (line breaks removed on read are put back through
the :class:`OffsetMap`), and the value as the file spells it (sensitive fields are redacted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from arrears.formats.metro2.codec.columns import FieldIssue, field_bytes
from arrears.formats.metro2.codec.digits import I64Array, U8Matrix
from arrears.formats.metro2.framing.source import OffsetMap
from arrears.formats.metro2.problems import REDACTED, Metro2Problem, printable


@dataclass(frozen=True, slots=True)
class Located:
    """Where the rows of a segment matrix are: record numbers and stream positions."""

    matrix: U8Matrix
    record_numbers: I64Array
    positions: I64Array
    packed: bool = False


def locate(issues: Iterable[FieldIssue], where: Located, offsets: OffsetMap) -> list[Metro2Problem]:
    """One problem per (issue, row), in row order within each issue."""
    problems: list[Metro2Problem] = []
    for issue in issues:
        spec = issue.field
        if spec is None:
            field_offset = 0
        elif where.packed:
            field_offset = issue.layout.packed_offset(spec.name)
        else:
            field_offset = spec.offset
        stream = where.positions[issue.rows] + field_offset
        original = offsets.original(stream)
        records = where.record_numbers[issue.rows]
        values = _values(issue, where.matrix)
        problems.extend(
            Metro2Problem(
                record=int(record),
                segment=issue.layout.name,
                field=spec.name if spec is not None else "",
                position=int(position),
                value=value,
                rule=issue.rule,
                message=issue.message,
            )
            for record, position, value in zip(records, original, values, strict=True)
        )
    return problems


def _values(issue: FieldIssue, matrix: U8Matrix) -> list[str]:
    if issue.values is not None:
        return list(issue.values)
    spec = issue.field
    if spec is None:
        return [""] * issue.rows.size
    if spec.sensitive:
        return [REDACTED] * issue.rows.size
    raw = field_bytes(matrix[issue.rows], spec)
    return [printable(bytes(row)).rstrip(" ") for row in np.asarray(raw)]
