"""Cycle snapshots and decided runs as Parquet directories (``layout`` describes them)."""

from __future__ import annotations

from arrears.adapters.snapshot.decisions import DecisionsWriter, read_run_manifest, read_tables
from arrears.adapters.snapshot.layout import INPUTS, OUTPUTS, SnapshotError, read_manifest
from arrears.adapters.snapshot.reader import SnapshotReader
from arrears.adapters.snapshot.writer import SnapshotWriter

__all__ = [
    "INPUTS",
    "OUTPUTS",
    "DecisionsWriter",
    "SnapshotError",
    "SnapshotReader",
    "SnapshotWriter",
    "read_manifest",
    "read_run_manifest",
    "read_tables",
]
