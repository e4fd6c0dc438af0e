"""The streaming Metro 2 reader: bounded windows in, columnar :class:`BaseChunk` s out.

Memory stays flat whatever the file size: the reader holds one window (about
``chunk_records`` records) plus the unread end of the previous one. Standard base segments are
taken in bulk by the fast path, well-formed records with appendages a run at a time by the
variable-length path; the header, the trailer and anything damaged go through the walker.
Every problem is reported with its byte position; the reader never raises on bad input and
always terminates (each step consumes bytes or ends the file).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO

import numpy as np

from arrears.formats.metro2.framing.descriptors import DESCRIPTOR_LENGTH, detect
from arrears.formats.metro2.framing.fast import FastPath
from arrears.formats.metro2.framing.source import WindowSource
from arrears.formats.metro2.framing.variable import VariablePath
from arrears.formats.metro2.framing.walker import Note, Outcome, RecordType, Span, Step, Walker
from arrears.formats.metro2.model import HeaderRecord, TrailerRecord
from arrears.formats.metro2.options import Format, Framing, ReadOptions
from arrears.formats.metro2.pipeline import OrderedPipeline
from arrears.formats.metro2.problems import Metro2Problem, printable
from arrears.formats.metro2.reading.assemble import Checked, Pending, Run
from arrears.formats.metro2.reading.build import ChunkContext, build_chunk
from arrears.formats.metro2.reading.chunk import BaseChunk
from arrears.formats.metro2.reading.locate import locate
from arrears.formats.metro2.reading.single import SingleRecord, decode_single, read_single
from arrears.formats.metro2.spec import HEADER, RECORD_LENGTH, TRAILER
from arrears.formats.metro2.validation.totals import Totals, compare, mismatch_issues

_WINDOW_SLACK = 8
_DESCRIPTOR_FIELDS = {
    "framing.rdw": "record_descriptor_word",
    "framing.bdw": "block_descriptor_word",
}


@dataclass(slots=True)
class _Cursor:
    """Where the reader is: the window, the position in it, what is pending."""

    buf: np.ndarray
    pending: Pending
    base: int = 0
    at: int = 0
    data: bytes | None = None  #: ``buf`` as bytes, made when the walker first needs it
    problems: list[Metro2Problem] = field(default_factory=list)
    finished: bool = False
    clean: bool = True


class Metro2Reader:
    """Iterate to get :class:`BaseChunk` s; afterwards ``header``, ``trailer`` and ``totals``
    describe the whole file. Problems are in the chunks (the last one may be empty and carry
    the file-level problems: missing header or trailer, trailer totals)."""

    def __init__(self, stream: BinaryIO, *, options: ReadOptions | None = None) -> None:
        self._stream = stream
        self.options = options or ReadOptions()
        self.framing: Framing | None = None
        self.header: HeaderRecord | None = None
        self.trailer: TrailerRecord | None = None
        self.totals = Totals()
        self.records = 0
        self._header_seen = False
        self._trailer_single: SingleRecord | None = None
        self._after_trailer_reported = False
        self._activity_date: int | None = None
        self._started = False
        self._source = WindowSource(stream, strip_line_breaks=None, window_bytes=1)
        self._pipeline: OrderedPipeline[tuple[BaseChunk, Totals]] = OrderedPipeline(workers=0)

    def __iter__(self) -> Iterator[BaseChunk]:
        if self._started:
            msg = "a Metro2Reader reads its stream once"
            raise RuntimeError(msg)
        self._started = True
        return self._read()

    # -- the loop ---------------------------------------------------------------------------

    def _read(self) -> Iterator[BaseChunk]:
        window = self.options.chunk_records * (RECORD_LENGTH + DESCRIPTOR_LENGTH + _WINDOW_SLACK)
        strip = None if self.options.format is None else self.options.format is Format.CHARACTER
        self._source = WindowSource(self._stream, strip_line_breaks=strip, window_bytes=window)
        buf = self._source.extend(np.zeros(0, dtype=np.uint8))
        framing = self._framing(buf)
        if framing is None:
            data_format = self.options.format or Format.CHARACTER
            yield BaseChunk.empty(data_format, (self._not_metro2(buf),))
            return
        self.framing = framing
        self._pipeline = OrderedPipeline(workers=self.options.workers)
        try:
            yield from self._windows(framing, buf)
        finally:
            self._pipeline.close()

    def _windows(self, framing: Framing, buf: np.ndarray) -> Iterator[BaseChunk]:
        walker = Walker(framing)
        cursor = _Cursor(buf=buf, pending=Pending(walker.record_length))
        fast = FastPath(framing)
        variable = VariablePath(framing)
        while True:
            yield from self._drain(cursor, walker, fast, variable)
            if cursor.pending.count or cursor.problems:
                yield from self._emit(cursor)
            if cursor.finished:
                break
            cursor.base += cursor.at
            self._source.offsets.forget_before(cursor.base)
            cursor.buf = self._source.extend(cursor.buf[cursor.at :])
            cursor.data = None
            cursor.at = 0
        yield from self._collect(self._pipeline.drain())
        if cursor.clean and framing.blocked:
            closing = walker.close_block(cursor.base + len(cursor.buf))
            cursor.problems += self._notes(closing, None)
        cursor.problems += self._file_problems()
        if cursor.problems:
            yield BaseChunk.empty(framing.format, tuple(cursor.problems))

    def _drain(
        self, cursor: _Cursor, walker: Walker, fast: FastPath, variable: VariablePath
    ) -> Iterator[BaseChunk]:
        """Take records from the window until it needs more bytes or the file ends."""
        while True:
            if not self._take_fast(cursor, walker, fast) and not self._take_variable(
                cursor, walker, variable
            ):
                if cursor.data is None:
                    cursor.data = cursor.buf.tobytes()
                step = walker.step(cursor.data, cursor.at, cursor.base, eof=self._source.eof)
                if step.outcome is Outcome.NEED_MORE:
                    return
                self._take_step(cursor, step)
                if step.outcome is Outcome.END:
                    cursor.finished = True
                    cursor.clean = not step.notes
                    return
                cursor.at = step.next
            if cursor.pending.count >= self.options.chunk_records:
                yield from self._emit(cursor)

    def _take_fast(self, cursor: _Cursor, walker: Walker, fast: FastPath) -> bool:
        position = cursor.base + cursor.at
        if walker.framing.blocked and not walker.needs_bdw(position):
            return False
        if not fast.starts_here(cursor.data or cursor.buf, cursor.at):
            return False
        room = max(self.options.chunk_records - cursor.pending.count, 1)
        count = fast.run(cursor.buf, cursor.at, limit=room, eof=self._source.eof)
        if not count:
            return False
        cursor.problems += self._notes(walker.close_block(position), None)
        self._order_after_trailer(cursor.problems, position)
        rows = fast.rows(cursor.buf, cursor.at, count)[:, fast.body : fast.body + fast.length]
        cursor.pending.add_run(Run(rows, self.records + 1, position + fast.body, fast.stride))
        self.records += count
        if walker.framing.blocked:
            self.totals.add_blocks(count)
        cursor.at += count * fast.stride
        return True

    def _take_variable(self, cursor: _Cursor, walker: Walker, variable: VariablePath) -> bool:
        """Records with appendages, checked a run at a time (see ``framing/variable.py``)."""
        position = cursor.base + cursor.at
        if walker.framing.blocked and not walker.needs_bdw(position):
            return False
        if cursor.data is None:
            cursor.data = cursor.buf.tobytes()
        room = max(self.options.chunk_records - cursor.pending.count, 1)
        run = variable.run(cursor.buf, cursor.data, cursor.at, limit=room, eof=self._source.eof)
        if not len(run):
            return False
        cursor.problems += self._notes(walker.close_block(position), None)
        self._order_after_trailer(cursor.problems, position)
        cursor.pending.add_checked(Checked(run, self.records + 1))
        self.records += len(run)
        if walker.framing.blocked:
            self.totals.add_blocks(len(run))
        cursor.at = run.next
        return True

    def _take_step(self, cursor: _Cursor, step: Step) -> None:
        if step.new_block:
            self.totals.add_blocks(1)
        if step.span is None:
            cursor.problems += self._notes(step.notes, None)
            return
        self.records += 1
        cursor.problems += self._notes(step.notes, step.span)
        self._take(step.span, cursor.buf, cursor.base, cursor.pending, cursor.problems)

    # -- framing ----------------------------------------------------------------------------

    def _framing(self, buf: np.ndarray) -> Framing | None:
        detected = detect(bytes(buf[:16]))
        data_format = self.options.format or (detected.format if detected else None)
        if data_format is None:
            return None
        if data_format is Format.PACKED:
            return Framing.packed()
        blocked = self.options.blocked
        if blocked is None:
            blocked = detected.blocked if detected and detected.format is data_format else False
        return Framing(format=Format.CHARACTER, blocked=blocked)

    def _not_metro2(self, buf: np.ndarray) -> Metro2Problem:
        shown = printable(bytes(buf[:8]))
        message = "empty input" if buf.size == 0 else "does not start with a descriptor word"
        return Metro2Problem.in_file("framing.not-metro2", message, position=0, value=shown)

    def _notes(self, notes: list[Note], span: Span | None) -> list[Metro2Problem]:
        segment = span.kind.value if span is not None else "file"
        return [
            self._note(note, segment, self.records if span is not None else self._at(note))
            for note in notes
        ]

    def _at(self, note: Note) -> int:
        """Record number of a note without a record: the one being read, or 0 for blocks."""
        return self.records + 1 if note.rule in ("framing.truncated", "framing.lost") else 0

    def _note(self, note: Note, segment: str, record: int) -> Metro2Problem:
        return Metro2Problem(
            record=record,
            segment=segment,
            field=_DESCRIPTOR_FIELDS.get(note.rule, ""),
            position=int(self._source.offsets.original(np.array([note.position]))[0]),
            value=note.value,
            rule=note.rule,
            message=note.message,
        )

    # -- records ----------------------------------------------------------------------------

    def _take(
        self,
        span: Span,
        buf: np.ndarray,
        base: int,
        pending: Pending,
        problems: list[Metro2Problem],
    ) -> None:
        self._order_after_trailer(problems, base + span.start)
        if span.kind is RecordType.BASE:
            pending.add_span(span, self.records)
            return
        layout = HEADER if span.kind is RecordType.HEADER else TRAILER
        single = read_single(
            layout,
            buf[span.start : span.start + pending.record_length],
            record=self.records,
            position=base + span.start,
            packed=self.framing is not None and self.framing.format is Format.PACKED,
            validate=self.options.validate,
            offsets=self._source.offsets,
        )
        problems += single.problems
        if span.kind is RecordType.HEADER:
            self._take_header(single, problems, base + span.start)
        else:
            self._trailer_single = single
            self.trailer = decode_single(single, TRAILER, TrailerRecord)

    def _take_header(
        self, single: SingleRecord, problems: list[Metro2Problem], position: int
    ) -> None:
        if self._header_seen or self.records != 1:
            problems.append(
                self._order(
                    position,
                    "header",
                    "the Header Record must be the first record, and appear once",
                )
            )
            return
        self._header_seen = True
        self.header = decode_single(single, HEADER, HeaderRecord)
        self._activity_date = single.dates.get("activity_date") or None

    def _order_after_trailer(self, problems: list[Metro2Problem], position: int) -> None:
        if self._trailer_single is not None and not self._after_trailer_reported:
            self._after_trailer_reported = True
            problems.append(self._order(position, "file", "records after the Trailer Record"))

    def _order(self, position: int, segment: str, message: str) -> Metro2Problem:
        original = int(self._source.offsets.original(np.array([position]))[0])
        return Metro2Problem.in_file(
            "framing.record-order",
            message,
            segment=segment,
            position=original,
            record=self.records,
        )

    def _emit(self, cursor: _Cursor) -> Iterator[BaseChunk]:
        """Hand the pending rows to a worker; yields the chunks that are due, in order."""
        assert self.framing is not None
        context = ChunkContext(
            data_format=self.framing.format,
            offsets=self._source.offsets.snapshot(),
            validate=self.options.validate,
            activity_date=self._activity_date,
        )
        gathered = cursor.pending.gather(cursor.buf, cursor.base)
        problems, header = cursor.problems, self.header
        cursor.pending = Pending(cursor.pending.record_length)
        cursor.problems = []

        def job() -> tuple[BaseChunk, Totals]:
            chunk, totals = build_chunk(gathered, context, problems)
            return replace(chunk, header=header), totals

        yield from self._collect(self._pipeline.submit(job))

    def _collect(self, results: Iterator[tuple[BaseChunk, Totals]]) -> Iterator[BaseChunk]:
        for chunk, totals in results:
            self.totals.merge(totals)
            yield chunk

    def _file_problems(self) -> list[Metro2Problem]:
        problems: list[Metro2Problem] = []
        if not self._header_seen:
            problems.append(
                Metro2Problem.in_file(
                    "header.missing", "the file has no Header Record", segment="header"
                )
            )
        single = self._trailer_single
        if single is None:
            problems.append(
                Metro2Problem.in_file(
                    "trailer.missing", "the file has no Trailer Record", segment="trailer"
                )
            )
            return problems
        if self.options.validate and self.trailer is not None:
            computed = self.totals.trailer()
            blocked = self.framing is not None and self.framing.blocked
            wrong = compare(self.trailer, computed, check_blocks=blocked)
            issues = mismatch_issues(wrong, self.trailer, computed)
            problems += locate(issues, single.where, self._source.offsets)
        return problems
