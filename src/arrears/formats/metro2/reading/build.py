"""Building a :class:`BaseChunk` from gathered rows: convert, validate, count, locate.

This is where the layout tables meet the file: packed rows become character rows, every field
and cross-field rule runs over the chunk, the trailer totals are accumulated, and issues become
problems with byte positions in the original input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arrears.formats.metro2.codec import digits, packed_rows
from arrears.formats.metro2.codec.columns import FieldIssue
from arrears.formats.metro2.framing.source import OffsetMap
from arrears.formats.metro2.options import Format
from arrears.formats.metro2.problems import Metro2Problem
from arrears.formats.metro2.reading.assemble import Gathered
from arrears.formats.metro2.reading.chunk import BaseChunk, SegmentRows
from arrears.formats.metro2.reading.locate import Located, locate
from arrears.formats.metro2.spec import APPENDAGE_BY_ID, BASE
from arrears.formats.metro2.validation.base_rules import check_base
from arrears.formats.metro2.validation.fields import (
    check_segment,
    is_structural,
    without_refused,
)
from arrears.formats.metro2.validation.totals import Totals


@dataclass(frozen=True, slots=True)
class ChunkContext:
    """What building a chunk needs from the reader (a snapshot: chunks build on threads)."""

    data_format: Format
    offsets: OffsetMap
    validate: bool
    activity_date: int | None


def build_chunk(
    gathered: Gathered, context: ChunkContext, problems: list[Metro2Problem]
) -> tuple[BaseChunk, Totals]:
    """The chunk for ``gathered`` rows and its trailer counts; framing problems come first."""
    totals = Totals()
    packed = context.data_format is Format.PACKED
    rows = gathered.rows
    issues: list[FieldIssue] = []
    if packed:
        rows, issues = packed_rows.to_character(BASE, rows)
    where = Located(rows, gathered.record_numbers, gathered.positions, packed=packed)
    if context.validate and rows.shape[0]:
        checked = check_segment(BASE, rows)
        issues += without_refused(checked.issues, refused=issues)
        rules = check_base(checked.fields, activity_date=context.activity_date)
        issues += without_refused(rules, refused=[i for i in issues if is_structural(i)])
        totals.add_bases(checked.fields)
    found = list(problems)
    found += locate(issues, where, context.offsets)
    appendages: dict[str, SegmentRows] = {}
    for name, segments in gathered.segments.items():
        layout = APPENDAGE_BY_ID[name]
        real = ~digits.is_filled(segments.matrix[:, 2:], 0x20)
        matrix = segments.matrix[real]
        owners = segments.owners[real]
        stream = segments.positions[real]
        if context.validate and matrix.shape[0]:
            located = Located(matrix, gathered.record_numbers[owners], stream)
            checked_segments = check_segment(layout, matrix)
            found += locate(checked_segments.issues, located, context.offsets)
            totals.add_segments(name, checked_segments.fields)
        appendages[name] = SegmentRows(layout, matrix, owners, context.offsets.original(stream))
    found += _order_problems(gathered, context.offsets)
    chunk = BaseChunk(
        rows=rows,
        record_numbers=gathered.record_numbers,
        positions=context.offsets.original(gathered.positions),
        appendages=appendages,
        problems=tuple(found),
        format=context.data_format,
    )
    return chunk, totals


def _order_problems(gathered: Gathered, offsets: OffsetMap) -> list[Metro2Problem]:
    return [
        Metro2Problem(
            record=int(gathered.record_numbers[row]),
            segment=identifier,
            field="segment_identifier",
            position=int(offsets.original(np.array([position]))[0]),
            value=identifier,
            rule=rule,
            message=(
                "appears more than once for the account"
                if rule == "framing.segment-repeated"
                else "out of the J1* J2* K1 K2 K3 K4 L1 N1 order"
            ),
        )
        for row, identifier, position, rule in gathered.out_of_order
    ]
