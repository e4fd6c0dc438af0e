"""A stable digest of what was reported for an account, to tell a changed month from the same.

The digest covers every reported field except the Correction Indicator and the Time Stamp,
with the SSN and date of birth replaced by their keyed blind indexes (so the stored digest
reveals nothing about them). It is BLAKE2b over a canonical text of the fields, stable across
library versions (unlike a frame hash), 64 bits: enough to notice a change in an account.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import polars as pl

_SEPARATOR = "\x1f"


def _text(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if isinstance(dtype, pl.Struct):
        return column.struct.json_encode().fill_null("")
    if isinstance(dtype, pl.List):
        return column.list.eval(pl.element().struct.json_encode()).list.join(_SEPARATOR)
    return column.cast(pl.String).fill_null("")


def digests(frame: pl.DataFrame, columns: Sequence[str]) -> pl.Series:
    """One 16-hex-digit digest per row over ``columns`` (names and values, in order)."""
    canonical = frame.select(
        pl.concat_str(
            [
                pl.concat_str(pl.lit(f"{name}="), _text(name, frame.schema[name]))
                for name in columns
            ],
            separator=_SEPARATOR,
        ).alias("text")
    ).get_column("text")
    values = [
        hashlib.blake2b(text.encode(), digest_size=8).hexdigest() for text in canonical.to_list()
    ]
    return pl.Series("digest", values, dtype=pl.String)
