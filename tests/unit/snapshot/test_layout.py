"""A snapshot on disk: what is written is what is read, by loan-id range; manifests refuse
what they cannot read; a directory is never half written."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from bench.snapshot import Shape, chunk_frames, generate

from arrears.adapters.snapshot import INPUTS, SnapshotError, SnapshotReader, SnapshotWriter
from arrears.services.snapshot_ports import default_run_id, ranges

AS_OF = date(2026, 11, 27)


def test_a_range_reads_back_exactly_the_rows_written(tmp_path: Path) -> None:
    """Rows of loans 10th..600th, read across the files they were written in."""
    generate(Shape(1_500, seed=2, chunk=400), tmp_path / "s")
    reader = SnapshotReader(tmp_path / "s")
    ids = reader.loan_ids()
    assert ids.len() == 1_500
    assert ids.is_sorted()
    first, last = int(ids[10]), int(ids[600])
    frames = reader.partition(first, last)
    assert frames.features.height == 591
    for name, schema in INPUTS.items():
        frame = getattr(frames, name)
        assert frame.schema == schema, name
        whole = reader.scan(name).collect()
        expected = whole.filter(pl.col("loan_id").is_between(first, last))
        assert frame.equals(expected), name
    manifest = reader.manifest
    assert manifest.as_of == AS_OF
    assert manifest.partitions[0][0] == int(ids[0])
    assert len(manifest.partitions) == 4
    assert manifest.rows["features"] == 1_500
    assert manifest.strategy.name == "default"


def test_manifests_of_another_format_or_version_are_refused(tmp_path: Path) -> None:
    generate(Shape(100, chunk=100), tmp_path / "s")
    path = tmp_path / "s" / "manifest.json"
    raw = json.loads(path.read_text())
    path.write_text(json.dumps({**raw, "schema_version": 99}))
    with pytest.raises(SnapshotError, match="schema version 99"):
        SnapshotReader(tmp_path / "s")
    path.write_text(json.dumps({**raw, "format": "something else"}))
    with pytest.raises(SnapshotError, match="not a cycle snapshot"):
        SnapshotReader(tmp_path / "s")
    with pytest.raises(SnapshotError, match="no manifest"):
        SnapshotReader(tmp_path)


def test_a_snapshot_that_is_not_finished_is_not_there(tmp_path: Path) -> None:
    """Partitions written but no manifest (the export died): the directory does not exist."""
    writer = SnapshotWriter(tmp_path / "s")
    writer.write(chunk_frames(np.random.default_rng(0), first_index=0, count=50, as_of=AS_OF),
                 first=1_000, last=1_098)  # fmt: skip
    assert not (tmp_path / "s").exists()
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_ranges_cut_sorted_ids_into_runs_of_at_most_the_size() -> None:
    ids = pl.Series([3, 5, 8, 13, 21, 34, 55])
    assert ranges(ids, 3) == [(3, 8), (13, 34), (55, 55)]
    assert ranges(ids, 100) == [(3, 55)]
    assert ranges(pl.Series([], dtype=pl.Int64), 10) == []


def test_the_default_run_id_is_the_date() -> None:
    assert default_run_id(date(2026, 11, 27)) == 20261127
