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
from arrears.formats.metro2.spec import SegmentLayout
from arrears.formats.metro2.writing.batch import Checks, locate_problems, prepare_accounts
from arrears.formats.metro2.writing.layout import lay_out


def encode_file_records(file: Metro2File, *, framing: Framing | None = None) -> bytes:
    """The records of ``file`` as bytes; values that cannot be spelled raise with every one."""
    framing = framing or file.framing
    packed = framing.format is Format.PACKED
    parts: list[bytes] = []
    problems: list[Metro2Problem] = []
    record, offset = 1, 0
    if file.header is not None:
        data, found = _single(
            file.header.LAYOUT, file.header, framing, record=record, offset=offset
        )
        parts.append(data)
        problems += found
        record, offset = record + 1, offset + len(data)
    if file.accounts:
        checks = Checks(framing, validate=False, activity_date=None)
        prepared = prepare_accounts(file.accounts, checks)
        problems += locate_problems(prepared, first_record=record, offset=offset, packed=packed)
        parts.append(prepared.laid.data.tobytes())
        record, offset = record + prepared.count, offset + prepared.laid.data.size
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
