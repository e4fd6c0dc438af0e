"""Remembering every key seen in an import in 16 bytes each, to catch duplicates across batches.

A batch finds its own duplicates with ``is_duplicated``; a key repeated thousands of rows later
lands in another batch. Keeping 24 million payment ids as Python strings would take gigabytes, so
each key is kept as two independent 64-bit hashes in sorted NumPy arrays: a repeat is a match on
both (a false match needs a 128-bit collision).

Two costs grow with the keys kept, and both are bounded here. A batch's hashes are looked up in
ascending order: 250,000 random binary searches in 100 MB of hashes each missed the cache at
every step (2.6 µs a key, a third of the payments' time at a million loans). And a batch goes
into a small ``recent`` run, which joins the large ``settled`` one only once it holds an eighth
as many keys, so a batch does not rewrite every key kept so far.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

_SEEDS = (0x5EED_0001, 0x5EED_0002)
_RECENT_SHARE = 8
"""``recent`` joins ``settled`` once it holds 1/8 as many keys."""


@dataclass(frozen=True)
class _Run:
    """Hash pairs sorted by (first, second)."""

    first: np.ndarray
    second: np.ndarray

    @classmethod
    def empty(cls) -> _Run:
        return cls(np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint64))

    def __len__(self) -> int:
        return len(self.first)

    def contains(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """For each pair (``first`` ascending), whether it is in the run."""
        positions = np.searchsorted(self.first, first)
        found = np.zeros(len(first), dtype=bool)
        for offset in range(3):  # equal first hashes sit side by side; look at a few
            at = positions + offset
            inside = at < len(self.first)
            candidate = np.zeros(len(first), dtype=bool)
            candidate[inside] = (self.first[at[inside]] == first[inside]) & (
                self.second[at[inside]] == second[inside]
            )
            found |= candidate
        return found

    def merged(self, other: _Run) -> _Run:
        positions = np.searchsorted(self.first, other.first)
        return _Run(
            np.insert(self.first, positions, other.first),
            np.insert(self.second, positions, other.second),
        )


class SeenKeys:
    def __init__(self) -> None:
        self._settled = _Run.empty()
        self._recent = _Run.empty()

    def __len__(self) -> int:
        return len(self._settled) + len(self._recent)

    def seen_before(self, keys: pl.Series) -> pl.Series:
        """True for keys already added by an earlier batch (not this one)."""
        first, second = self._hashes(keys)
        order = np.argsort(first)
        first, second = first[order], second[order]
        found = self._settled.contains(first, second) | self._recent.contains(first, second)
        in_order = np.empty(len(found), dtype=bool)
        in_order[order] = found
        return pl.Series(in_order, dtype=pl.Boolean)

    def add(self, keys: pl.Series) -> None:
        first, second = self._hashes(keys)
        order = np.lexsort((second, first))
        self._recent = self._recent.merged(_Run(first[order], second[order]))
        if len(self._recent) * _RECENT_SHARE >= len(self._settled):
            self._settled = self._settled.merged(self._recent)
            self._recent = _Run.empty()

    @staticmethod
    def _hashes(keys: pl.Series) -> tuple[np.ndarray, np.ndarray]:
        text = keys.cast(pl.Utf8)
        return (
            text.hash(seed=_SEEDS[0]).to_numpy().astype(np.uint64),
            text.hash(seed=_SEEDS[1]).to_numpy().astype(np.uint64),
        )
