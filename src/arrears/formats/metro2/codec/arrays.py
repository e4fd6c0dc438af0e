"""Array types shared by the codec: byte matrices and integer columns."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: ``(n, width)`` bytes: one row per segment, or one field of every row.
U8Matrix = npt.NDArray[np.uint8]
#: Integers per row (amounts in whole dollars, ``YYYYMMDD`` ordinals, positions).
I64Array = npt.NDArray[np.int64]
#: One flag per row (or per word).
Flags = npt.NDArray[np.bool_]
