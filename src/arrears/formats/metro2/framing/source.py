"""Reading a binary stream in bounded windows, with line breaks removed in character files.

Character files may carry LF or CRLF between records, or wrap records at any column (the
public test files do); those bytes are never data in the character format, so they are dropped
and an :class:`OffsetMap` turns positions back into offsets of the original file. Packed files
are binary: nothing is ever removed from them (metro2.md "Pitfalls").
"""

from __future__ import annotations

from typing import BinaryIO, Final

import numpy as np
import numpy.typing as npt

from arrears.formats.metro2.codec.digits import I64Array, U8Matrix

_LF: Final = 0x0A
_CR: Final = 0x0D
_CONTROL: Final = 0x20


class OffsetMap:
    """Positions in the line-break-free stream to byte offsets in the original input.

    Each removed byte is remembered by the stream position that followed it; only the bytes of
    the current window are kept (earlier ones are just counted), so memory does not grow with
    the file.
    """

    def __init__(self) -> None:
        self._keys: I64Array = np.zeros(0, dtype=np.int64)
        self._dropped = 0
        self._removed = 0

    def add(self, original_offsets: I64Array) -> None:
        """Record removed bytes (ascending original offsets, after all earlier ones)."""
        order = np.arange(self._removed, self._removed + original_offsets.size, dtype=np.int64)
        self._keys = np.concatenate([self._keys, original_offsets - order])
        self._removed += int(original_offsets.size)

    def snapshot(self) -> OffsetMap:
        """A copy that later calls do not change (for chunks checked on another thread)."""
        copy = OffsetMap()
        copy._keys, copy._dropped, copy._removed = self._keys, self._dropped, self._removed
        return copy

    def forget_before(self, position: int) -> None:
        """Drop what is only needed for positions before ``position``."""
        cut = int(np.searchsorted(self._keys, position, side="right"))
        if cut:
            self._dropped += cut
            self._keys = self._keys[cut:]

    def original(self, positions: npt.ArrayLike) -> I64Array:
        """Original byte offsets of stream positions (at or after the last forgotten one)."""
        stream = np.asarray(positions, dtype=np.int64)
        before = np.searchsorted(self._keys, stream, side="right") + self._dropped
        mapped: I64Array = stream + before
        return mapped


class WindowSource:
    """Reads ``window_bytes`` at a time and appends them to the unread rest of the last window.

    ``strip_line_breaks=None`` decides from the first bytes: a file whose first four bytes
    (line breaks aside) are digits is in the character format.
    """

    def __init__(
        self, stream: BinaryIO, *, strip_line_breaks: bool | None, window_bytes: int
    ) -> None:
        self._stream = stream
        self._strip = strip_line_breaks
        self._window_bytes = window_bytes
        self._read = 0
        self._window_start = 0
        self.offsets = OffsetMap()
        self.eof = False

    def extend(self, rest: U8Matrix) -> U8Matrix:
        """``rest`` followed by the next window of the stream (sets ``eof`` at the end).

        The window is read straight after a copy of ``rest`` in one new buffer (no second
        copy); only a window with line breaks in a character file is compacted.
        """
        buffer = np.empty(rest.size + self._window_bytes, dtype=np.uint8)
        buffer[: rest.size] = rest
        filled = self._read_window(buffer[rest.size :])
        if filled == 0:
            self.eof = True
            return rest
        fresh = buffer[rest.size : rest.size + filled]
        if self._strip is None:
            self._strip = _looks_like_characters(fresh)
        if self._strip and fresh.min() < _CONTROL:
            kept = self._without_line_breaks(fresh)
            if kept is not fresh:
                return np.concatenate([rest, kept]) if rest.size else kept
        return buffer[: rest.size + filled]

    def _read_window(self, target: U8Matrix) -> int:
        view = target.data
        filled = 0
        while filled < target.size:
            count = _read_into(self._stream, view[filled:])
            if not count:
                break
            filled += count
        self._window_start = self._read
        self._read += filled
        return filled

    def _without_line_breaks(self, fresh: U8Matrix) -> U8Matrix:
        breaks = (fresh == _LF) | (fresh == _CR)
        where = np.flatnonzero(breaks)
        if where.size == 0:
            return fresh
        self.offsets.add(where.astype(np.int64) + self._window_start)
        kept: U8Matrix = fresh[~breaks]
        return kept


def _read_into(stream: BinaryIO, view: memoryview) -> int:
    """``readinto`` when the stream has it, else ``read`` (any binary stream is accepted)."""
    reader = getattr(stream, "readinto", None)
    if reader is not None:
        count = reader(view)
        return int(count or 0)
    chunk = stream.read(len(view))
    view[: len(chunk)] = chunk
    return len(chunk)


def _looks_like_characters(first: U8Matrix) -> bool:
    head = first[: 4 + 16]
    head = head[(head != _LF) & (head != _CR)][:4]
    return head.size == 4 and bool(((head >= ord("0")) & (head <= ord("9"))).all())
