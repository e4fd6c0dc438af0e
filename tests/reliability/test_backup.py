"""``arrears backup`` and ``arrears restore`` on SQLite and PostgreSQL: a book (imported,
decided, its letters queued) backed up by the command, restored by the command into a new,
empty database, is the same book — every compared table equal, the ledger whole, the audit
chain verified — and a restore never goes over a database that holds data.

PostgreSQL uses databases of their own (created and dropped here): the commands work on the
configured database as a whole, as an operator runs them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from arrears.bootstrap import Container, build, initialise
from arrears.config import Settings
from arrears.domain.clock import FixedClock
from arrears.entrypoints.cli.main import app as cli
from reliability.end_state import differences, end_state
from reliability.ledger_checks import assert_ledger_whole
from reliability.phases import do_cycle, do_import
from support.outbox import texas_book
from support.portfolio import TODAY

runner = CliRunner()
POSTGRES_URL = os.environ.get("ARREARS_TEST_POSTGRES_URL")


@contextmanager
def _postgres_database() -> Iterator[str]:
    assert POSTGRES_URL
    name = f"arrears_bk_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database(backend: str, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """New, empty databases on ``backend`` by name; yields a function giving their URLs."""
    with_pg: list[Any] = []

    def new(name: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / name}.sqlite"
        manager = _postgres_database()
        with_pg.append(manager)
        return manager.__enter__()

    yield new
    for manager in with_pg:
        manager.__exit__(None, None, None)


def book_at(url: str, data_dir: Path) -> Container:
    settings = Settings(data_dir=data_dir, database_url=url, import_batch_rows=1000)
    return build(settings, clock=FixedClock.on(TODAY), create_keys=True)


def command(args: list[str], url: str, data_dir: Path) -> str:
    result = runner.invoke(
        cli, args, env={"ARREARS_DATABASE_URL": url, "ARREARS_DATA_DIR": str(data_dir)}
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_a_backup_restored_into_an_empty_database_is_the_same_book(
    database: Callable[[str], str], portfolio_files: list[Path], tmp_path: Path
) -> None:
    """Back up a decided book, restore it into a new database (the field keys kept apart and
    given back): the same rows in every compared table, the ledger whole, the audit chain
    intact; the sealed fields read back with the same keys."""
    data = tmp_path / "data"  # one data directory: the field keys travel apart from the backup
    original_url = database("original")
    original = book_at(original_url, data)
    initialise(original)
    do_import(original, [portfolio_files, texas_book(tmp_path, 3)])
    do_cycle(original)
    made = command(["backup", str(tmp_path / "book.backup")], original_url, data)
    assert "sha256" in made
    assert (tmp_path / "book.backup").stat().st_mode & 0o077 == 0, "readable by the owner only"
    restored_url = database("restored")
    said = command(["restore", str(tmp_path / "book.backup")], restored_url, data)
    assert "audit entries" in " ".join(said.split())
    restored = book_at(restored_url, data)
    assert differences(end_state(restored), end_state(original)) == {}
    assert_ledger_whole(restored)
    with restored.uow() as uow, original.uow() as before:
        assert uow.audit.verify() == []
        assert uow.audit.head() == before.audit.head()
    with restored.engine.connect() as connection:
        ssn = connection.execute(text("SELECT ssn_sealed FROM borrowers WHERE external_id = 'B1'"))
        assert restored.cipher.decrypt(ssn.scalar_one()).endswith("6789")
    original.engine.dispose()
    restored.engine.dispose()


def test_a_restore_refuses_a_database_that_holds_data(
    database: Callable[[str], str], portfolio_files: list[Path], tmp_path: Path
) -> None:
    """Restoring over a live book is refused with a clear error and changes nothing."""
    data = tmp_path / "data"
    url = database("live")
    live = book_at(url, data)
    initialise(live)
    do_import(live, [portfolio_files])
    command(["backup", str(tmp_path / "live.backup")], url, data)
    result = runner.invoke(cli, ["restore", str(tmp_path / "live.backup")],
                           env={"ARREARS_DATABASE_URL": url, "ARREARS_DATA_DIR": str(data)})  # fmt: skip
    assert result.exit_code != 0
    assert "the database is not empty" in " ".join(result.output.split())
    live.engine.dispose()
