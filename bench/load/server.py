"""The app under test, in a child process of its own: ``create_app`` on the prepared book under
uvicorn on loopback, as ``arrears serve`` runs it but without the outbox sender (nothing to send
to here) and without the access log (a line per request would measure the terminal).

``python -m bench.load.server BOOK PORT`` — the parent stops it with SIGTERM (SIGKILL after a
grace period).
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


def start(book_path: Path, *, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start the server and wait until ``/healthz`` answers (60 s at most)."""
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.load.server", str(book_path), str(port)],
        stdout=handle, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
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


def serve(book_path: Path, port: int) -> None:
    import uvicorn
    from bench.load.book import Book, settings_for

    from arrears.bootstrap import build
    from arrears.entrypoints.web.app import create_app

    book = Book.load(book_path)
    container = build(settings_for(book.url, Path(book.data_dir)), schema=book.schema)
    app = create_app(container)
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]))
