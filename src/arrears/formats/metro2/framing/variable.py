"""The variable-length path: runs of base segments with appendages, checked with NumPy.

Collection files carry a K1 (original creditor) on every account, so their records are not all
426 bytes and the fixed-stride fast path does not apply. Here the descriptor words are chained
in a tight loop (one integer per record), then the content of the whole run is checked at once:
starting after each base segment, every appendage identifier is looked up and its length added,
one appendage depth at a time for all records together. A run ends before the first record
whose content does not fill its RDW exactly, whose appendages are out of order or unknown, or
that is a header or trailer: the walker reads that one and reports what is wrong with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from arrears.formats.metro2.codec.arrays import Flags, I64Array, U8Matrix
from arrears.formats.metro2.framing.descriptors import DESCRIPTOR_LENGTH, record_length
from arrears.formats.metro2.options import Format, Framing
from arrears.formats.metro2.spec import APPENDAGES, REPEATABLE

#: Appendage index (§5.1 order) by identifier read as a little-endian 16-bit word; -1 unknown.
_INDEX: Final = np.full(65_536, -1, dtype=np.int64)
for _rank, _layout in enumerate(APPENDAGES):
    _INDEX[int.from_bytes(_layout.name.encode("ascii"), "little")] = _rank
_LENGTHS: Final = np.array([layout.length for layout in APPENDAGES], dtype=np.int64)
_REPEATABLE: Final = np.array([layout.name in REPEATABLE for layout in APPENDAGES])
_NOT_BASE: Final = (b"HEAD", b"TRAI")
_NOT_BASE_FIRST: Final = frozenset(b"HT")


@dataclass(frozen=True, slots=True)
class VariableRun:
    """Records found: RDW offsets in the window, and each appendage (kind, owner row, offset)."""

    starts: I64Array
    next: int
    kinds: I64Array
    owners: I64Array
    positions: I64Array

    def __len__(self) -> int:
        return int(self.starts.size)


class VariablePath:
    """Finds runs of well-formed base records of any length for one framing."""

    def __init__(self, framing: Framing) -> None:
        self.framing = framing
        self.length = record_length(framing.format)
        self._known: dict[bytes, int] = {}

    def _descriptor(self, raw: bytes) -> int:
        if self.framing.format is Format.CHARACTER:
            return int(raw) if raw.isdigit() else -1
        return int.from_bytes(raw[:2], "big") if raw[2:] == b"\x00\x00" else -1

    def chain(self, data: bytes, at: int, *, limit: int) -> tuple[list[int], int]:
        """RDW offsets of consecutive plain-looking base records from ``at``, and the offset
        after the last one (a tight loop: descriptor spellings are looked up once)."""
        starts: list[int] = []
        size = len(data)
        prefix = DESCRIPTOR_LENGTH if self.framing.blocked else 0
        known = self._known
        position = at
        while len(starts) < limit:
            record = position + prefix
            if record + 8 > size:
                break
            raw = data[record : record + 4]
            declared = known.get(raw)
            if declared is None:
                declared = known[raw] = self._descriptor(raw)
            if declared < self.length or record + declared > size:
                break
            if prefix:
                block = data[position:record]
                declared_block = known.get(block)
                if declared_block is None:
                    declared_block = known[block] = self._descriptor(block)
                if declared_block != declared + prefix:
                    break
            first_body_byte = data[record + 4]
            if first_body_byte in _NOT_BASE_FIRST and data[record + 4 : record + 8] in _NOT_BASE:
                break
            starts.append(record)
            position = record + declared
        return starts, position

    def run(self, buf: U8Matrix, data: bytes, at: int, *, limit: int, eof: bool) -> VariableRun:
        """The longest checked run from ``at`` (possibly empty).

        The last record chained is only taken when it ends the file: otherwise the record after
        it must vouch for it (its RDW might be too short, with appendages following).
        """
        starts, end = self.chain(data, at, limit=limit + 1)
        candidates = len(starts) if eof and end == len(data) else len(starts) - 1
        candidates = max(min(candidates, limit), 0)
        prefix = DESCRIPTOR_LENGTH if self.framing.blocked else 0
        first = np.asarray(starts, dtype=np.int64)
        sizes = np.diff(first, append=end + prefix) - prefix
        count = _checked_prefix(buf, first[:candidates], sizes[:candidates], self.length)
        following = int(first[count]) - prefix if count < first.size else end
        kinds, owners, positions = _segments(buf, first[:count], sizes[:count], self.length)
        return VariableRun(first[:count], following, kinds, owners, positions)


def _words_at(buf: U8Matrix) -> npt.NDArray[np.uint16]:
    """The 16-bit little-endian word starting at every byte offset (a stride-1 view)."""
    return np.ndarray((max(buf.size - 1, 0),), dtype="<u2", buffer=buf, strides=(1,))


def _checked_prefix(buf: U8Matrix, starts: I64Array, lengths: I64Array, length: int) -> int:
    """How many records from the first have content that fills their RDW, in order."""
    if starts.size == 0:
        return 0
    words = _words_at(buf)
    ends = starts + lengths
    at = starts + length
    ok = np.ones(starts.size, dtype=bool)
    previous = np.full(starts.size, -1, dtype=np.int64)
    active = at < ends
    while active.any():
        rows = np.flatnonzero(active)
        kind = _INDEX[words[at[rows]]]
        known = kind >= 0
        safe = np.where(known, kind, 0)
        in_order = (safe > previous[rows]) | ((safe == previous[rows]) & _REPEATABLE[safe])
        ok[rows] &= known & in_order
        at[rows] += np.where(known, _LENGTHS[safe], 0)
        previous[rows] = safe
        active = ok & (at < ends)
    good: Flags = ok & (at == ends)
    bad = np.flatnonzero(~good)
    return int(bad[0]) if bad.size else int(starts.size)


def _segments(
    buf: U8Matrix, starts: I64Array, lengths: I64Array, length: int
) -> tuple[I64Array, I64Array, I64Array]:
    """Kind, owner row and offset of every appendage of checked records, in file order."""
    words = _words_at(buf)
    ends = starts + lengths
    at = starts + length
    empty = np.zeros(0, dtype=np.int64)
    kinds, owners, positions = [empty], [empty], [empty]
    rows = np.flatnonzero(at < ends)
    while rows.size:
        kind = _INDEX[words[at[rows]]]
        kinds.append(kind)
        owners.append(rows)
        positions.append(at[rows])
        at[rows] += _LENGTHS[kind]
        rows = rows[at[rows] < ends[rows]]
    return np.concatenate(kinds), np.concatenate(owners), np.concatenate(positions)
