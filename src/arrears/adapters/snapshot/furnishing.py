"""A month's furnishing facts as a Parquet snapshot, for the Metro 2 export on Spark.

Partition by partition, the facts the one-machine export reads (``services.furnishing.
read_partition``: accounts, people, the 25 month-end delinquency states, installments,
credits, holds, contacts, settlements, placements, collateral events, plans, last month's
reported fields and the accounts' first reports) are written one directory per frame, sorted by
loan id, like a cycle snapshot. Social Security numbers and dates of birth stay sealed as the
database stores them (``ssn_sealed``, ``dob_sealed``): they are opened only by the task that
writes the file's records, with the same field keys. Nothing in the database changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

import polars as pl

from arrears.adapters.db.bulk import lookup
from arrears.adapters.db.uow import SqlUnitOfWork
from arrears.adapters.snapshot.layout import SnapshotError, part_name, to_json
from arrears.adapters.snapshot.writer import ensure, publish, staging, write_frame
from arrears.batch.frames import DELINQUENCY_AT, INSTALLMENTS, conform
from arrears.batch.furnishing import inputs
from arrears.batch.furnishing.inputs import PartitionFacts
from arrears.domain.allocation import WaterfallPolicy
from arrears.services.furnishing import month_of, read_partition

FORMAT: Final = "arrears.furnishing-snapshot"
SEALED: Final = ("ssn_sealed", "dob_sealed")

FRAMES: Final[dict[str, pl.Schema]] = {
    "accounts": inputs.ACCOUNTS,
    "people": pl.Schema([*inputs.PEOPLE.items(), *((name, pl.String()) for name in SEALED)]),
    "history": DELINQUENCY_AT,
    "installments": INSTALLMENTS,
    "credits": inputs.CREDITS,
    "holds": inputs.HOLDS,
    "contacts": inputs.CONTACTS,
    "settlements": inputs.SETTLEMENTS,
    "placements": inputs.PLACEMENTS,
    "collateral_events": inputs.COLLATERAL_EVENTS,
    "plans": inputs.PLANS,
    "prior": inputs.PRIOR,
    "first_reports": inputs.FIRST_REPORTS,
}
"""The ``PartitionFacts`` frames (people with their sealed identifiers), in field order."""

assert list(FRAMES) == [f.name for f in fields(PartitionFacts)]


@dataclass(frozen=True)
class FurnishingManifest:
    as_of: date
    created_at: datetime
    rows: dict[str, int]
    partitions: list[tuple[int, int]]
    date_created: date | None = None
    """The header's creation date of the month's first export, when the month was exported
    before: a file of the month written again keeps it (``services.furnishing.export_month``)."""

    @property
    def accounts(self) -> int:
        return self.rows.get("accounts", 0)


def export_furnishing_facts(
    *,
    as_of: date,
    directory: Path,
    uow_factory: Callable[[], SqlUnitOfWork],
    now: datetime,
    policy: WaterfallPolicy,
    partition_loans: int,
) -> FurnishingManifest:
    """Write the facts of every account on ``as_of`` to ``directory`` (a new directory)."""
    partial = staging(directory)
    rows = dict.fromkeys(FRAMES, 0)
    try:
        with uow_factory() as uow:
            bounds = uow.furnishing.partition_bounds(partition_loans)
            earlier = uow.furnishing.exports_for(month_of(as_of))
        created = earlier[0].date_created if earlier else None
        for number, (first, last) in enumerate(bounds):
            with uow_factory() as uow:
                facts = read_partition(
                    uow, first=first, last=last, as_of=as_of, policy=policy, reveal=False
                )
                people = facts.people.join(
                    _sealed(uow, facts.people.get_column("borrower_id").to_list()),
                    on="borrower_id", how="left", maintain_order="left",
                )  # fmt: skip
            for name, schema in FRAMES.items():
                frame = people if name == "people" else getattr(facts, name)
                frame = conform(frame, schema, name=name)
                key = "borrower_id" if name == "people" else "loan_id"
                write_frame(frame.sort(key, maintain_order=True),
                            ensure(partial) / name / part_name(number))  # fmt: skip
                rows[name] += frame.height
        manifest = FurnishingManifest(as_of, now, rows, bounds, created)
        text = to_json({"format": FORMAT, "as_of": as_of, "created_at": now, "rows": rows,
                        "partitions": bounds, "date_created": created})  # fmt: skip
        (ensure(partial) / "manifest.json").write_text(text, encoding="utf-8")
        publish(partial, directory)
    except BaseException:
        import shutil

        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def parse_furnishing_manifest(text: str, *, where: str) -> FurnishingManifest:
    import json

    raw: dict[str, Any] = json.loads(text)
    if raw.get("format") != FORMAT:
        raise SnapshotError(f"{where} holds {raw.get('format')!r}, not furnishing facts")
    return FurnishingManifest(
        as_of=date.fromisoformat(raw["as_of"]),
        created_at=datetime.fromisoformat(raw["created_at"]),
        rows={str(k): int(v) for k, v in raw["rows"].items()},
        partitions=[(int(a), int(b)) for a, b in raw["partitions"]],
        date_created=date.fromisoformat(raw["date_created"]) if raw.get("date_created") else None,
    )


def _sealed(uow: SqlUnitOfWork, borrower_ids: list[int]) -> pl.DataFrame:
    """The sealed SSN and date of birth of the borrowers, as stored."""
    return lookup(
        uow.connection, table="borrowers", key="id", keys=sorted(set(borrower_ids)),
        columns={"borrowers.id AS borrower_id": pl.Int64, "borrowers.ssn_sealed": pl.Utf8,
                 "borrowers.dob_sealed": pl.Utf8},
    )  # fmt: skip
