"""The general record walker: finds where each record ends, whatever its descriptor words say.

A record's length is taken from its content (metro2.md §5.1): 426 (or 366 packed) bytes, then
for a base segment every appendage whose identifier follows, each of its table length. The
Record and Block Descriptor Words are then *checked* against that length. When they disagree
the walker follows whichever reading leads to the start of another record, and reports the
other; when neither does, it stops with a ``framing.lost`` problem instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from arrears.formats.metro2.framing.descriptors import (
    DESCRIPTOR_LENGTH,
    read_descriptor,
    record_length,
    starts_record,
)
from arrears.formats.metro2.options import Framing
from arrears.formats.metro2.problems import printable
from arrears.formats.metro2.spec import APPENDAGE_BY_ID

#: Appendage identifiers as they appear in the file: (name, segment length).
_APPENDAGES: Final = {
    name.encode("ascii"): (name, layout.length) for name, layout in APPENDAGE_BY_ID.items()
}

#: Bytes needed after a record to tell whether another record starts there.
LOOKAHEAD: Final = 2 * DESCRIPTOR_LENGTH + 7


class RecordType(Enum):
    HEADER = "header"
    BASE = "base"
    TRAILER = "trailer"


def record_type(body: bytes) -> RecordType:
    """What a record is, from the bytes after its RDW."""
    if body.startswith(b"HEADER"):
        return RecordType.HEADER
    if body.startswith(b"TRAILER"):
        return RecordType.TRAILER
    return RecordType.BASE


@dataclass(slots=True)
class Span:
    """A record found in the buffer: where it starts (at its RDW) and its appendages."""

    kind: RecordType
    start: int
    length: int
    segments: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Note:
    """A framing problem at an absolute stream position."""

    position: int
    rule: str
    message: str
    value: str = ""


class Outcome(Enum):
    RECORD = "record"
    NEED_MORE = "need more bytes"
    END = "end"


@dataclass(slots=True)
class Step:
    outcome: Outcome
    span: Span | None = None
    notes: list[Note] = field(default_factory=list)
    next: int = 0
    new_block: bool = False


class Walker:
    """Steps through records; keeps the open block between calls (positions are absolute)."""

    def __init__(self, framing: Framing) -> None:
        self.framing = framing
        self.record_length = record_length(framing.format)
        self._block_start: int | None = None
        self._block_declared: int | None = None

    def _block_end(self) -> int | None:
        if self._block_start is None or self._block_declared is None:
            return None
        return self._block_start + self._block_declared

    def close_block(self, position: int) -> list[Note]:
        """End the open block at ``position``; a wrong BDW is reported at the block's start."""
        notes: list[Note] = []
        if self._block_start is not None and self._block_declared is not None:
            actual = position - self._block_start
            if actual != self._block_declared:
                notes.append(
                    Note(
                        self._block_start,
                        "framing.bdw",
                        f"block has {actual} bytes, its BDW says {self._block_declared}",
                        str(self._block_declared),
                    )
                )
        self._block_start = None
        self._block_declared = None
        return notes

    def step(self, buf: bytes, at: int, base: int, *, eof: bool) -> Step:
        """Read one record starting at buffer offset ``at`` (``base`` is its stream offset)."""
        size = len(buf)
        notes: list[Note] = []
        record = at
        new_block = False
        saved = (self._block_start, self._block_declared)
        if self.framing.blocked and (
            self.needs_bdw(base + at) or self._opens_block(buf, at, eof=eof)
        ):
            if at + DESCRIPTOR_LENGTH > size:
                return self._short(at, size, base, eof, "a Block Descriptor Word")
            notes.extend(self.close_block(base + at))
            declared = read_descriptor(buf[at : at + 4], self.framing.format)
            if declared is None:
                shown = printable(buf[at : at + 4])
                notes.append(Note(base + at, "framing.bdw", "not a Block Descriptor Word", shown))
            self._block_start, self._block_declared = base + at, declared
            record = at + DESCRIPTOR_LENGTH
            new_block = True
        step = self._record(buf, record, base, eof=eof)
        if step.outcome is Outcome.NEED_MORE:
            self._block_start, self._block_declared = saved
            return step
        step.notes[:0] = notes
        step.new_block = new_block
        return step

    def needs_bdw(self, position: int) -> bool:
        end = self._block_end()
        return end is None or position >= end

    def _opens_block(self, buf: bytes, at: int, *, eof: bool) -> bool:
        """Inside a block by its BDW, but the bytes say a new one-record block starts here
        (a BDW equal to the RDW after it plus 4): the previous BDW was wrong."""
        if at + 2 * DESCRIPTOR_LENGTH > len(buf):
            return False
        first = read_descriptor(buf[at : at + 4], self.framing.format)
        second = read_descriptor(buf[at + 4 : at + 8], self.framing.format)
        return first is not None and second is not None and first == second + DESCRIPTOR_LENGTH

    def _short(self, at: int, size: int, base: int, eof: bool, what: str) -> Step:
        if not eof:
            return Step(Outcome.NEED_MORE)
        if at >= size:
            return Step(Outcome.END)
        note = Note(
            base + at, "framing.truncated", f"the file ends {size - at} byte(s) into {what}"
        )
        return Step(Outcome.END, notes=[note])

    def _record(self, buf: bytes, at: int, base: int, *, eof: bool) -> Step:
        size = len(buf)
        if at + LOOKAHEAD > size and not eof:
            return Step(Outcome.NEED_MORE)
        if at + self.record_length > size:
            return self._short(at, size, base, eof, f"a {self.record_length}-byte record")
        declared = read_descriptor(buf[at : at + 4], self.framing.format)
        kind = record_type(buf[at + 4 : at + 11])
        found = self._content(buf, at, kind, declared, eof=eof)
        if found is None:
            return Step(Outcome.NEED_MORE)
        length, segments, truncated = found
        span = Span(kind, at, length, segments)
        if truncated is not None:
            note = Note(
                base + truncated, "framing.truncated", "the file ends inside an appendage segment"
            )
            return Step(Outcome.END, span=span, notes=[note], next=size)
        if declared == length:
            return Step(Outcome.RECORD, span=span, next=at + length)
        return self._resolve(buf, span, declared, base, eof=eof)

    def _content(
        self, buf: bytes, at: int, kind: RecordType, declared: int | None, *, eof: bool
    ) -> tuple[int, list[tuple[str, int]], int | None] | None:
        """Length from the content, appendages, and where a truncated segment starts."""
        if kind is RecordType.BASE:
            return self._appendages(buf, at, eof=eof)
        padded = self._padded_length(buf, at, declared, eof=eof)
        return None if padded is None else (padded, [], None)

    def _padded_length(self, buf: bytes, at: int, declared: int | None, *, eof: bool) -> int | None:
        """Header and trailer: blank padding up to a longer RDW (fixed-length files) counts."""
        if declared is None or declared <= self.record_length:
            return self.record_length
        if at + declared > len(buf):
            return self.record_length if eof else None
        padding = buf[at + self.record_length : at + declared]
        return declared if padding.strip(b" ") == b"" else self.record_length

    def _appendages(
        self, buf: bytes, at: int, *, eof: bool
    ) -> tuple[int, list[tuple[str, int]], int | None] | None:
        """Base segment: every appendage whose identifier follows (§5.12 lengths)."""
        size = len(buf)
        end = at + self.record_length
        segments: list[tuple[str, int]] = []
        while end + 2 <= size:
            found = _APPENDAGES.get(buf[end : end + 2])
            if found is None:
                return end - at, segments, None
            identifier, length = found
            if end + length > size:
                return (end - at, segments, end) if eof else None
            segments.append((identifier, end))
            end += length
        return (end - at, segments, None) if eof else None

    def _resolve(
        self, buf: bytes, span: Span, declared: int | None, base: int, *, eof: bool
    ) -> Step:
        """The RDW disagrees with the content: follow the reading that finds the next record."""
        end = span.start + span.length
        by_content = self._plausible(buf, end, eof=eof)
        by_rdw = (
            self._plausible(buf, span.start + declared, eof=eof)
            if declared is not None and declared > span.length
            else False
        )
        if by_content is None or by_rdw is None:
            return Step(Outcome.NEED_MORE)
        where = base + span.start
        shown = printable(buf[span.start : span.start + 4])
        if by_content:
            message = (
                "not a Record Descriptor Word"
                if declared is None
                else f"record has {span.length} bytes, its RDW says {declared}"
            )
            return Step(
                Outcome.RECORD,
                span=span,
                next=end,
                notes=[Note(where, "framing.rdw", message, shown)],
            )
        if by_rdw and declared is not None:
            unknown = printable(buf[end : end + 2])
            span.length = declared
            note = Note(
                base + end,
                "framing.unknown-segment",
                f"unknown segment identifier {unknown!r} after the base segment",
                unknown,
            )
            return Step(Outcome.RECORD, span=span, next=span.start + declared, notes=[note])
        lost = Note(
            base + end,
            "framing.lost",
            "no record starts here; the rest of the file cannot be read",
            printable(buf[end : end + 8]),
        )
        return Step(Outcome.END, span=span, notes=[lost], next=len(buf))

    def _plausible(self, buf: bytes, position: int, *, eof: bool) -> bool | None:
        """Does a record (or a block) start at ``position``? ``None``: more bytes needed."""
        size = len(buf)
        if position + LOOKAHEAD > size and not eof:
            return None
        if position >= size:
            return position == size
        head = buf[position : position + LOOKAHEAD]
        if read_descriptor(head[:4], self.framing.format) is None:
            return False
        if starts_record(head[4:]):
            return True
        inner = read_descriptor(head[4:8], self.framing.format)
        return inner is not None and starts_record(head[8:])
