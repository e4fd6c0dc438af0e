"""Writing a cycle snapshot: partitions of frames as Parquet, then the manifest.

Files go to a hidden sibling directory that is renamed to the snapshot's name only when the
manifest is written, so a snapshot directory is either complete or absent: an export that dies
half way leaves nothing a reader could take for a snapshot.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from pathlib import Path

import polars as pl

from arrears.adapters.snapshot.layout import (
    EXTRAS,
    INPUTS,
    ROW_GROUP,
    SnapshotError,
    part_name,
    write_manifest,
)
from arrears.batch.cycle_partition import PartitionFrames
from arrears.batch.frames import conform
from arrears.services.snapshot_ports import Manifest, StrategyBundle


def staging(directory: Path) -> Path:
    """Where a directory is built before it is renamed into place (created on first use by
    ``ensure``); refuses a directory that already holds something."""
    if directory.exists() and any(directory.iterdir()):
        raise SnapshotError(f"{directory} exists and is not empty: choose a new directory")
    return directory.parent / f".{directory.name}.partial-{os.getpid()}"


def ensure(partial: Path) -> Path:
    if not partial.exists():
        partial.mkdir(parents=True)
    return partial


def publish(partial: Path, directory: Path) -> None:
    """Move a finished directory into place (an empty directory of that name is replaced)."""
    if directory.exists():
        directory.rmdir()
    partial.rename(directory)


def write_frame(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path, row_group_size=ROW_GROUP, statistics=True)


class SnapshotWriter:
    """Writes a snapshot partition by partition (``write``), then ``finish`` or ``abort``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.partial = staging(directory)
        self.rows = dict.fromkeys(INPUTS, 0)
        self.partitions: list[tuple[int, int]] = []

    def write(
        self, frames: PartitionFrames, *, first: int, last: int, paid: pl.DataFrame | None = None
    ) -> None:
        """One partition (loans ``first``..``last``): each frame conformed and sorted, and its
        payment facts when given (a strategy that optimises)."""
        number = len(self.partitions)
        found = {name: (getattr(frames, name), schema) for name, schema in INPUTS.items()}
        if paid is not None:
            found["paid"] = (paid, EXTRAS["paid"])
        for name, (given, schema) in found.items():
            frame = conform(given, schema, name=name).sort("loan_id", maintain_order=True)
            write_frame(frame, ensure(self.partial) / name / part_name(number))
            self.rows[name] = self.rows.get(name, 0) + frame.height
        self.partitions.append((first, last))

    def finish(
        self,
        *,
        as_of: date,
        created_at: datetime,
        strategy: StrategyBundle,
        buckets: list[tuple[str, int]],
        actor: str,
    ) -> Manifest:
        manifest = Manifest(
            as_of=as_of,
            created_at=created_at,
            strategy=strategy,
            buckets=buckets,
            actor=actor,
            rows=dict(self.rows),
            partitions=list(self.partitions),
        )
        write_manifest(ensure(self.partial), manifest)
        publish(self.partial, self.directory)
        return manifest

    def abort(self) -> None:
        shutil.rmtree(self.partial, ignore_errors=True)
