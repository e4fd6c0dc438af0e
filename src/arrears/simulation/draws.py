"""Keyed random draws: every number is a pure function of (seed, stream, key, index).

A loan's draws depend only on its own number, never on how many loans were generated before it in
the same chunk, so a portfolio is the same whatever chunk size streams it. The mixer is
SplitMix64 (Steele, Lea & Flood 2014), whose output passes BigCrush — ample for synthetic data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)
_UNIT = 2.0**-53


def _mix(z: NDArray[np.uint64]) -> NDArray[np.uint64]:
    z = z + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MUL1
    z = (z ^ (z >> np.uint64(27))) * _MUL2
    return z ^ (z >> np.uint64(31))


@cache
def _stream_key(name: str) -> np.uint64:
    """A stable 64-bit key per stream name (Python's ``hash`` changes between runs)."""
    return np.uint64(int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big"))


class Draws:
    """Uniform, integer, normal and categorical draws keyed by entity number and sub-index."""

    def __init__(self, seed: int) -> None:
        seed_bits = np.array([seed % 2**64], dtype=np.uint64)
        self._seed_key = _mix(seed_bits)[0]

    def bits(self, stream: str, keys: ArrayLike, index: ArrayLike = 0) -> NDArray[np.uint64]:
        """64 random bits for each (key, index) pair of ``stream``."""
        key_bits = np.asarray(keys, dtype=np.int64).astype(np.uint64)
        index_bits = np.asarray(index, dtype=np.int64).astype(np.uint64)
        with np.errstate(over="ignore"):
            first = _mix(key_bits ^ (self._seed_key ^ _stream_key(stream)))
            return _mix(first + index_bits * _GOLDEN)

    def uniform(self, stream: str, keys: ArrayLike, index: ArrayLike = 0) -> Floats:
        """Uniform floats in [0, 1)."""
        return (self.bits(stream, keys, index) >> np.uint64(11)).astype(np.float64) * _UNIT

    def integers(
        self, stream: str, keys: ArrayLike, *, low: ArrayLike, high: ArrayLike, index: ArrayLike = 0
    ) -> Ints:
        """Integers in [low, high) (bounds broadcast; the modulo bias is below 2^-40)."""
        low_arr = np.asarray(low, dtype=np.int64)
        span = np.maximum(np.asarray(high, dtype=np.int64) - low_arr, 1).astype(np.uint64)
        values: Ints = low_arr + (self.bits(stream, keys, index) % span).astype(np.int64)
        return values

    def chance(self, stream: str, keys: ArrayLike, probability: ArrayLike) -> NDArray[np.bool_]:
        """True with ``probability`` (scalar or per key)."""
        return self.uniform(stream, keys) < np.asarray(probability, dtype=np.float64)

    def normal(self, stream: str, keys: ArrayLike, index: ArrayLike = 0) -> Floats:
        """Standard normal draws (Box–Muller on two keyed uniforms)."""
        radius_bits = self.bits(stream + "#r", keys, index) >> np.uint64(11)
        radius_u = (radius_bits.astype(np.float64) + 0.5) * _UNIT
        angle_u = self.uniform(stream + "#a", keys, index)
        return np.sqrt(-2.0 * np.log(radius_u)) * np.cos(2.0 * np.pi * angle_u)

    def choice(
        self, stream: str, keys: ArrayLike, weights: Sequence[float] | Floats, index: ArrayLike = 0
    ) -> Ints:
        """Indices into ``weights`` drawn in proportion to them."""
        cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
        picks = np.searchsorted(
            cumulative / cumulative[-1], self.uniform(stream, keys, index), side="right"
        )
        return np.minimum(picks, len(cumulative) - 1).astype(np.int64)
