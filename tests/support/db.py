"""Helpers for tests that use a real database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, func, insert, select

from arrears.adapters.db import schema
from arrears.bootstrap import Container
from arrears.services.importing import ImportReport, import_portfolio


def run_import(
    container: Container, files: list[Path], *, rejects: Path | None = None
) -> ImportReport:
    return import_portfolio(
        files,
        uow_factory=container.import_uow,
        files=container.import_files(container.clock.today()),
        problem_sink=container.problem_log(rejects),
        clock=container.clock,
        settings=container.import_settings,
        accept_rejects=rejects is not None,
    )


def table_counts(container: Container) -> dict[str, int]:
    with container.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in schema.metadata.sorted_tables
            if table.name not in {"import_runs", "audit_log"}
        }


SEEDED_AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
"""When ``seed_borrowers`` says its borrowers were created."""


def seed_borrowers(connection: Connection, ids: tuple[int, ...] = (1, 2, 3)) -> None:
    """Borrowers with only the required columns, named ``Díaz <id>``, for tests of reads."""
    for n in ids:
        connection.execute(
            insert(schema.borrowers).values(
                id=n, external_id=f"B-{n}", first_name="Ana", last_name=f"Díaz {n}",
                address_line1="1 Main St", city="Cambridge", state="MA", zip="02139",
                address_time_zone="America/New_York", content_hash=f"h{n}",
                created_at=SEEDED_AT, updated_at=SEEDED_AT,
            )
        )  # fmt: skip
