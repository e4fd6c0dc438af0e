"""The app under test, in a child process of its own: ``create_app`` on the prepared book under
uvicorn on loopback, as ``arrears serve`` runs it but without the outbox sender (nothing to send
to here) and without the access log (a line per request would measure the terminal).

Idle connections are kept for two minutes (a signed-in borrower may wait longer than uvicorn's
default five seconds between requests; a connection closed under a request would be counted as
a failure of the app). Several worker processes share the port (``--workers``, uvicorn's own
multiprocess mode): one Python process uses one core at most, and the machine has two.

``python -m bench.load.server BOOK PORT [WORKERS]`` — the parent stops it with SIGTERM (SIGKILL
after a grace period).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def start(
    book_path: Path, *, port: int, log: Path, workers: int = 1, threads: int | None = None
) -> subprocess.Popen[bytes]:
    """Start the server and wait until ``/healthz`` answers (60 s at most). ``threads``: request
    threads per server process (``Settings.web_threads``), set in the server's environment
    only."""
    handle = log.open("wb")
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if threads is not None:
        environment["ARREARS_WEB_THREADS"] = str(threads)
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.load.server", str(book_path), str(port), str(workers)],
        stdout=handle, stderr=subprocess.STDOUT, env=environment,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"the server did not start in 60 s; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def app() -> object:
    """The app on the book named by ``ARREARS_LOAD_BOOK``, as ``arrears serve`` runs it (built in
    each worker process)."""
    from bench.load.book import Book

    from arrears.entrypoints.web.app import serving_app

    return serving_app(Book.load(Path(os.environ["ARREARS_LOAD_BOOK"])).container())


def serve(book_path: Path, port: int, workers: int) -> None:
    import uvicorn

    os.environ["ARREARS_LOAD_BOOK"] = str(book_path.resolve())
    uvicorn.run(
        "bench.load.server:app", factory=True, host="127.0.0.1", port=port, workers=workers,
        access_log=False, log_level="warning", timeout_keep_alive=120,
    )  # fmt: skip


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1)
