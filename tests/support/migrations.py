"""A database migrated to every head but one, so a test can write what an older release wrote
and then run the one migration under test (both backends)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text

from arrears.adapters.db import migrate


@contextmanager
def migrated_but(
    revision: str, *, backend: str, tmp_path: Path, postgres_url: str | None
) -> Iterator[Engine]:
    """An empty database of ``backend`` at every head except ``revision`` (a PostgreSQL
    database of its own, dropped afterwards)."""
    if backend == "sqlite":
        made = create_engine(f"sqlite:///{tmp_path / 'before.db'}")
        drop = None
    else:
        assert postgres_url
        name = f"t_mig_{uuid.uuid4().hex[:8]}"
        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made = create_engine(make_url(postgres_url).set(database=name))
        drop = (admin, name)
    for head in sorted(migrate.head_revisions() - {revision}):
        migrate.upgrade(made, head)
    try:
        yield made
    finally:
        made.dispose()
        if drop is not None:
            admin, name = drop
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
