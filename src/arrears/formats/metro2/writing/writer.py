"""The streaming Metro 2 writer: header, then batches of accounts, then a computed trailer.

Each batch is spelled, checked (every problem of the batch is reported at once, with the record
number and byte offset it would have had) and only then written, so a refused batch leaves no
half-written record. Descriptor words and every trailer total are computed (metro2.md §5.1,
§5.11). The writer writes into a binary stream it is given; it never opens files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from types import TracebackType
from typing import BinaryIO

import numpy as np
import polars as pl

from arrears.formats.metro2.codec import packed_rows
from arrears.formats.metro2.codec.columns import FieldIssue, template
from arrears.formats.metro2.codec.digits import U8Matrix
from arrears.formats.metro2.codec.records import encode_rows
from arrears.formats.metro2.frames import check_frame_columns
from arrears.formats.metro2.framing.source import OffsetMap
from arrears.formats.metro2.model import AccountRecord, HeaderRecord, TrailerRecord
from arrears.formats.metro2.options import Format, Framing
from arrears.formats.metro2.problems import Metro2FormatError, Metro2Problem
from arrears.formats.metro2.reading.locate import Located, locate
from arrears.formats.metro2.spec import APPENDAGE_BY_ID, BASE, HEADER, TRAILER, SegmentLayout
from arrears.formats.metro2.validation.base_rules import check_base
from arrears.formats.metro2.validation.fields import (
    SegmentFields,
    check_segment,
    is_structural,
    without_refused,
)
from arrears.formats.metro2.validation.totals import Totals
from arrears.formats.metro2.writing.encode import (
    Encoded,
    encode_accounts,
    encode_frame,
    has_appendages,
)
from arrears.formats.metro2.writing.layout import LaidOut, lay_out, plain_buffer, plain_laid_out

_IDENTITY = OffsetMap()


class Metro2Writer:
    """Write a Metro 2 file into ``stream`` (use as a context manager, or call :meth:`close`).

    ``validate`` runs the same checks as the reader on every batch; with ``validate=False``
    only values that cannot be spelled are refused.
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        header: HeaderRecord,
        framing: Framing | None = None,
        validate: bool = True,
        chunk_records: int = 8_192,
    ) -> None:
        self._stream = stream
        self.framing = framing or Framing()
        self.validate = validate
        self.chunk_records = chunk_records
        self.totals = Totals()
        self.records = 0
        self.offset = 0
        self.closed = False
        rows, issues = encode_rows(HEADER, [header])
        if validate:
            issues += without_refused(check_segment(HEADER, rows).issues, refused=issues)
        self._write_single(HEADER, rows, issues)
        activity = int(check_segment(HEADER, rows).dates["activity_date"].ordinal[0])
        self._activity_date = activity or None

    def __enter__(self) -> Metro2Writer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None and not self.closed:
            self.close()

    # -- public API -------------------------------------------------------------------------

    def write_frame(self, frame: pl.DataFrame) -> None:
        """Accounts as a frame (one column per base field, see ``frames.py``)."""
        check_frame_columns(frame)
        for start in range(0, frame.height, self.chunk_records):
            batch = frame.slice(start, self.chunk_records)
            if self.framing.format is Format.CHARACTER and not has_appendages(batch):
                self._write_plain(batch)
            else:
                self._write_batch(encode_frame(batch))

    def write_accounts(self, accounts: Iterable[AccountRecord]) -> None:
        """Typed accounts, written in batches of ``chunk_records``."""
        for batch in _batches(accounts, self.chunk_records):
            self._write_batch(encode_accounts(batch))

    def close(self) -> TrailerRecord:
        """Write the trailer with the totals of everything written, and return it."""
        if self.closed:
            msg = "the writer is already closed"
            raise RuntimeError(msg)
        if self.framing.blocked:
            self.totals.add_blocks(1)
        trailer = self.totals.trailer()
        rows, issues = encode_rows(TRAILER, [trailer])
        self._write_single(TRAILER, rows, issues)
        self._stream.flush()
        self.closed = True
        return trailer

    # -- batches ----------------------------------------------------------------------------

    def _write_plain(self, frame: pl.DataFrame) -> None:
        """Character records without appendages: spelled straight into the output buffer."""
        out, body = plain_buffer(frame.height, BASE.length, self.framing, template(BASE))
        encoded = encode_frame(frame, into=body)
        self._finish(encoded, plain_laid_out(out, self.framing))

    def _write_batch(self, encoded: Encoded) -> None:
        packed = self.framing.format is Format.PACKED
        rows = packed_rows.to_packed(BASE, encoded.rows) if packed else encoded.rows
        self._finish(encoded, lay_out(rows, encoded.appendages, self.framing))

    def _finish(self, encoded: Encoded, laid: LaidOut) -> None:
        """Check the batch, count it and write it (or raise with every problem)."""
        if self.closed:
            msg = "the writer is already closed"
            raise RuntimeError(msg)
        count = encoded.rows.shape[0]
        if count == 0:
            return
        problems, base_fields, segment_fields = self._check(encoded, laid)
        if problems:
            raise Metro2FormatError(problems)
        self.totals.add_bases(base_fields)
        for name, fields in segment_fields.items():
            self.totals.add_segments(name, fields)
        if self.framing.blocked:
            self.totals.add_blocks(count)
        self._stream.write(laid.data.data)
        self.records += count
        self.offset += laid.data.size

    def _check(
        self, encoded: Encoded, laid: LaidOut
    ) -> tuple[list[Metro2Problem], SegmentFields, dict[str, SegmentFields]]:
        """Every problem of the batch, and its fields (reused for the trailer totals)."""
        first = self.records + 2  # the header is record 1
        numbers = np.arange(first, first + encoded.rows.shape[0], dtype=np.int64)
        positions = laid.record_offsets + self.offset
        packed = self.framing.format is Format.PACKED
        base_issues = list(encoded.issues)
        if self.validate:
            checked = check_segment(BASE, encoded.rows)
            base_fields = checked.fields
            base_issues += without_refused(checked.issues, refused=base_issues)
            rules = check_base(base_fields, activity_date=self._activity_date)
            structural = [issue for issue in base_issues if is_structural(issue)]
            base_issues += without_refused(rules, refused=structural)
        else:
            base_fields = SegmentFields(BASE, encoded.rows)
        if laid.too_long.size:
            base_issues.append(_too_long(laid))
        where = Located(encoded.rows, numbers, positions, packed)
        problems = locate(base_issues, where, _IDENTITY)
        segment_fields: dict[str, SegmentFields] = {}
        for name, placed in encoded.appendages.items():
            layout = APPENDAGE_BY_ID[name]
            issues = list(encoded.appendage_issues.get(name, []))
            if self.validate:
                checked = check_segment(layout, placed.matrix)
                issues += without_refused(checked.issues, refused=issues)
                segment_fields[name] = checked.fields
            else:
                segment_fields[name] = SegmentFields(layout, placed.matrix)
            if issues:
                located = Located(
                    placed.matrix, numbers[placed.owners], laid.segment_offsets[name] + self.offset
                )
                problems += locate(issues, located, _IDENTITY)
        return problems, base_fields, segment_fields

    # -- header and trailer -----------------------------------------------------------------

    def _write_single(
        self, layout: SegmentLayout, rows: U8Matrix, issues: list[FieldIssue]
    ) -> None:
        packed = self.framing.format is Format.PACKED
        record_rows = packed_rows.to_packed(layout, rows) if packed else rows
        laid = lay_out(record_rows, {}, self.framing)
        number = self.records + 1 if layout is HEADER else self.records + 2
        where = Located(rows, np.array([number]), laid.record_offsets + self.offset, packed)
        problems = locate(issues, where, _IDENTITY)
        if problems:
            raise Metro2FormatError(problems)
        self._stream.write(laid.data.data)
        self.offset += laid.data.size
        if layout is HEADER and self.framing.blocked:
            self.totals.add_blocks(1)


def _too_long(laid: LaidOut) -> FieldIssue:
    return FieldIssue(
        laid.too_long,
        BASE,
        BASE.field("record_descriptor_word"),
        "framing.rdw",
        "the record is too long for its descriptor word (too many appendages)",
    )


def _batches(items: Iterable[AccountRecord], size: int) -> Iterator[list[AccountRecord]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
