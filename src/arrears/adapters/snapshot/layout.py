"""How a cycle snapshot and a run's decisions are laid out on disk as Parquet.

A *snapshot* is a directory holding everything the decision step reads for one as-of date::

    manifest.json        as-of date, strategy (name, version, digest), buckets, actor,
                         row counts, the partitions it was written in, schema version
    strategy.json        the strategy's text and included files, so the snapshot decides alone
    features/part-NNNNN.parquet   FEATURES + borrower_id, language (one row per account)
    history/…            HISTORY (per account and treatment, the current episode's cadence)
    holds/…              holds in force: loan_id, hold_id, kind
    facts/…              ACCOUNT_FACTS (what the compliance gate's day-level rules read)
    contacts/…           CONTACTS (the contact log's window the frequency rules count)
    paid/…               PAYMENT_FACTS, when the strategy optimises (what scoring reads)

Every frame is sorted by ``loan_id`` and written in loan-id ranges (one file per range, row
groups of ``ROW_GROUP`` rows), so a reader asking for a range touches only the row groups that
hold it. A run's *decisions* directory has ``decisions/``, ``decision_items/`` and ``actions/``
with the columns of the database tables (``batch.cycle_rows``) and its own ``manifest.json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

import polars as pl

from arrears.batch.compliance_gate import ACCOUNT_FACTS, CONTACTS
from arrears.batch.cycle_rows import ACTION_ROWS, DECISION_ROWS, ITEM_ROWS
from arrears.batch.decisions.frames import FEATURES, HISTORY
from arrears.batch.scoring.cycle_inputs import PAYMENT_FACTS
from arrears.errors import ArrearsError
from arrears.services.snapshot_ports import Manifest, StrategyBundle

FORMAT: Final = "arrears.cycle-snapshot"
SCHEMA_VERSION: Final = 1
ROW_GROUP: Final = 100_000

INPUTS: Final[dict[str, pl.Schema]] = {
    "features": pl.Schema([*FEATURES.items(), ("borrower_id", pl.Int64), ("language", pl.String)]),
    "history": HISTORY,
    "holds": pl.Schema({"loan_id": pl.Int64, "hold_id": pl.Int64, "kind": pl.String}),
    "facts": pl.Schema(ACCOUNT_FACTS),
    "contacts": pl.Schema(CONTACTS),
}
"""The snapshot's frames and their columns (the ``PartitionFrames`` fields, in order)."""

EXTRAS: Final[dict[str, pl.Schema]] = {"paid": PAYMENT_FACTS}
"""Frames a snapshot holds when its strategy optimises: ``paid`` (``PAYMENT_FACTS``, what the
scoring model reads of payments; accounts without a good payment have no row)."""

OUTPUTS: Final[dict[str, pl.Schema]] = {
    "decisions": DECISION_ROWS,
    "decision_items": ITEM_ROWS,
    "actions": ACTION_ROWS,
}
"""A run's tables and their columns."""


class SnapshotError(ArrearsError):
    """A snapshot or decisions directory that is missing, incomplete or of another format."""


def part_name(number: int) -> str:
    return f"part-{number:05d}.parquet"


def frame_files(directory: Path, frame: str) -> list[Path]:
    """The Parquet files of one frame (or table), in part order."""
    return sorted((directory / frame).glob("*.parquet"))


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """``manifest.json`` and ``strategy.json`` (the strategy's texts kept apart: they are big)."""
    manifest_text, strategy_text = manifest_json(manifest)
    (directory / "manifest.json").write_text(manifest_text, encoding="utf-8")
    (directory / "strategy.json").write_text(strategy_text, encoding="utf-8")


def manifest_json(manifest: Manifest) -> tuple[str, str]:
    """The texts of ``manifest.json`` and ``strategy.json``."""
    described = {"format": FORMAT, "schema_version": SCHEMA_VERSION, **asdict(manifest)}
    described["strategy"] = manifest.strategy.describe()
    return to_json(described), to_json(asdict(manifest.strategy))


def read_manifest(directory: Path) -> Manifest:
    """The snapshot's manifest; refuses a directory that is not a complete snapshot."""
    path = directory / "manifest.json"
    if not path.is_file():
        raise SnapshotError(f"{directory} is not a cycle snapshot (no manifest.json)")
    return parse_manifest(
        path.read_text(encoding="utf-8"),
        (directory / "strategy.json").read_text(encoding="utf-8"),
        where=str(directory),
    )


def parse_manifest(manifest_text: str, strategy_text: str, *, where: str) -> Manifest:
    raw = json.loads(manifest_text)
    if raw.get("format") != FORMAT:
        raise SnapshotError(f"{where} holds {raw.get('format')!r}, not a cycle snapshot")
    if raw.get("schema_version") != SCHEMA_VERSION:
        raise SnapshotError(
            f"{where} is snapshot schema version {raw.get('schema_version')}; "
            f"this arrears reads version {SCHEMA_VERSION}"
        )
    return Manifest(
        as_of=date.fromisoformat(raw["as_of"]),
        created_at=datetime.fromisoformat(raw["created_at"]),
        strategy=StrategyBundle(**json.loads(strategy_text)),
        buckets=[(str(name), int(first)) for name, first in raw["buckets"]],
        actor=str(raw["actor"]),
        rows={str(k): int(v) for k, v in raw["rows"].items()},
        partitions=[(int(a), int(b)) for a, b in raw["partitions"]],
    )


def to_json(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=2, default=_encode) + "\n"


def _encode(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a manifest")
