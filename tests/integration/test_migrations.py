"""The migrations create exactly the tables the code declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from arrears.adapters.db import migrate
from arrears.adapters.db.schema import metadata
from arrears.bootstrap import Container


def test_the_database_is_at_the_head_revision(container: Container) -> None:
    assert migrate.current_revisions(container.engine) == migrate.head_revisions()


def test_migrations_and_table_definitions_agree(container: Container) -> None:
    """No difference between the migrated schema and ``schema.py`` (a forgotten migration)."""
    with container.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    assert differences == []
