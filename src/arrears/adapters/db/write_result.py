"""What writing a batch of import rows did, and the content digest that makes re-import a no-op."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import polars as pl


@dataclass
class WriteResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    touched_loans: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    problems: pl.DataFrame | None = None


def content_hash(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    """A stable digest of the given columns per row (md5 of their text, unit-separated)."""
    joined = frame.select(
        pl.concat_str(
            [pl.col(c).cast(pl.Utf8).fill_null("\x00") for c in columns], separator="\x1f"
        )
    ).to_series()
    return pl.Series(
        "content_hash",
        [hashlib.md5(v.encode(), usedforsecurity=False).hexdigest() for v in joined.to_list()],
        dtype=pl.Utf8,
    )
