"""Array types shared by the codec: byte matrices and integer columns."""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

#: ``(n, width)`` bytes: one row per segment, or one field of every row.
U8Matrix = npt.NDArray[np.uint8]
#: Integers per row (amounts in whole dollars, ``YYYYMMDD`` ordinals, positions).
I64Array = npt.NDArray[np.int64]
#: One flag per row (or per word).
Flags = npt.NDArray[np.bool_]

_INTEGER_ITEMS: Final = {1: "u1", 2: "<u2", 4: "<u4", 8: "<u8"}


def item_type(width: int) -> str:
    """The dtype that moves ``width`` bytes as one item: an integer where one has that size
    (NumPy copies those in vector loops), else ``V{width}`` (one ``memcpy`` per item)."""
    return _INTEGER_ITEMS.get(width, f"V{width}")
