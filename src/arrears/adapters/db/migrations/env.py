"""Alembic environment: runs on the connection arrears hands it (see ``migrate.upgrade``)."""

from __future__ import annotations

from alembic import context

from arrears.adapters.db.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - arrears always passes a connection
    raise RuntimeError("run migrations through arrears.adapters.db.migrate")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
