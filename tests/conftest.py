"""Shared fixtures: a fixed clock and a fresh database per test on SQLite and PostgreSQL.

PostgreSQL tests run when ``ARREARS_TEST_POSTGRES_URL`` is set (CI sets it); each test gets its
own database, dropped afterwards. With ``ARREARS_REQUIRE_POSTGRES=1`` a missing server fails
the run instead of skipping.

The migrations run once per session, into a template (a SQLite file; a PostgreSQL database
with the tables in schema ``arrears_test``); each test starts from a copy of it (a file copy;
``CREATE DATABASE … TEMPLATE``), which is what ``initialise`` would have built, at a fraction
of the cost. ``tests/integration/test_migrations.py`` still runs the migrations themselves.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from arrears.adapters.field_crypto import load_or_create_cipher
from arrears.bootstrap import FIELD_KEY_FILE, Container, build, initialise
from arrears.config import Settings
from arrears.domain.clock import FixedClock
from support import world_cache
from support.portfolio import TODAY

POSTGRES_URL = os.environ.get("ARREARS_TEST_POSTGRES_URL")
# Commands print through Rich, which wraps at the terminal width (80 columns when the output
# is not a terminal, as in the parallel workers): tests read whole sentences, so make it wide.
os.environ["COLUMNS"] = "200"
REQUIRE_POSTGRES = os.environ.get("ARREARS_REQUIRE_POSTGRES") == "1"
DATABASE_PREFIX = os.environ.get("ARREARS_TEST_DATABASE_PREFIX", "")
"""Put before the name of every PostgreSQL database the tests create (``t_post_``): on a server
shared with other work, whose databases a run must be told apart from."""


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


TEST_SCHEMA = "arrears_test"
"""The schema the tables live in on PostgreSQL (a named one, as a deployment may use)."""


def _settings(tmp_path: Path, url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=url, import_batch_rows=1000)


@pytest.fixture(scope="session")
def field_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The field keys every ``container`` of the run starts with: a world built once can then
    be copied into another test's database with its sealed fields readable
    (``support.world_cache``). A test about keys makes or rotates its own."""
    path = tmp_path_factory.mktemp("field-keys") / FIELD_KEY_FILE
    load_or_create_cipher(configured=None, key_file=path, create=True)
    return path


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The worlds kept for the run go with it (each parallel worker keeps its own)."""
    world_cache.discard_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database file to copy."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite"
    built = build(_settings(folder, f"sqlite:///{path}"), create_keys=True)
    initialise(built)
    built.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated PostgreSQL database to create each test's database from (its name)."""
    assert POSTGRES_URL
    name = f"{DATABASE_PREFIX}arrears_tpl_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    schema_engine = create_engine(url)
    with schema_engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{TEST_SCHEMA}"'))
    schema_engine.dispose()  # a template may have no one connected to it
    folder = tmp_path_factory.mktemp("postgres-template")
    built = build(_settings(folder, url), create_keys=True, schema=TEST_SCHEMA)
    initialise(built)
    built.engine.dispose()
    try:
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def container(
    backend: str, tmp_path: Path, clock: FixedClock, request: pytest.FixtureRequest
) -> Iterator[Container]:
    """An initialised, empty arrears database on ``backend`` with keys in a temp directory."""
    schema = None
    database = None
    if backend == "postgresql":
        assert POSTGRES_URL
        template = request.getfixturevalue("postgres_template")
        database = f"{DATABASE_PREFIX}t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{template}"'))
        url = make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)
        schema = TEST_SCHEMA
    else:
        path = tmp_path / "arrears.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    settings = _settings(tmp_path, url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(request.getfixturevalue("field_key_file"), settings.data_dir / FIELD_KEY_FILE)
    built = build(settings, clock=clock, create_keys=True, schema=schema)
    initialise(built)  # at the heads already: checks the revisions, changes nothing
    try:
        yield built
    finally:
        built.engine.dispose()
        if database:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()
