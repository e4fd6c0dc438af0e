"""Reading a cycle snapshot by ranges of loan ids.

A reader never loads a whole frame: ``loan_ids`` reads one column, ``partition`` reads the
rows of one loan-id range from every frame (Parquet row-group statistics skip the rest), so the
memory a run needs follows the partition size, not the portfolio.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from arrears.adapters.snapshot.layout import (
    EXTRAS,
    INPUTS,
    SnapshotError,
    frame_files,
    read_manifest,
)
from arrears.batch.cycle_partition import PartitionFrames
from arrears.services.snapshot_ports import Manifest


class SnapshotReader:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.manifest: Manifest = read_manifest(directory)

    @property
    def location(self) -> str:
        return str(self.directory)

    def loan_ids(self) -> pl.Series:
        """Every account's loan id, ascending."""
        return self.scan("features").select("loan_id").collect().get_column("loan_id").sort()

    def scan(self, frame: str) -> pl.LazyFrame:
        """One frame of the snapshot, lazily (an empty frame of its schema when it has no file)."""
        schema = INPUTS[frame] if frame in INPUTS else EXTRAS[frame]
        files = frame_files(self.directory, frame)
        if not files:
            return pl.LazyFrame(schema=schema)
        return pl.scan_parquet(files, schema=schema)

    def payment_facts(self, first: int, last: int) -> pl.DataFrame:
        """``PAYMENT_FACTS`` of loans ``first``..``last`` (refused when the snapshot has none)."""
        return self._paid().filter(pl.col("loan_id").is_between(first, last)).collect()

    def sample(self, which: pl.Expr) -> tuple[PartitionFrames, pl.DataFrame]:
        """Every frame's rows, and the payment facts, of the accounts ``which`` selects."""
        frames = pl.collect_all([self.scan(name).filter(which) for name in INPUTS])
        paid = self._paid().filter(which).collect()
        return PartitionFrames(**dict(zip(INPUTS, frames, strict=True))), paid

    def _paid(self) -> pl.LazyFrame:
        if not frame_files(self.directory, "paid"):
            raise SnapshotError(
                f"{self.directory} has no payment facts (paid/): its strategy optimises, so "
                "export the snapshot again with this version of arrears"
            )
        return self.scan("paid")

    def partition(self, first: int, last: int) -> PartitionFrames:
        """Every frame's rows for loans ``first``..``last``."""
        in_range = pl.col("loan_id").is_between(first, last)
        frames = pl.collect_all([self.scan(name).filter(in_range) for name in INPUTS])
        return PartitionFrames(**dict(zip(INPUTS, frames, strict=True)))
