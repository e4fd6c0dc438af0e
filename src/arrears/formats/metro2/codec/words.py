"""Eight field bytes at a time: fields as little-endian ``uint64`` words (SWAR tricks).

NumPy is slow at reducing short rows (``.all(axis=1)`` over 9 bytes costs more than the bytes);
comparing whole words is one operation per 8 bytes. Fields are padded to a multiple of 8 with
a neutral byte (``0`` for digit checks, a blank for blank checks).
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import numpy.typing as npt

from arrears.formats.metro2.codec.arrays import Flags, U8Matrix

U64Matrix = npt.NDArray[np.uint64]

_HIGH: Final = np.uint64(0xF0F0_F0F0_F0F0_F0F0)
_LOW: Final = np.uint64(0x0F0F_0F0F_0F0F_0F0F)
_ZEROS: Final = np.uint64(0x3030_3030_3030_3030)
_SIX: Final = np.uint64(0x0606_0606_0606_0606)


def words(raw: U8Matrix, pad: int) -> U64Matrix:
    """``(n, width)`` bytes as ``(n, ceil(width / 8))`` words, padded with ``pad``."""
    count, width = raw.shape
    size = -(-width // 8) * 8
    if size == width and raw.flags.c_contiguous:
        return raw.view("<u8")
    padded = np.full((count, size), pad, dtype=np.uint8)
    padded[:, :width] = raw
    return padded.view("<u8")


def repeated(byte: int) -> np.uint64:
    """A word of eight ``byte`` s."""
    return np.uint64(int.from_bytes(bytes([byte]) * 8, "little"))


def digit_words(values: U64Matrix) -> Flags:
    """Per word: all eight bytes are ASCII digits (elementwise, same shape)."""
    high_ok = (values & _HIGH) == _ZEROS
    low_ok = ((values & _LOW) + _SIX) & _HIGH == 0
    flags: Flags = high_ok & low_ok
    return flags


def rows_all(flags: Flags) -> Flags:
    """Per row of a ``(n, k)`` flag matrix: every flag set (fast for small ``k``)."""
    result = flags[:, 0].copy()
    for column in range(1, flags.shape[1]):
        result &= flags[:, column]
    return result


def all_digits(raw: U8Matrix) -> Flags:
    """Per row: every byte is an ASCII digit."""
    return rows_all(digit_words(words(raw, ord("0"))))


def filled(raw: U8Matrix, byte: int) -> Flags:
    """Per row: every byte is ``byte``."""
    return rows_all(words(raw, byte) == repeated(byte))


_SIZES: Final = ((8, "<u8"), (4, "<u4"), (2, "<u2"), (1, "u1"))


def pieces(matrix: U8Matrix, offset: int, width: int) -> list[tuple[np.ndarray, int]]:
    """A field of every row as in-place unsigned views of 8, 4, 2 and 1 bytes (no copy)."""
    found: list[tuple[np.ndarray, int]] = []
    at, end = offset, offset + width
    for size, dtype in _SIZES:
        while end - at >= size:
            found.append((matrix[:, at : at + size].view(dtype)[:, 0], size))
            at += size
    return found


def _pattern(byte: int, size: int) -> np.unsignedinteger[Any]:
    dtype = np.dtype(dict(_SIZES)[size])
    value: np.unsignedinteger[Any] = dtype.type(int.from_bytes(bytes([byte]) * size, "little"))
    return value


def filled_at(matrix: U8Matrix, offset: int, width: int, byte: int) -> Flags:
    """Per row: the field at ``offset`` is ``width`` times ``byte`` (read in place)."""
    result: Flags | None = None
    for values, size in pieces(matrix, offset, width):
        same = values == _pattern(byte, size)
        result = same if result is None else result & same
    assert result is not None
    return result


def digits_at(matrix: U8Matrix, offset: int, width: int) -> Flags:
    """Per row: the field at ``offset`` is all ASCII digits (read in place)."""
    result: Flags | None = None
    for values, size in pieces(matrix, offset, width):
        high, low = _pattern(0xF0, size), _pattern(0x0F, size)
        six = _pattern(0x06, size)
        ok = ((values & high) == _pattern(0x30, size)) & ((((values & low) + six) & high) == 0)
        result = ok if result is None else result & ok
    assert result is not None
    return result
