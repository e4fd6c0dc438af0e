"""PostgreSQL's connection pool pings a connection only when it has sat idle for a while
(``engine.PING_AFTER_IDLE_SECONDS``): one handed back moments ago is handed out again as it
is, and one whose server process ended while it sat in the pool is replaced, not handed out."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from arrears.adapters.db import engine as engines
from conftest import POSTGRES_URL, REQUIRE_POSTGRES

IDLE = 0.2  # seconds: the threshold for these tests, so that they need not wait a whole second


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, list[object]]]:
    """An engine of one pooled connection, and the connections its dialect pinged."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("ARREARS_TEST_POSTGRES_URL is required for this run")
        pytest.skip("set ARREARS_TEST_POSTGRES_URL to run the PostgreSQL tests")
    monkeypatch.setattr(engines, "PING_AFTER_IDLE_SECONDS", IDLE)
    engine = engines.make_engine(POSTGRES_URL, pool_size=1)
    pinged: list[object] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pinged.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    yield engine, pinged
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_back_moments_ago_is_not_pinged(pool: tuple[Engine, list[object]]) -> None:
    engine, pinged = pool
    first = _backend_pid(engine)
    for _ in range(5):
        assert _backend_pid(engine) == first, "the same pooled connection"
    assert pinged == []


def test_a_connection_idle_for_a_while_is_pinged_once(pool: tuple[Engine, list[object]]) -> None:
    engine, pinged = pool
    first = _backend_pid(engine)
    time.sleep(IDLE * 1.5)
    assert _backend_pid(engine) == first
    assert len(pinged) == 1
    assert _backend_pid(engine) == first
    assert len(pinged) == 1, "back moments ago again"


def test_a_connection_ended_while_idle_is_replaced(pool: tuple[Engine, list[object]]) -> None:
    """As after a server restart: the pooled connection's server process is gone; the next
    unit of work gets a new connection and succeeds."""
    engine, pinged = pool
    gone = _backend_pid(engine)
    admin = engines.make_engine(POSTGRES_URL or "")
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": gone}).scalar()
        connection.commit()
    admin.dispose()
    time.sleep(IDLE * 1.5)
    assert _backend_pid(engine) != gone
    assert len(pinged) == 1
