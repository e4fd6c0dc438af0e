"""``arrears serve`` runs the app under uvicorn on the configured database, with the outbox
sender alongside, and stops cleanly; with ``--workers 2``, two server processes share the port
and the sender runs once, beside them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from support import web as fixtures
from support.web import World

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def _serving(pid: int) -> list[int]:
    """The server processes under ``pid``: its children that run the app (not
    multiprocessing's resource tracker)."""
    return [
        child for child in _children(pid)
        if b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes()
    ]  # fmt: skip


@pytest.mark.parametrize("workers", [1, 2])
def test_arrears_serve_answers_and_stops(world: World, tmp_path: Path, workers: int) -> None:
    if world.container.schema:
        return  # the command reads its database from the environment: SQLite only
    settings = world.container.settings
    port = _port()
    env = {
        **os.environ,
        "ARREARS_DATABASE_URL": settings.effective_database_url,
        "ARREARS_DATA_DIR": str(settings.data_dir),
        "ARREARS_OUTBOX_POLL_SECONDS": "0.2",
    }
    command = [
        sys.executable, "-m", "arrears.entrypoints.cli.main", "serve", "--port", str(port),
        "--workers", str(workers),
    ]  # fmt: skip
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 120  # each worker builds the app: slow on a busy machine
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        login = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
        assert "Sign in" in login.text
        assert "server" not in {k.lower() for k in login.headers}, "no server banner"
        if workers > 1:
            assert len(_serving(server.pid)) == workers
            for _ in range(20):  # every process answers, whichever takes the connection
                assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).is_success
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "Serving arrears at" in output
    assert output.count("The outbox sender is running alongside.") == 1
    if workers > 1:
        assert f"{workers} server processes share the port." in output
    assert "Stopped." in output, "the sender was stopped and joined"
    assert server.returncode == 0
