"""Fresh, initialised databases on demand, for tests that need several in one test (a run
that is killed and a run that is not, or a backup and the database it is restored into).
Same settings as the ``container`` fixture of ``tests/conftest.py``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from arrears.bootstrap import Container, build, initialise
from arrears.config import Settings
from arrears.domain.clock import FixedClock
from support.portfolio import TODAY


@contextmanager
def fresh_book(
    backend: str, folder: Path, postgres_url: str | None, *, init: bool = True,
    field_keys: str | None = None,
) -> Iterator[Container]:  # fmt: skip
    """A new database (a SQLite file in ``folder`` or a PostgreSQL schema, dropped after)."""
    folder.mkdir(parents=True, exist_ok=True)
    schema = None
    if backend == "postgresql":
        assert postgres_url
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(postgres_url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = postgres_url
    else:
        url = f"sqlite:///{folder / 'arrears.sqlite'}"
    settings = Settings(
        data_dir=folder / "data", database_url=url, import_batch_rows=1000, field_keys=field_keys
    )
    built = build(settings, clock=FixedClock.on(TODAY), create_keys=True, schema=schema)
    if init:
        initialise(built)
    try:
        yield built
    finally:
        built.engine.dispose()
        if schema:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
