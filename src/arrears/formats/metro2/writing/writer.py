"""The streaming Metro 2 writer: header, then batches of accounts, then a computed trailer.

Each batch is spelled, checked (every problem of the batch is reported at once, with the record
number and byte offset it would have had) and only then written, so a refused batch leaves no
half-written record. Descriptor words and every trailer total are computed (metro2.md §5.1,
§5.11). The writer writes into a binary stream it is given; it never opens files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice
from types import TracebackType
from typing import BinaryIO

import numpy as np
import polars as pl

from arrears.formats.metro2.codec import packed_rows
from arrears.formats.metro2.codec.columns import FieldIssue
from arrears.formats.metro2.codec.digits import U8Matrix
from arrears.formats.metro2.codec.records import encode_rows
from arrears.formats.metro2.frames import check_frame_columns
from arrears.formats.metro2.framing.source import OffsetMap
from arrears.formats.metro2.model import AccountRecord, HeaderRecord, TrailerRecord
from arrears.formats.metro2.options import Format, Framing
from arrears.formats.metro2.pipeline import OrderedPipeline
from arrears.formats.metro2.problems import Metro2FormatError
from arrears.formats.metro2.reading.locate import Located, locate
from arrears.formats.metro2.spec import HEADER, TRAILER, SegmentLayout
from arrears.formats.metro2.validation.fields import check_segment, without_refused
from arrears.formats.metro2.validation.totals import Totals
from arrears.formats.metro2.writing.batch import (
    Checks,
    Prepared,
    locate_problems,
    prepare_accounts,
    prepare_frame,
)
from arrears.formats.metro2.writing.layout import lay_out


class Metro2Writer:
    """Write a Metro 2 file into ``stream`` (use as a context manager, or call :meth:`close`).

    ``validate`` runs the same checks as the reader on every batch; with ``validate=False``
    only values that cannot be spelled are refused. ``workers`` threads prepare batches while
    earlier ones are written (0: everything inline).
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        header: HeaderRecord,
        framing: Framing | None = None,
        validate: bool = True,
        chunk_records: int = 32_768,
        workers: int = 1,
    ) -> None:
        self._stream = stream
        self.framing = framing or Framing()
        self.validate = validate
        self.chunk_records = chunk_records
        self.workers = workers
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
        """Accounts as a frame (one column per base field, see ``frames.py``).

        Batches are prepared on worker threads and written in order; the call returns once
        every batch of the frame is written, or raises with every problem of the first refused
        batch (earlier batches are written, later ones are not).
        """
        check_frame_columns(frame)
        checks = self._checks()
        jobs = (
            partial(prepare_frame, frame.slice(start, self.chunk_records), checks)
            for start in range(0, frame.height, self.chunk_records)
        )
        self._run(jobs)

    def write_accounts(self, accounts: Iterable[AccountRecord]) -> None:
        """Typed accounts, written in batches of ``chunk_records``."""
        checks = self._checks()
        jobs = (
            partial(prepare_accounts, batch, checks)
            for batch in _batches(accounts, self.chunk_records)
        )
        self._run(jobs)

    def close(self) -> TrailerRecord:
        """Write the trailer with the totals of everything written, and return it."""
        self._require_open()
        if self.framing.blocked:
            self.totals.add_blocks(1)
        trailer = self.totals.trailer()
        rows, issues = encode_rows(TRAILER, [trailer])
        self._write_single(TRAILER, rows, issues)
        self._stream.flush()
        self.closed = True
        return trailer

    # -- batches ----------------------------------------------------------------------------

    def _checks(self) -> Checks:
        self._require_open()
        return Checks(self.framing, self.validate, self._activity_date)

    def _require_open(self) -> None:
        if self.closed:
            msg = "the writer is already closed"
            raise RuntimeError(msg)

    def _run(self, jobs: Iterable[Callable[[], Prepared]]) -> None:
        pipeline: OrderedPipeline[Prepared] = OrderedPipeline(workers=self.workers)
        try:
            for job in jobs:
                for prepared in pipeline.submit(job):
                    self._commit(prepared)
            for prepared in pipeline.drain():
                self._commit(prepared)
        finally:
            pipeline.close()

    def _commit(self, prepared: Prepared) -> None:
        """Write a prepared batch in order, or raise with every one of its problems."""
        if prepared.count == 0:
            return
        if prepared.refused:
            packed = self.framing.format is Format.PACKED
            first = self.records + 2  # the header is record 1
            raise Metro2FormatError(
                locate_problems(prepared, first_record=first, offset=self.offset, packed=packed)
            )
        self.totals.add_bases(prepared.base_fields)
        for name, fields in prepared.segment_fields.items():
            self.totals.add_segments(name, fields)
        if self.framing.blocked:
            self.totals.add_blocks(prepared.count)
        self._stream.write(prepared.laid.data.data)
        self.records += prepared.count
        self.offset += prepared.laid.data.size

    # -- header and trailer -----------------------------------------------------------------

    def _write_single(
        self, layout: SegmentLayout, rows: U8Matrix, issues: list[FieldIssue]
    ) -> None:
        packed = self.framing.format is Format.PACKED
        record_rows = packed_rows.to_packed(layout, rows) if packed else rows
        laid = lay_out(record_rows, {}, self.framing)
        number = self.records + 1 if layout is HEADER else self.records + 2
        where = Located(rows, np.array([number]), laid.record_offsets + self.offset, packed)
        problems = locate(issues, where, OffsetMap())
        if problems:
            raise Metro2FormatError(problems)
        self._stream.write(laid.data.data)
        self.offset += laid.data.size
        if layout is HEADER and self.framing.blocked:
            self.totals.add_blocks(1)


def _batches(items: Iterable[AccountRecord], size: int) -> Iterator[list[AccountRecord]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
