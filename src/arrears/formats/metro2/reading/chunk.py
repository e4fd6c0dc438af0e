"""A chunk of base segments read from a file, in columnar form (the streaming unit).

The bytes stay as a ``(n, 426)`` character matrix (packed files are converted on read); typed
columns are decoded on demand, so a caller that only needs three fields pays for three.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from arrears.formats.metro2.codec.columns import ColumnValues, decode_field
from arrears.formats.metro2.codec.digits import I64Array, U8Matrix
from arrears.formats.metro2.options import Format
from arrears.formats.metro2.problems import Metro2Problem
from arrears.formats.metro2.spec import BASE, SegmentLayout

if TYPE_CHECKING:
    import polars as pl

    from arrears.formats.metro2.model import AccountRecord, HeaderRecord


@dataclass(frozen=True, slots=True)
class SegmentRows:
    """The appendage segments of one kind in a chunk, in file order."""

    layout: SegmentLayout
    matrix: U8Matrix
    owners: I64Array  #: row of the owning base segment in the chunk
    positions: I64Array  #: byte offset of each segment in the original input

    def __len__(self) -> int:
        return int(self.matrix.shape[0])


@dataclass(frozen=True, eq=False)
class BaseChunk:
    """Up to ``chunk_records`` base segments with their appendages and problems.

    ``positions`` are byte offsets of each record's RDW in the original input and
    ``record_numbers`` their 1-based record numbers (the header is record 1). ``problems`` are
    every problem found while reading this part of the file (framing, fields, rules; the last
    chunk also carries the trailer checks).
    """

    rows: U8Matrix
    record_numbers: I64Array
    positions: I64Array
    appendages: Mapping[str, SegmentRows]
    problems: tuple[Metro2Problem, ...]
    format: Format
    header: HeaderRecord | None = None

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    def column(self, name: str) -> ColumnValues:
        """One base field for every row: Arrow strings, int64, datetime64[D] or [s]."""
        return decode_field(self.rows, BASE.field(name))

    def to_polars(self) -> pl.DataFrame:
        """One column per base field; appendages as struct (K1…N1) and list columns (J1, J2)."""
        from arrears.formats.metro2.frames import chunk_to_frame

        return chunk_to_frame(self)

    def accounts(self) -> list[AccountRecord]:
        """The chunk as typed records (for small files; decode only valid data)."""
        from arrears.formats.metro2.reading.decode import chunk_accounts

        return chunk_accounts(self)

    @classmethod
    def empty(cls, data_format: Format, problems: tuple[Metro2Problem, ...]) -> BaseChunk:
        """A chunk without records, carrying problems found outside base segments."""
        none = np.zeros(0, dtype=np.int64)
        return cls(np.zeros((0, BASE.length), np.uint8), none, none, {}, problems, data_format)
