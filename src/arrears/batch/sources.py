"""Ledger sources as integers that sort like their text.

A source the posting rules own is ``charge:<key>``, ``installment:<seq>``, ``loan`` or
``payment:<id>``. Hashing and sorting millions of such strings is what makes a journal slow, so
the batch works with ``(kind, rank)`` pairs instead: ``kind`` orders the prefixes as text does
(charge < installment < loan < payment) and ``rank`` orders the rest as text does. For decimal
numbers the rank is arithmetic (``text_rank``: ``"10"`` sorts between ``"1"`` and ``"2"`` as
strings do); charge keys (few) are ranked by sorting them.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import polars as pl

from arrears.batch.arrays import Ints, ints

CHARGE, INSTALLMENT, LOAN, PAYMENT = 0, 1, 2, 3
PREFIXES: Final = {CHARGE: "charge:", INSTALLMENT: "installment:", PAYMENT: "payment:"}
#: Decimal numbers of up to this many digits get an arithmetic rank (18·10**17 < 2**63).
_DIGITS = 17
_POWERS = np.array([10**n for n in range(_DIGITS + 1)], dtype=np.int64)


class ChargeRanks:
    """Ranks of charge keys, fixed once over every key of the partition (desired and posted)."""

    def __init__(self, keys: pl.Series) -> None:
        distinct = keys.unique().sort()
        self._ranked = pl.DataFrame(
            {"key": distinct, "rank": np.arange(distinct.len(), dtype=np.int64)}
        )

    def keys(self) -> list[str]:
        """The keys in rank order (a key's rank is its index)."""
        return self._ranked["key"].to_list()

    def of(self, keys: pl.Series) -> Ints:
        """Rank of each key (every key must have been seen when ranking)."""
        found = pl.DataFrame({"key": keys}).join(
            self._ranked, on="key", how="left", maintain_order="left"
        )
        return ints(found["rank"])


def source_text(kind: Ints, number: Ints, charges: ChargeRanks) -> pl.Series:
    """The source text of each (kind, number): the inverse of ``parse``."""
    text = pl.DataFrame({"kind": kind, "number": number}).select(
        pl.when(pl.col("kind") == PAYMENT)
        .then(pl.format("payment:{}", "number"))
        .when(pl.col("kind") == INSTALLMENT)
        .then(pl.format("installment:{}", "number"))
        .when(pl.col("kind") == LOAN)
        .then(pl.lit("loan"))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("source")
    )["source"]
    is_charge = np.flatnonzero(kind == CHARGE)
    if is_charge.size:
        keys = pl.Series(charges.keys(), dtype=pl.String).gather(number[is_charge])
        text = text.scatter(is_charge, PREFIXES[CHARGE] + keys)
    return text


def charge_keys(sources: pl.Series) -> pl.Series:
    """The keys of the ``charge:<key>`` sources among ``sources``."""
    prefix = PREFIXES[CHARGE]
    return sources.filter(sources.str.starts_with(prefix)).str.strip_prefix(prefix)


def text_rank(numbers: Ints) -> Ints:
    """An integer per number that sorts as the numbers' decimal text does (0 ≤ n < 10**17).

    Writing ``n`` (``L`` digits) left-aligned in 17 digits, ``n·10^(17−L)``, orders numbers as
    their text does except that a number ties with itself followed by zeros ("1", "10");
    the length breaks the tie, shorter first, as a string sorts before its extensions.
    """
    if numbers.size == 0:
        return np.zeros(0, dtype=np.int64)
    if int(numbers.min()) < 0 or int(numbers.max()) >= 10**_DIGITS:
        raise ValueError(f"source numbers must be between 0 and 10**{_DIGITS}")
    digits = _digits(numbers)
    rank: Ints = numbers * _POWERS[_DIGITS - digits] * (_DIGITS + 1) + digits
    return rank


def parse(sources: pl.Series, charges: ChargeRanks) -> tuple[Ints, Ints]:
    """(kind, rank) of each source text (all must be sources the posting rules own).

    Raises ``ValueError`` for a number written in a way ``str(int)`` would not write it
    (``installment:01``), which would otherwise collide with its canonical spelling.
    """
    kind = ints(
        sources.str.head(1).replace_strict(
            {"c": CHARGE, "i": INSTALLMENT, "l": LOAN, "p": PAYMENT}, return_dtype=pl.Int64
        )
    )
    offset = np.array(
        [len(PREFIXES[CHARGE]), len(PREFIXES[INSTALLMENT]), 4, len(PREFIXES[PAYMENT])]
    )
    rest = pl.select(sources.str.slice(pl.Series(offset[kind]))).to_series()
    rank = np.zeros(kind.size, dtype=np.int64)
    numeric = (kind == INSTALLMENT) | (kind == PAYMENT)
    if numeric.any():
        text = rest.filter(pl.Series(numeric))
        number = text.cast(pl.Int64, strict=False)
        if number.null_count():
            raise ValueError("installment and payment sources must end in a number")
        values = ints(number)
        rank[numeric] = text_rank(values)
        if np.any(ints(text.str.len_bytes()) != _digits(values)):
            raise ValueError("installment and payment sources must end in a canonical number")
    is_charge = kind == CHARGE
    if is_charge.any():
        rank[is_charge] = charges.of(rest.filter(pl.Series(is_charge)))
    return kind, rank


def _digits(numbers: Ints) -> Ints:
    """How many decimal digits ``str(n)`` writes for each non-negative number."""
    digits: Ints = np.maximum(np.searchsorted(_POWERS, numbers, side="right"), 1)
    return digits
