"""Spelling given records exactly as they are (fragments, faithful re-writes).

Unlike :class:`~arrears.formats.metro2.writing.writer.Metro2Writer`, which always computes the
trailer, this writes the header, accounts and trailer it is given (any of them may be missing),
so a file can be read and written back byte for byte. Descriptor words are still computed.
"""

from __future__ import annotations

import numpy as np

from arrears.formats.metro2.codec import packed_rows
from arrears.formats.metro2.codec.columns import FieldIssue
from arrears.formats.metro2.codec.digits import U8Matrix
from arrears.formats.metro2.codec.records import Typed, encode_rows
from arrears.formats.metro2.framing.source import OffsetMap
from arrears.formats.metro2.model import Metro2File
from arrears.formats.metro2.options import Format, Framing
from arrears.formats.metro2.problems import Metro2FormatError, Metro2Problem
from arrears.formats.metro2.reading.locate import Located, locate
from arrears.formats.metro2.spec import BASE, SegmentLayout
from arrears.formats.metro2.writing.encode import encode_accounts
from arrears.formats.metro2.writing.layout import lay_out


def encode_file_records(file: Metro2File, *, framing: Framing | None = None) -> bytes:
    """The records of ``file`` as bytes; values that cannot be spelled raise with every one."""
    framing = framing or file.framing
    parts: list[bytes] = []
    problems: list[Metro2Problem] = []
    record = 1
    offset = 0
    singles: list[tuple[SegmentLayout, Typed]] = []
    if file.header is not None:
        singles.append((file.header.LAYOUT, file.header))
    for layout, value in singles:
        data, found = _single(layout, value, framing, record=record, offset=offset)
        parts.append(data)
        problems += found
        record += 1
        offset += len(data)
    if file.accounts:
        encoded = encode_accounts(list(file.accounts))
        packed = framing.format is Format.PACKED
        rows = packed_rows.to_packed(BASE, encoded.rows) if packed else encoded.rows
        laid = lay_out(rows, encoded.appendages, framing)
        numbers = np.arange(record, record + len(file.accounts), dtype=np.int64)
        where = Located(encoded.rows, numbers, laid.record_offsets + offset, packed)
        problems += locate(encoded.issues, where, OffsetMap())
        for name, issues in encoded.appendage_issues.items():
            placed = encoded.appendages[name]
            located = Located(
                placed.matrix, numbers[placed.owners], laid.segment_offsets[name] + offset
            )
            problems += locate(issues, located, OffsetMap())
        parts.append(laid.data.tobytes())
        record += len(file.accounts)
        offset += laid.data.size
    if file.trailer is not None:
        data, found = _single(
            file.trailer.LAYOUT, file.trailer, framing, record=record, offset=offset
        )
        parts.append(data)
        problems += found
    if problems:
        raise Metro2FormatError(problems)
    return b"".join(parts)


def _single(
    layout: SegmentLayout, value: Typed, framing: Framing, *, record: int, offset: int
) -> tuple[bytes, list[Metro2Problem]]:
    rows, issues = encode_rows(layout, [value])
    return _laid_single(layout, rows, issues, framing, record=record, offset=offset)


def _laid_single(
    layout: SegmentLayout,
    rows: U8Matrix,
    issues: list[FieldIssue],
    framing: Framing,
    *,
    record: int,
    offset: int,
) -> tuple[bytes, list[Metro2Problem]]:
    packed = framing.format is Format.PACKED
    record_rows = packed_rows.to_packed(layout, rows) if packed else rows
    laid = lay_out(record_rows, {}, framing)
    where = Located(rows, np.array([record]), laid.record_offsets + offset, packed)
    return laid.data.tobytes(), locate(issues, where, OffsetMap())
