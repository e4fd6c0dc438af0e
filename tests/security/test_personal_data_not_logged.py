"""Personal data never reaches a log (docs/contributing.md "Rules that are never optional";
issue 12 "Security"): with every logger at DEBUG — SQLAlchemy's statements and their
parameters included — importing the portfolio, running the cycle and a day of the web app and
API writes no SSN, date of birth, card number, password, API token, session id or sign-in link
into the log. The whole output is scanned after the run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.entrypoints.cli.serve import RedactSecrets
from security.flow import personal_data, run_day
from support.web import World, build_world


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG from before the import (SQLAlchemy logs each statement and its
    parameters at INFO, so they are in)."""
    caplog.set_level(logging.DEBUG)
    engine_logger = logging.getLogger("sqlalchemy.engine")
    before = engine_logger.level
    engine_logger.setLevel(logging.DEBUG)
    yield caplog
    engine_logger.setLevel(before)


def app_log(caplog: pytest.LogCaptureFixture) -> str:
    """Every record but the test's own HTTP client's (``httpx`` logs each URL it requests,
    sign-in links included; in production that client is the borrower's browser)."""
    return "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if not r.name.startswith("httpx")
    )


def test_a_day_at_debug_logs_no_personal_data_or_secret(
    debug_log: pytest.LogCaptureFixture, container: Container, portfolio_files: list[Path]
) -> None:
    """Import, cycle, sign-ins (one wrong password), API calls by token, a borrower's sign-in
    by date of birth and by link, a card payment, a date-of-birth check by an agent: the log
    is long (the statements are there) and holds none of the secrets in any spelling."""
    world: World = build_world(container, portfolio_files, fresh=True)
    secrets = run_day(world)
    logged = app_log(debug_log)
    assert "SELECT" in logged, "the statements were not logged"
    assert "INSERT" in logged
    assert len(debug_log.records) > 100
    leaked = [name for name, value in secrets.forms().items() if value in logged]
    assert leaked == []


def test_the_import_logs_no_personal_data(
    debug_log: pytest.LogCaptureFixture, container: Container, portfolio_files: list[Path]
) -> None:
    """The import alone (where SSNs and dates of birth arrive in clear from the files)."""
    build_world(container, portfolio_files, fresh=True)
    leaked = [n for n, v in personal_data().forms().items() if v in app_log(debug_log)]
    assert leaked == []


def test_sign_in_links_are_redacted_from_the_access_log() -> None:
    """``arrears serve`` puts a filter on uvicorn's logs: the path of a one-time sign-in link
    (a credential) is replaced before the line is written."""
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/portal/link/abcDEF123_secret", "1.1", 200), None,
    )  # fmt: skip
    assert RedactSecrets().filter(record)
    assert "abcDEF123_secret" not in record.getMessage()
    assert "/portal/link/[redacted]" in record.getMessage()
