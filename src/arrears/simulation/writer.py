"""Write portfolio frames as import files, appending chunk by chunk so memory stays flat.

CSV files get their header once and each chunk's rows appended; Parquet files are written through
one ``pyarrow.parquet.ParquetWriter`` per kind, a row group per chunk. ``schedules`` is written
only when some loan has an explicit schedule; the other kinds always get a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Literal

import polars as pl
import pyarrow.parquet as pq

from arrears.simulation.formats import KINDS, empty

Format = Literal["csv", "parquet"]
OPTIONAL_KINDS = frozenset({"schedules"})


class _KindWriter:
    """Appends frames of one kind to its file, opening it on the first frame."""

    def __init__(self, path: Path, fmt: Format, stack: ExitStack) -> None:
        self.path = path
        self._fmt = fmt
        self._stack = stack
        self._csv: IO[bytes] | None = None
        self._parquet: pq.ParquetWriter | None = None

    def append(self, frame: pl.DataFrame) -> None:
        if self._fmt == "csv":
            self._append_csv(frame)
        else:
            self._append_parquet(frame)

    def _append_csv(self, frame: pl.DataFrame) -> None:
        first = self._csv is None
        if self._csv is None:
            self._csv = self._stack.enter_context(self.path.open("wb"))
        frame.write_csv(self._csv, include_header=first)

    def _append_parquet(self, frame: pl.DataFrame) -> None:
        table = frame.to_arrow(compat_level=pl.CompatLevel.oldest())
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.path, table.schema)
            self._stack.callback(self._parquet.close)
        self._parquet.write_table(table)


def write_frames(
    directory: Path, chunks: Iterable[Mapping[str, pl.DataFrame]], *, fmt: Format = "csv"
) -> dict[str, Path]:
    """Write each kind's frames, chunk after chunk, to ``directory/<kind>.<fmt>``.

    Returns the files written by kind, in load order.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}: use csv or parquet")
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, _KindWriter] = {}
    with ExitStack() as stack:
        writers = {kind: _KindWriter(directory / f"{kind}.{fmt}", fmt, stack) for kind in KINDS}
        for frames in chunks:
            for kind, frame in frames.items():
                if frame.height or (kind not in OPTIONAL_KINDS and kind not in written):
                    writers[kind].append(frame)
                    written[kind] = writers[kind]
        for kind in KINDS:
            if kind not in OPTIONAL_KINDS and kind not in written:  # an empty portfolio
                writers[kind].append(empty(kind))
                written[kind] = writers[kind]
    return {kind: written[kind].path for kind in KINDS if kind in written}
