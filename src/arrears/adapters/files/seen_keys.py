"""Remembering every key seen in an import in 16 bytes each, to catch duplicates across batches.

A batch finds its own duplicates with ``is_duplicated``; a key repeated thousands of rows later
lands in another batch. Keeping 24 million payment ids as Python strings would take gigabytes, so
each key is kept as two independent 64-bit hashes in sorted NumPy arrays: a repeat is a match on
both (a false match needs a 128-bit collision).
"""

from __future__ import annotations

import numpy as np
import polars as pl

_SEEDS = (0x5EED_0001, 0x5EED_0002)


class SeenKeys:
    def __init__(self) -> None:
        self._first = np.empty(0, dtype=np.uint64)
        self._second = np.empty(0, dtype=np.uint64)

    def __len__(self) -> int:
        return len(self._first)

    def seen_before(self, keys: pl.Series) -> pl.Series:
        """True for keys already added by an earlier batch (not this one)."""
        first, second = self._hashes(keys)
        positions = np.searchsorted(self._first, first)
        found = np.zeros(len(first), dtype=bool)
        for offset in range(3):  # equal first hashes sit side by side; look at a few
            at = positions + offset
            inside = at < len(self._first)
            candidate = np.zeros(len(first), dtype=bool)
            candidate[inside] = (self._first[at[inside]] == first[inside]) & (
                self._second[at[inside]] == second[inside]
            )
            found |= candidate
        return pl.Series(found, dtype=pl.Boolean)

    def add(self, keys: pl.Series) -> None:
        first, second = self._hashes(keys)
        order = np.lexsort((second, first))
        first, second = first[order], second[order]
        positions = np.searchsorted(self._first, first)
        self._first = np.insert(self._first, positions, first)
        self._second = np.insert(self._second, positions, second)

    @staticmethod
    def _hashes(keys: pl.Series) -> tuple[np.ndarray, np.ndarray]:
        text = keys.cast(pl.Utf8)
        return (
            text.hash(seed=_SEEDS[0]).to_numpy().astype(np.uint64),
            text.hash(seed=_SEEDS[1]).to_numpy().astype(np.uint64),
        )
