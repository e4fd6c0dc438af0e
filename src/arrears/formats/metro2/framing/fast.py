"""The fast path: runs of plain base segments of the standard length, found with NumPy.

Most files are header, millions of 426-byte base segments without appendages, trailer. A row of
the buffer is taken on the fast path when its descriptor words are exactly the standard ones
(``0426``, or ``0430`` + ``0426`` when blocked, or their binary packed spellings) and the next
row's are too: then nothing can be appended to it. Everything else goes to the walker.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from arrears.formats.metro2.codec.digits import U8Matrix
from arrears.formats.metro2.framing.descriptors import (
    DESCRIPTOR_LENGTH,
    record_length,
    spell_descriptor,
)
from arrears.formats.metro2.options import Framing

_FIRST_PROBE: Final = 8
_GROWTH: Final = 8


class FastPath:
    """Finds runs of standard base rows for one framing."""

    def __init__(self, framing: Framing) -> None:
        length = record_length(framing.format)
        prefix = spell_descriptor(length, framing.format)
        if framing.blocked:
            prefix = spell_descriptor(length + DESCRIPTOR_LENGTH, framing.format) + prefix
        self.prefix = prefix
        self.body = len(prefix) - DESCRIPTOR_LENGTH  #: offset of the record's RDW in a row
        self.length = length
        self.stride = length + len(prefix) - DESCRIPTOR_LENGTH
        dtype = "<u8" if len(prefix) == 8 else "<u4"
        self._dtype = dtype
        self._prefix = np.frombuffer(prefix, dtype=dtype)[0]
        self._header = np.frombuffer(b"HEAD", dtype="<u4")[0]
        self._trailer = np.frombuffer(b"TRAI", dtype="<u4")[0]

    def starts_here(self, data: bytes | U8Matrix, at: int) -> bool:
        """A cheap look before the NumPy probe: do the standard descriptor words start here?"""
        head = data[at : at + len(self.prefix)]
        return (head if isinstance(head, bytes) else head.tobytes()) == self.prefix

    def rows(self, buf: U8Matrix, at: int, count: int) -> U8Matrix:
        """``count`` rows of ``stride`` bytes from ``at``, as a view."""
        view: U8Matrix = buf[at : at + count * self.stride].reshape(count, self.stride)
        return view

    def run(self, buf: U8Matrix, at: int, *, limit: int, eof: bool) -> int:
        """How many rows from ``at`` are standard base rows (at most ``limit``)."""
        available = min((buf.shape[0] - at) // self.stride, limit + 1)
        probe = min(_FIRST_PROBE, available)
        while probe > 0:
            good = self._good(self.rows(buf, at, probe))
            bad = np.flatnonzero(~good)
            if bad.size:
                return max(int(bad[0]) - 1, 0)
            if probe == available:
                break
            probe = min(probe * _GROWTH, available)
        if probe == 0:
            return 0
        ends_file = eof and at + probe * self.stride == int(buf.shape[0])
        return int(min(probe if ends_file else probe - 1, limit))

    def _good(self, rows: U8Matrix) -> np.ndarray:
        width = 8 if self._dtype == "<u8" else 4
        words = rows[:, :width].view(self._dtype)[:, 0]
        body = rows[:, self.body + DESCRIPTOR_LENGTH : self.body + 8].view("<u4")[:, 0]
        good: np.ndarray = (words == self._prefix) & (body != self._header)
        good &= body != self._trailer
        return good
