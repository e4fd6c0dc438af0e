"""Metro 2 exports in the database: the file of each export and what it reported per account.

An export is opened (``writing``) before its first partition, its accounts are added partition
by partition in their own transactions, and it is completed (path, SHA-256, counts) once the
file is in place — or marked ``failed`` with its accounts removed. Only completed exports count
when a later export asks what was reported before.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, delete, insert, select, text, update

from arrears.adapters.db.bulk import insert_frame, read_frame
from arrears.adapters.db.schema_furnishing import metro2_export_accounts, metro2_exports
from arrears.batch.furnishing.inputs import FIRST_REPORTS, PRIOR
from arrears.services.ports import ExportRecord

_COMPLETE = "complete"


class SqlFurnishingStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def exports_for(self, month: str) -> list[ExportRecord]:
        """Completed exports of ``month`` (``YYYY-MM``), oldest first."""
        rows = self.connection.execute(
            select(metro2_exports)
            .where(metro2_exports.c.month == month, metro2_exports.c.status == _COMPLETE)
            .order_by(metro2_exports.c.id)
        ).all()
        return [_record(row) for row in rows]

    def open_export(
        self, *, month: str, as_of: date, date_created: date, path: str, framing: str,
        actor: str, at: datetime,
    ) -> int:  # fmt: skip
        """Start an export; unfinished ones of the month (a crashed run) are removed first."""
        unfinished = (metro2_exports.c.status != _COMPLETE) & (metro2_exports.c.month == month)
        stale = select(metro2_exports.c.id).where(unfinished)
        self.connection.execute(
            delete(metro2_export_accounts).where(metro2_export_accounts.c.export_id.in_(stale))
        )
        self.connection.execute(delete(metro2_exports).where(unfinished))
        result = self.connection.execute(
            insert(metro2_exports)
            .values(
                month=month, as_of=as_of, date_created=date_created, path=path, sha256="",
                records=0, corrected=0, excluded="{}", framing=framing, status="writing",
                actor=actor, created_at=at,
            )
            .returning(metro2_exports.c.id)
        )  # fmt: skip
        return int(result.scalar_one())

    def add_accounts(self, export_id: int, reported: pl.DataFrame) -> None:
        """What the export reported for a partition's accounts (``Furnished.reported``)."""
        frame = reported.select(
            pl.lit(export_id, dtype=pl.Int64).alias("export_id"),
            "loan_id",
            "digest",
            "account_status",
            "compliance_condition_code",
            "consumer_information_indicator",
            pl.col("correction_indicator").cast(pl.Int16),
        )
        insert_frame(self.connection, metro2_export_accounts, frame)

    def complete_export(
        self, export_id: int, *, sha256: str, records: int, corrected: int,
        excluded: dict[str, int],
    ) -> None:  # fmt: skip
        self.connection.execute(
            update(metro2_exports)
            .where(metro2_exports.c.id == export_id)
            .values(
                status=_COMPLETE, sha256=sha256, records=records, corrected=corrected,
                excluded=json.dumps(excluded, sort_keys=True),
            )
        )  # fmt: skip

    def discard_export(self, export_id: int) -> None:
        self.connection.execute(
            delete(metro2_export_accounts).where(metro2_export_accounts.c.export_id == export_id)
        )
        self.connection.execute(delete(metro2_exports).where(metro2_exports.c.id == export_id))

    def prior(self, first: int, last: int, *, month: str) -> pl.DataFrame:
        """PRIOR: per loan, what the latest completed export of an earlier month reported."""
        sql = """
            SELECT loan_id, account_status, compliance_condition_code,
                   consumer_information_indicator FROM (
              SELECT a.loan_id, a.account_status, a.compliance_condition_code,
                     a.consumer_information_indicator,
                     ROW_NUMBER() OVER (PARTITION BY a.loan_id ORDER BY e.month DESC, e.id DESC)
                       AS newest
              FROM metro2_export_accounts a JOIN metro2_exports e ON e.id = a.export_id
              WHERE e.status = 'complete' AND e.month < :month
                AND a.loan_id BETWEEN :first AND :last
            ) ranked WHERE newest = 1
        """
        params = {"first": first, "last": last, "month": month}
        return read_frame(self.connection, sql, params, dict(PRIOR))

    def first_reports(self, first: int, last: int, *, month: str) -> pl.DataFrame:
        """FIRST_REPORTS: per loan, the digest of the first completed export of ``month``."""
        sql = """
            SELECT loan_id, digest FROM (
              SELECT a.loan_id, a.digest,
                     ROW_NUMBER() OVER (PARTITION BY a.loan_id ORDER BY e.id) AS oldest
              FROM metro2_export_accounts a JOIN metro2_exports e ON e.id = a.export_id
              WHERE e.status = 'complete' AND e.month = :month
                AND a.loan_id BETWEEN :first AND :last
            ) ranked WHERE oldest = 1
        """
        params = {"first": first, "last": last, "month": month}
        return read_frame(self.connection, sql, params, dict(FIRST_REPORTS))

    def partition_bounds(self, size: int) -> list[tuple[int, int]]:
        """(first, last) loan ids of consecutive partitions of ``size`` loans, read as a
        stream (the ids are never all held at once)."""
        bounds: list[tuple[int, int]] = []
        result = self.connection.execute(text("SELECT id FROM loans ORDER BY id"))
        first = last = count = 0
        while rows := result.fetchmany(100_000):
            for (loan_id,) in rows:
                first = int(loan_id) if count == 0 else first
                last, count = int(loan_id), count + 1
                if count == size:
                    bounds.append((first, last))
                    count = 0
        if count:
            bounds.append((first, last))
        return bounds


def _record(row: Any) -> ExportRecord:
    return ExportRecord(
        id=row.id,
        month=row.month,
        as_of=row.as_of,
        date_created=row.date_created,
        path=row.path,
        sha256=row.sha256,
        records=row.records,
        corrected=row.corrected,
        excluded=json.loads(row.excluded),
        framing=row.framing,
        created_at=row.created_at,
    )
