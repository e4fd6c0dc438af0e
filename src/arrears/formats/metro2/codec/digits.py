"""Integers to and from fixed-width ASCII digits, vectorised (metro2.md "Conventions").

Numeric fields are right-justified and zero-filled. Matrices are ``uint8`` arrays of shape
``(n, width)``; callers check that the bytes are digits before decoding (garbage in gives garbage
out, never an exception) and that values fit before encoding.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

U8Matrix = npt.NDArray[np.uint8]
I64Array = npt.NDArray[np.int64]

ZERO: Final = ord("0")
_GROUP: Final = 5
_GROUP_SIZE: Final = 10**_GROUP

#: "00000" … "99999" as 5-byte items: encoding gathers one item per 5 digits.
_GROUPS: Final = (
    (np.arange(_GROUP_SIZE, dtype=np.int64)[:, None] // 10 ** np.arange(_GROUP - 1, -1, -1)) % 10
    + ZERO
).astype(np.uint8)
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
    count = values.shape[0]
    out = np.empty((count, width), dtype=np.uint8)
    rest = values.astype(np.int64, copy=True)
    end = width
    while end > 0:
        size = min(_GROUP, end)
        group = rest % _GROUP_SIZE
        rest //= _GROUP_SIZE
        out[:, end - size : end] = _GROUPS[group, _GROUP - size :]
        end -= size
    return out


def all_digits(matrix: U8Matrix) -> npt.NDArray[np.bool_]:
    """Per row: every byte is an ASCII digit."""
    flags = np.asarray(((matrix - np.uint8(ZERO)) <= 9).all(axis=1), dtype=np.bool_)
    return flags


def is_filled(matrix: U8Matrix, byte: int) -> npt.NDArray[np.bool_]:
    """Per row: every byte equals ``byte`` (all zeros, all nines, all blanks)."""
    flags = np.asarray((matrix == byte).all(axis=1), dtype=np.bool_)
    return flags
