"""Faults of what arrears depends on: the database down or full, the mail server and the SMS
provider down or hung, the disk full while a Metro 2 file is written. Each gives a clear error
(no traceback), retries where a retry can help, and leaves nothing half-done — no partial
rows, no partial file under the final name.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from typer.testing import CliRunner

from arrears.adapters.channels.sms_http import HttpSmsChannel, SmsSettings
from arrears.adapters.db.engine import make_engine
from arrears.adapters.db.failures import as_storage_error
from arrears.bootstrap import Container
from arrears.domain.contact_log import Channel, Outcome
from arrears.entrypoints.cli.main import app as cli
from arrears.errors import StorageUnavailable
from arrears.services.contacts import ContactEntry, log_contact
from arrears.services.sending import send_due
from reliability.books import fresh_book
from reliability.stalls import StallingServer
from support.channels import free_port
from support.db import run_import, table_counts
from support.outbox import email_channel, enqueue, import_texas, outbox_rows, sender
from support.web import World, build_world

runner = CliRunner()
KEYS = "k1:" + "A" * 43 + "="  # a syntactically valid 256-bit key (all zero bytes)
PROBLEM = "application/problem+json"


# -- the database -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_an_unreachable_database_is_a_clear_error_and_its_own_exit_code(
    kind: str, tmp_path: Path
) -> None:
    """``arrears status`` against a PostgreSQL port where nothing listens, and a SQLite path
    that cannot be opened (a directory): a one-paragraph error naming the cause, exit code 7,
    never a traceback (before: SQLAlchemy's ``OperationalError`` and its stack)."""
    url = (
        f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"
        if kind == "postgresql"
        else f"sqlite:///{tmp_path}"
    )
    env = {"ARREARS_DATABASE_URL": url, "ARREARS_DATA_DIR": str(tmp_path / "data"),
           "ARREARS_FIELD_KEYS": KEYS}  # fmt: skip
    result = runner.invoke(cli, ["status"], env=env)
    assert result.exit_code == StorageUnavailable.exit_code, result.output
    assert "the database cannot be reached" in result.output
    assert "Traceback" not in result.output


def test_the_api_answers_503_problem_json_while_the_database_is_down(
    container: Container, portfolio_files: list[Path]
) -> None:
    """The database goes away under a running app (its URL now points where nothing
    listens): the API answers 503 problem+json with Retry-After, not a 500."""
    world: World = build_world(container, portfolio_files)
    container.engine.dispose()
    container.engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x")
    with TestClient(world.app, raise_server_exceptions=False) as client:
        response = client.get(
            "/api/v1/loans", headers={"Authorization": f"Bearer {world.tokens['agent']}"}
        )
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["retry-after"]
    assert response.json()["type"] == "urn:arrears:problem:storage-unavailable"


def test_a_full_sqlite_database_refuses_the_import_and_keeps_nothing(
    tmp_path: Path, portfolio_files: list[Path]
) -> None:
    """SQLite limited to a few pages more than the empty schema (``max_page_count``, as a
    full disk would): the import fails as "no room left", not one row is kept; with room
    again, the same import goes through."""
    with fresh_book("sqlite", tmp_path / "full", None) as book:
        book.engine.dispose()

        def small(dbapi_connection: object, _record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages + 2}")
            cursor.close()

        event.listen(book.engine, "connect", small)
        with pytest.raises(Exception, match="full") as failed:
            run_import(book, portfolio_files)
        storage = as_storage_error(failed.value)
        assert storage is not None, failed.value
        assert "no room left" in str(storage)
        event.remove(book.engine, "connect", small)
        book.engine.dispose()
        assert set(table_counts(book).values()) == {0}, "a refused import keeps nothing"
        report = run_import(book, portfolio_files)
        assert report.counts, "with room again, the import goes through"


# -- channels -----------------------------------------------------------------------------------


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_texas(container, tmp_path, 1)
    return container


def test_a_hung_mail_server_times_out_and_the_message_waits_for_a_retry(book: Container) -> None:
    """The SMTP server accepts the connection and never greets: after the configured timeout
    the message is back in the queue with its error and a backoff — not lost, not failed."""
    enqueue(book, "TL1", "email")
    with StallingServer() as hung:
        outcomes = send_due(
            sender(book, {"email": email_channel(book, hung.port, timeout_seconds=1)})
        )
    (row,) = outbox_rows(book)
    assert outcomes == {"retry": 1}
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert row["last_error"], "the error is kept for the operator"


@pytest.mark.parametrize("state", ["down", "hung"])
def test_an_sms_provider_down_or_hung_leaves_the_text_queued(book: Container, state: str) -> None:
    """Nothing listens on the provider's port, or it accepts and never answers: the text is
    queued again with its error (the provider de-duplicates by idempotency key, so the retry
    is safe even if a hung provider did take it)."""
    enqueue(book, "TL1", "sms")

    def channel(port: int) -> HttpSmsChannel:
        return HttpSmsChannel(SmsSettings(endpoint=f"http://127.0.0.1:{port}/messages",
                                          api_key="k", sender="+18005550100",
                                          timeout_seconds=1))  # fmt: skip

    if state == "down":
        outcomes = send_due(sender(book, {"sms": channel(free_port())}))
    else:
        with StallingServer() as hung:
            outcomes = send_due(sender(book, {"sms": channel(hung.port)}))
    (row,) = outbox_rows(book)
    assert outcomes == {"retry": 1}
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert "SMS provider" in row["last_error"]


# -- the disk -----------------------------------------------------------------------------------


def _small_files(limit: int) -> None:
    """In the child: files may not grow past ``limit`` bytes (a full disk for this process);
    the write then fails with EFBIG instead of the process being killed by SIGXFSZ."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_a_full_disk_while_writing_a_metro2_file_leaves_no_file_and_no_export(
    container: Container, portfolio_files: list[Path], tmp_path: Path
) -> None:
    """``arrears metro2 export`` in a process whose files may not grow past 1,000 bytes (the
    month's file is about 1.7 kB): a clear error naming the file, no file under the final
    name, no temporary left beside it, and no export recorded. PostgreSQL only: on SQLite the
    database's own files would hit the limit first."""
    if container.engine.dialect.name != "postgresql":
        pytest.skip("the database must live in another process (PostgreSQL)")
    run_import(container, portfolio_files)
    for loan in ("L1", "L2"):  # accounts are furnished once the borrower was spoken to
        log_contact(
            ContactEntry(loan=loan, channel=Channel.CALL, outcome=Outcome.RIGHT_PARTY_CONTACT,
                         actor="agent7", at=datetime(2026, 3, 2, 15, tzinfo=UTC)),
            uow_factory=container.uow, clock=container.clock,
        )  # fmt: skip
    out = tmp_path / "metro2"
    out.mkdir()
    url = container.engine.url.set(query={"options": f"-csearch_path={container.schema}"})
    env = {**os.environ, "ARREARS_DATABASE_URL": url.render_as_string(hide_password=False),
           "ARREARS_DATA_DIR": str(container.settings.data_dir)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "arrears.entrypoints.cli.main", "metro2", "export",
         "--as-of", date(2026, 10, 31).isoformat(), "--output", str(out / "october.m2")],
        env=env, capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=lambda: _small_files(1000),
    )  # fmt: skip
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    said = " ".join(done.stderr.split())
    assert "could not write" in said, said
    assert "october.m2: File too large" in said, said
    assert list(out.iterdir()) == [], "nothing left in the folder"
    with container.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM metro2_exports")).scalar() == 0
