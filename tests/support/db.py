"""Helpers for tests that use a real database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from arrears.adapters.db import schema
from arrears.bootstrap import Container
from arrears.services.importing import ImportReport, import_portfolio


def run_import(
    container: Container, files: list[Path], *, rejects: Path | None = None
) -> ImportReport:
    return import_portfolio(
        files,
        uow_factory=container.uow,
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
