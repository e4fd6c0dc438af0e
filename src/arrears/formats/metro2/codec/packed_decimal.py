"""Packed decimal (IBM COMP-3) to and from ASCII digits, vectorised (metro2.md §5.14).

A field of ``b`` bytes holds ``2b - 1`` digit nibbles and a sign nibble (C positive, D
negative, F unsigned). Metro 2 spells a 9-digit amount in 5 bytes (``ddddddddds``) and a date
as ``0MMDDYYYYs``: digits are right-aligned with leading zero nibbles. This codec writes sign C
and reads C, D or F. (moov-io/metro2 writes binary integers instead; such files are refused
with a ``field.packed`` problem.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from arrears.formats.metro2.codec.digits import ZERO, U8Matrix

Flags = npt.NDArray[np.bool_]

POSITIVE: Final = 0x0C
NEGATIVE: Final = 0x0D
UNSIGNED: Final = 0x0F


@dataclass(frozen=True, slots=True)
class Unpacked:
    """Digits read from packed fields, and per row what was wrong with them.

    ``malformed``: a nibble is not a digit or the sign is not C, D or F. ``negative``: sign D
    on a non-zero value. ``overflow``: more significant digits than the character field has.
    """

    digits: U8Matrix
    malformed: Flags
    negative: Flags
    overflow: Flags

    @property
    def bad(self) -> Flags:
        flags: Flags = self.malformed | self.negative | self.overflow
        return flags


def pack(digits: U8Matrix, nbytes: int) -> U8Matrix:
    """ASCII digits ``(n, width)`` to packed decimal ``(n, nbytes)`` with sign C."""
    count, width = digits.shape
    slots = 2 * nbytes - 1
    if width > slots:
        msg = f"{width} digits do not fit {nbytes} packed bytes"
        raise ValueError(msg)
    nibbles = np.zeros((count, 2 * nbytes), dtype=np.uint8)
    nibbles[:, slots - width : slots] = digits - np.uint8(ZERO)
    nibbles[:, slots] = POSITIVE
    packed: U8Matrix = ((nibbles[:, 0::2] << 4) | nibbles[:, 1::2]).astype(np.uint8)
    return packed


def unpack(packed: U8Matrix, width: int) -> Unpacked:
    """Packed decimal ``(n, nbytes)`` to ``width`` ASCII digits, flagging bad rows.

    A clean chunk is checked with whole-array tests; rows are only examined when one fails.
    """
    count, nbytes = packed.shape
    nibbles = np.empty((count, 2 * nbytes), dtype=np.uint8)
    nibbles[:, 0::2] = packed >> 4
    nibbles[:, 1::2] = packed & 0x0F
    slots = 2 * nbytes - 1
    digit_nibbles = nibbles[:, :slots]
    sign = nibbles[:, slots]
    lead = max(slots - width, 0)
    kept = digit_nibbles[:, lead:]
    digits = np.zeros((count, width), dtype=np.uint8)
    digits[:, width - kept.shape[1] :] = np.minimum(kept, 9)
    digits += np.uint8(ZERO)
    no: Flags = np.zeros(count, dtype=bool)
    malformed, negative, overflow = no, no, no
    if digit_nibbles.max(initial=0) > 9:
        malformed = _rows_any(digit_nibbles > 9)
    signs_ok = (sign == POSITIVE) | (sign == UNSIGNED)
    if not signs_ok.all():
        negative_sign = sign == NEGATIVE
        malformed = malformed | (~signs_ok & ~negative_sign)
        negative = negative_sign & _rows_any(digit_nibbles != 0)
    if lead and digit_nibbles[:, :lead].max(initial=0):
        overflow = _rows_any(digit_nibbles[:, :lead] != 0) & ~malformed
    return Unpacked(digits=digits, malformed=malformed, negative=negative, overflow=overflow)


def _rows_any(flags: np.ndarray) -> Flags:
    rows: Flags = np.asarray(flags.any(axis=1), dtype=bool)
    return rows
