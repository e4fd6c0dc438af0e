"""The references of the rows an import inserted, kept for the files that follow it.

Each batch of loans looks up its borrowers, and each batch of schedules, collateral and
payments its loans, by external id: on a first import of 1,000,000 loans that was a query per
batch on the one connection, which the batch before was writing meanwhile (and PostgreSQL's
index scans, about a third of its CPU while the payments were loaded). A row's references are
read back once, right after its insert; kept, they answer the later lookups from memory. A
row comes once in an import (a repeat is refused), so what was read back holds for all of it.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl


class InsertedRefs:
    """One kind's references, from memory for the rows this import inserted, from the database
    (``stored``) for the rest."""

    def __init__(self, stored: Callable[[list[str]], pl.DataFrame]) -> None:
        self.stored = stored
        self._frames: list[pl.DataFrame] = []

    def add(self, refs: pl.DataFrame) -> None:
        """Rows just inserted, as ``stored`` read them back (an ``external_id`` column)."""
        self._frames.append(refs)

    def find(self, keys: list[str]) -> pl.DataFrame:
        """The references of ``keys`` (external ids), as ``stored`` would give them."""
        if not self._frames or not keys:
            return self.stored(keys)
        if len(self._frames) > 1:
            self._frames = [pl.concat(self._frames, rechunk=True)]
        wanted = pl.Series("external_id", keys, dtype=pl.Utf8)
        found = self._frames[0].filter(pl.col("external_id").is_in(wanted.implode()))
        if found.height == wanted.n_unique():
            return found
        missing = wanted.filter(~wanted.is_in(found.get_column("external_id").implode()))
        return pl.concat([found, self.stored(missing.unique().to_list())])

    def forget(self) -> None:
        """The files are loaded: let go of the rows kept."""
        self._frames = []
