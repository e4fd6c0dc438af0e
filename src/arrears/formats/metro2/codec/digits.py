"""Integers to and from fixed-width ASCII digits, vectorised (metro2.md "Conventions").

Numeric fields are right-justified and zero-filled. Matrices are ``uint8`` arrays of shape
``(n, width)``; callers check that the bytes are digits before decoding (garbage in gives garbage
out, never an exception) and that values fit before encoding.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from arrears.formats.metro2.codec import words
from arrears.formats.metro2.codec.arrays import Flags, I64Array, U8Matrix, item_type

__all__ = [
    "ZERO",
    "I64Array",
    "U8Matrix",
    "all_digits",
    "decode",
    "encode",
    "encode_into",
    "is_filled",
]

ZERO: Final = ord("0")
#: Digits spelled per table gather: the 4-digit table (40 kB) stays in cache.
_GROUP: Final = 4
_GROUP_SIZE: Final = 10**_GROUP


#: Digits that always fit a ``uint32`` (below ``2**32``).
_NARROW_DIGITS: Final = 9


def _groups(size: int) -> np.ndarray:
    """``"0…0"`` to ``"9…9"`` (``size`` digits) as one item each, for one gather each."""
    numbers = np.arange(10**size, dtype=np.int64)[:, None] // 10 ** np.arange(size - 1, -1, -1)
    spelled = np.ascontiguousarray((numbers % 10 + ZERO).astype(np.uint8))
    items: np.ndarray = spelled.view(item_type(size))[:, 0]
    items.setflags(write=False)
    return items


#: Spellings of every group of 1 to 4 digits.
_SPELLINGS: Final = {size: _groups(size) for size in range(1, _GROUP + 1)}
_POWERS: Final = 10 ** np.arange(18, -1, -1, dtype=np.int64)


def max_value(width: int) -> int:
    """The largest integer a ``width``-digit field holds."""
    return int(10**width - 1)


def decode(digits: U8Matrix) -> I64Array:
    """``(n, width)`` ASCII digits to integers (``width`` up to 18)."""
    width = digits.shape[1]
    values: I64Array = (digits.astype(np.int64) - ZERO) @ _POWERS[-width:]
    return values


def encode(values: I64Array, width: int) -> U8Matrix:
    """Non-negative integers below ``10**width`` to zero-filled ``(n, width)`` ASCII digits."""
    out = np.empty((values.shape[0], width), dtype=np.uint8)
    encode_into(values, out)
    return out


def encode_into(values: I64Array, target: U8Matrix) -> None:
    """Spell integers into ``target`` (a ``(n, width)`` view, rows may be strided).

    Four digits at a time from the right: one division and one table gather per group. Once
    what is left has at most 9 digits it is divided as ``uint32`` (vectorised, where ``int64``
    division is not), and groups of 1, 2 and 4 digits are stored as integers (NumPy copies
    other void sizes one ``memcpy`` per row).
    """
    width = target.shape[1]
    rest: np.ndarray = values.astype(np.int64, copy=False)
    end = width
    while end > 0:
        if end <= _NARROW_DIGITS and rest.dtype != np.uint32:
            rest = rest.astype(np.uint32)
        size = min(_GROUP, end)
        if end > size:
            divisor = rest.dtype.type(_GROUP_SIZE)
            high = rest // divisor
            group = rest - high * divisor
        else:
            high, group = rest, rest
        table = _SPELLINGS[size]
        spelled = target[:, end - size : end].view(table.dtype)[:, 0]
        spelled[...] = table[group]
        rest = high
        end -= size


def all_digits(matrix: U8Matrix) -> Flags:
    """Per row: every byte is an ASCII digit."""
    return words.all_digits(matrix)


def is_filled(matrix: U8Matrix, byte: int) -> Flags:
    """Per row: every byte equals ``byte`` (all zeros, all nines, all blanks)."""
    return words.filled(matrix, byte)
