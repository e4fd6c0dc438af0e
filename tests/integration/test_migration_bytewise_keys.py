"""Migration 0012 makes the journal's text key compare bytewise on PostgreSQL (``COLLATE "C"``)
and changes nothing on SQLite, on a database that already holds a journal: the entries stay,
the unique key still holds, and downgrading gives the column its default collation back. The
migrated collations are the ones ``schema.py`` declares (Alembic's comparison, in
``test_migrations``, does not look at collations)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.exc import IntegrityError

from arrears.adapters.db import migrate
from arrears.adapters.db.schema import metadata
from arrears.bootstrap import Container
from conftest import POSTGRES_URL
from support.migrations import migrated_but

BYTEWISE_KEYS = "0012_bytewise_keys"
COLLATIONS = (
    "SELECT table_name, column_name, collation_name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND collation_name IS NOT NULL"
)


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the backend, migrated to every head but 0012."""
    with migrated_but(
        BYTEWISE_KEYS, backend=backend, tmp_path=tmp_path, postgres_url=POSTGRES_URL
    ) as made:
        yield made


def write_entries(engine: Engine, sources: list[str]) -> None:
    with engine.begin() as connection:
        for number, source in enumerate(sources, start=1):
            connection.execute(
                text(
                    "INSERT INTO ledger_entries (id, loan_id, source, version, kind, "
                    "effective_date, currency, memo, recorded_at) VALUES (:id, 7, :source, 1, "
                    "'payment', '2026-01-15', 'USD', '', '2026-03-01 00:00:00')"
                ),
                {"id": number, "source": source},
            )


def source_collation(engine: Engine) -> str | None:
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT collation_name FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND table_name = 'ledger_entries' AND column_name = 'source'"
            )
        ).scalar_one_or_none()


def schema_sql(engine: Engine) -> str | None:
    if engine.dialect.name != "sqlite":
        return None
    with engine.connect() as connection:
        return "\n".join(
            connection.execute(
                text("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            ).scalars()
        )


def test_the_key_compares_bytewise_and_keeps_its_rows(engine: Engine) -> None:
    sources = ["payment:10", "installment:2", "payment:9", "Zoë", "zoe"]
    write_entries(engine, sources)
    before = schema_sql(engine)
    assert source_collation(engine) is None

    migrate.upgrade(engine, BYTEWISE_KEYS)

    assert BYTEWISE_KEYS in migrate.current_revisions(engine)
    assert schema_sql(engine) == before, "SQLite compares bytewise already: nothing to change"
    if engine.dialect.name == "postgresql":
        assert source_collation(engine) == "C"
    with engine.connect() as connection:
        ordered = connection.execute(
            text("SELECT source FROM ledger_entries ORDER BY source")
        ).scalars()
        assert list(ordered) == sorted(sources, key=str.encode)  # byte order, both databases
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ledger_entries (id, loan_id, source, version, kind, effective_date, "
                "currency, memo, recorded_at) VALUES (99, 7, 'payment:9', 1, 'payment', "
                "'2026-01-15', 'USD', '', '2026-03-01 00:00:00')"
            )
        )


def test_downgrading_gives_back_the_default_collation(engine: Engine) -> None:
    write_entries(engine, ["payment:1"])
    migrate.upgrade(engine, BYTEWISE_KEYS)
    config = migrate._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, f"{BYTEWISE_KEYS}@-1")
    assert source_collation(engine) is None
    assert BYTEWISE_KEYS not in migrate.current_revisions(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM ledger_entries")).scalar() == 1


def test_the_migrated_collations_are_the_declared_ones(container: Container) -> None:
    if container.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one collation here (bytewise)")
    dialect = psycopg.dialect()
    declared = {
        (table.name, column.name): column.type.dialect_impl(dialect).collation
        for table in metadata.tables.values()
        for column in table.c
        if getattr(column.type.dialect_impl(dialect), "collation", None)
    }
    with container.engine.connect() as connection:
        migrated = {
            (table, column): collation
            for table, column, collation in connection.execute(text(COLLATIONS))
        }
    assert declared == migrated
    assert declared == {("ledger_entries", "source"): "C", ("payments", "external_id"): "C"}
