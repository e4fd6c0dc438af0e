"""Shared fixtures: a fixed clock and a fresh database per test on SQLite and PostgreSQL.

PostgreSQL tests run when ``ARREARS_TEST_POSTGRES_URL`` is set (CI sets it); each test gets its
own schema, dropped afterwards. With ``ARREARS_REQUIRE_POSTGRES=1`` a missing server fails
the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from arrears.bootstrap import Container, build, initialise
from arrears.config import Settings
from arrears.domain.clock import FixedClock
from support.portfolio import TODAY

POSTGRES_URL = os.environ.get("ARREARS_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("ARREARS_REQUIRE_POSTGRES") == "1"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.on(TODAY)


def _backends() -> list[object]:
    postgres = pytest.param("postgresql", marks=pytest.mark.postgres)
    return ["sqlite", postgres]


@pytest.fixture(params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    name = str(request.param)
    if name == "postgresql" and not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("ARREARS_TEST_POSTGRES_URL is required for this run")
        pytest.skip("set ARREARS_TEST_POSTGRES_URL to run the PostgreSQL tests")
    return name


@pytest.fixture
def container(backend: str, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    """An initialised, empty arrears database on ``backend`` with keys in a temp directory."""
    schema = None
    if backend == "postgresql":
        assert POSTGRES_URL
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path / 'arrears.sqlite'}"
    settings = Settings(data_dir=tmp_path / "data", database_url=url, import_batch_rows=1000)
    built = build(settings, clock=clock, create_keys=True, schema=schema)
    initialise(built)
    try:
        yield built
    finally:
        built.engine.dispose()
        if schema:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
