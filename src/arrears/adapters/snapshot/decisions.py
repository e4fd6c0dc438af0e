"""A run's decisions as Parquet: ``decisions/``, ``decision_items/``, ``actions/`` and a manifest.

The columns are the database tables' (``OUTPUTS``). Like a snapshot, the directory is built
under a hidden name and renamed when its manifest is written. ``read_tables`` reads a
directory back in key order whichever engine wrote it, which is how runs are compared.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from arrears.adapters.snapshot.layout import OUTPUTS, SnapshotError, frame_files, part_name
from arrears.adapters.snapshot.writer import ensure, publish, staging, write_frame
from arrears.batch.cycle_rows import CycleRows
from arrears.services.snapshot_ports import RunManifest

KEYS = {
    "decisions": ["loan_id"],
    "decision_items": ["loan_id", "rank", "treatment"],
    "actions": ["loan_id", "treatment"],
}
"""Each table's key within a run: the order ``read_tables`` returns rows in."""


def write_run_manifest(directory: Path, manifest: RunManifest) -> None:
    (directory / "manifest.json").write_text(run_manifest_json(manifest), encoding="utf-8")


def run_manifest_json(manifest: RunManifest) -> str:
    return json.dumps(asdict(manifest), indent=2, default=_iso, sort_keys=True) + "\n"


def read_run_manifest(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    if not path.is_file():
        raise SnapshotError(f"{directory} holds no finished run (no manifest.json)")
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return found


class DecisionsWriter:
    """Writes a run's rows partition by partition, then ``finish`` (or ``abort``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.partial = staging(directory)
        self.rows = dict.fromkeys(OUTPUTS, 0)
        self.partitions = 0

    def write(self, rows: CycleRows) -> None:
        number = self.partitions
        for table, frame in zip(OUTPUTS, (rows.decisions, rows.items, rows.actions), strict=True):
            path = ensure(self.partial) / table / part_name(number)
            write_frame(frame.cast(OUTPUTS[table]), path)
            self.rows[table] += frame.height
        self.partitions += 1

    def finish(self, manifest: RunManifest) -> None:
        write_run_manifest(ensure(self.partial), manifest)
        publish(self.partial, self.directory)

    def abort(self) -> None:
        shutil.rmtree(self.partial, ignore_errors=True)


def read_tables(directory: Path) -> dict[str, pl.DataFrame]:
    """The three tables of a finished run, each sorted by its key."""
    read_run_manifest(directory)
    tables = {}
    for table, schema in OUTPUTS.items():
        files = frame_files(directory, table)
        frame = pl.read_parquet(files) if files else pl.DataFrame(schema=schema)
        tables[table] = frame.select(schema.names()).cast(schema).sort(KEYS[table])
    return tables


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a manifest")
