"""An import leaves the planner statistics of the tables it grew (adapters/db/statistics.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from arrears.adapters.db import schema
from arrears.bootstrap import Container
from support.db import run_import

GROWN = ("borrowers", "loans", "payments", "ledger_entries")


def _estimated_rows(container: Container) -> dict[str, float]:
    """The row counts PostgreSQL's planner believes (-1: never analysed)."""
    with container.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(:tables) "
                "AND relnamespace = to_regnamespace(current_schema())"
            ),
            {"tables": list(GROWN)},
        ).all()
    return {name: float(estimate) for name, estimate in rows}


def _counted_rows(container: Container) -> dict[str, float]:
    with container.engine.connect() as connection:
        return {
            name: float(
                connection.execute(
                    select(func.count()).select_from(schema.metadata.tables[name])
                ).scalar_one()
            )
            for name in GROWN
        }


def test_an_import_commits_the_statistics_of_the_tables_it_grew(
    container: Container, portfolio_files: list[Path]
) -> None:
    """On PostgreSQL the planner knows each grown table's rows when the import commits (a
    never-analysed table is planned as empty: a 123M-row journal was scanned whole per
    partition); SQLite is asked nothing (it plans by its indexes without statistics)."""
    run_import(container, portfolio_files)
    if container.engine.dialect.name == "postgresql":
        assert _estimated_rows(container) == _counted_rows(container)
    else:
        with container.engine.connect() as connection:
            analysed = connection.execute(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            ).scalar_one()
        assert analysed == 0


def test_tables_that_did_not_grow_are_not_analysed_again(
    container: Container, portfolio_files: list[Path]
) -> None:
    """Once analysed, a table is analysed again only after growing by more than a tenth, so
    a small daily import on a large book does not pay for sampling every table."""
    run_import(container, portfolio_files)
    with container.uow() as uow:
        again = uow.portfolio(now=container.clock.now(), run_id=0).refresh_statistics()
    assert again == []
