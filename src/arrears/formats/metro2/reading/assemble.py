"""Collecting base segments found in one window into matrices, in file order.

Fast runs are kept as views of the window; records of the variable-length path and of the
walker are gathered with one fixed-size copy per row, appendages one kind at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from arrears.formats.metro2.codec.columns import rows_at
from arrears.formats.metro2.codec.digits import I64Array, U8Matrix
from arrears.formats.metro2.framing.variable import VariableRun
from arrears.formats.metro2.framing.walker import Span
from arrears.formats.metro2.spec import APPENDAGE_BY_ID, APPENDAGES, REPEATABLE

#: §5.1 order of appendages after a base segment.
_ORDER: Final = {
    name: index for index, name in enumerate(("J1", "J2", "K1", "K2", "K3", "K4", "L1", "N1"))
}


@dataclass(frozen=True, slots=True)
class GatheredSegments:
    """Appendages of one kind: bytes, owning row in the chunk, stream positions."""

    matrix: U8Matrix
    owners: I64Array
    positions: I64Array


@dataclass(slots=True)
class Gathered:
    """The base rows of a chunk: bytes (record length wide), record numbers, stream positions."""

    rows: U8Matrix
    record_numbers: I64Array
    positions: I64Array
    segments: dict[str, GatheredSegments]
    out_of_order: list[tuple[int, str, int, str]]  #: (row, identifier, stream position, rule)


@dataclass(frozen=True, slots=True)
class Run:
    """Standard base rows found by the fast path (a view of the window)."""

    rows: U8Matrix
    first_record: int
    first_position: int
    stride: int


@dataclass(frozen=True, slots=True)
class Checked:
    """Base records with appendages found by the variable-length path."""

    run: VariableRun
    first_record: int


Walked = list[tuple[Span, int]]


class _Segments:
    """Appendages found so far, per identifier: owning rows and window offsets."""

    def __init__(self) -> None:
        self.owners: dict[str, list[I64Array]] = {}
        self.starts: dict[str, list[I64Array]] = {}

    def add(self, name: str, owners: I64Array, starts: I64Array) -> None:
        self.owners.setdefault(name, []).append(owners)
        self.starts.setdefault(name, []).append(starts)

    def gathered(self, buf: U8Matrix, base: int) -> dict[str, GatheredSegments]:
        found: dict[str, GatheredSegments] = {}
        for name, owner_parts in self.owners.items():
            owners = np.concatenate(owner_parts)
            starts = np.concatenate(self.starts[name])
            order = np.argsort(starts, kind="stable")  # file order
            owners, starts = owners[order], starts[order]
            length = APPENDAGE_BY_ID[name].length
            found[name] = GatheredSegments(rows_at(buf, starts, length), owners, starts + base)
        return found


@dataclass(slots=True)
class Pending:
    """Base rows found so far in the current window, in file order."""

    record_length: int
    pieces: list[Run | Checked | Walked] = field(default_factory=list)
    count: int = 0

    def add_run(self, run: Run) -> None:
        self.pieces.append(run)
        self.count += run.rows.shape[0]

    def add_checked(self, checked: Checked) -> None:
        self.pieces.append(checked)
        self.count += len(checked.run)

    def add_span(self, span: Span, record: int) -> None:
        last = self.pieces[-1] if self.pieces else None
        if isinstance(last, list):
            last.append((span, record))
        else:
            self.pieces.append([(span, record)])
        self.count += 1

    def gather(self, buf: U8Matrix, base: int) -> Gathered:
        """Matrices for everything pending (``base`` is the stream offset of ``buf[0]``)."""
        rows: list[U8Matrix] = []
        records: list[I64Array] = []
        positions: list[I64Array] = []
        segments = _Segments()
        out_of_order: list[tuple[int, str, int, str]] = []
        offset = 0
        for piece in self.pieces:
            if isinstance(piece, Run):
                count = piece.rows.shape[0]
                rows.append(piece.rows)
                records.append(piece.first_record + np.arange(count, dtype=np.int64))
                positions.append(piece.first_position + piece.stride * np.arange(count))
            elif isinstance(piece, Checked):
                count = len(piece.run)
                rows.append(rows_at(buf, piece.run.starts, self.record_length))
                records.append(piece.first_record + np.arange(count, dtype=np.int64))
                positions.append(piece.run.starts + base)
                for index, layout in enumerate(APPENDAGES):
                    chosen = piece.run.kinds == index
                    if chosen.any():
                        segments.add(
                            layout.name,
                            piece.run.owners[chosen] + offset,
                            piece.run.positions[chosen],
                        )
            else:
                count = len(piece)
                starts = np.array([span.start for span, _ in piece], dtype=np.int64)
                rows.append(rows_at(buf, starts, self.record_length))
                records.append(np.array([record for _, record in piece], dtype=np.int64))
                positions.append(starts + base)
                for index, (span, _) in enumerate(piece):
                    out_of_order += _misplaced(span, offset + index, base)
                    for identifier, start in span.segments:
                        segments.add(identifier, np.array([offset + index]), np.array([start]))
            offset += count
        return Gathered(
            rows=_join(rows, self.record_length),
            record_numbers=_concat(records),
            positions=_concat(positions),
            segments=segments.gathered(buf, base),
            out_of_order=out_of_order,
        )


def _join(rows: list[U8Matrix], length: int) -> U8Matrix:
    if not rows:
        return np.zeros((0, length), dtype=np.uint8)
    if len(rows) == 1:
        return rows[0]
    joined: U8Matrix = np.concatenate(rows)
    return joined


def _concat(parts: list[I64Array]) -> I64Array:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _misplaced(span: Span, row: int, base: int) -> list[tuple[int, str, int, str]]:
    """Appendages out of the §5.1 order, or repeated when they may appear only once."""
    found: list[tuple[int, str, int, str]] = []
    last = -1
    seen: set[str] = set()
    for identifier, start in span.segments:
        rank = _ORDER[identifier]
        if identifier in seen and identifier not in REPEATABLE:
            found.append((row, identifier, base + start, "framing.segment-repeated"))
        elif rank < last:
            found.append((row, identifier, base + start, "framing.segment-order"))
        last = max(last, rank)
        seen.add(identifier)
    return found
