"""Killing a process at a chosen point of its work: a separate Python process
(``reliability.kill_driver``) runs the phase and sends itself ``SIGKILL`` just before its N-th
*fault point* — each SQL statement and each commit on the database engine. Nothing in arrears
can catch that: no ``finally`` runs, the open transaction is cut (PostgreSQL sees the socket
close; SQLite's write-ahead log is left for the next opener to recover), exactly as when the
machine loses power or the OOM killer strikes.

A fresh interpreter rather than ``os.fork``: Polars' thread pool does not survive a fork (the
child hangs on a lock a pool thread held). ``fault_points`` counts the points of an
uninterrupted run, so a seed can choose one of them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from arrears.bootstrap import Container

KILLED = -signal.SIGKILL
TESTS = Path(__file__).resolve().parents[1]


def _listen(engine: Engine, hook: Callable[..., None]) -> Callable[[], None]:
    event.listen(engine, "before_cursor_execute", hook)
    event.listen(engine, "commit", hook)

    def remove() -> None:
        event.remove(engine, "before_cursor_execute", hook)
        event.remove(engine, "commit", hook)

    return remove


def fault_points(engine: Engine, work: Callable[[], Any]) -> int:
    """Run ``work`` here, uninterrupted, and count its fault points."""
    seen = [0]

    def count(*_: Any) -> None:
        seen[0] += 1

    remove = _listen(engine, count)
    try:
        work()
    finally:
        remove()
    return seen[0]


def die_at(engine: Engine, point: int) -> None:
    """From now on, this process kills itself just before the ``point``-th fault point."""
    seen = [0]

    def maybe_die(*_: Any) -> None:
        seen[0] += 1
        if seen[0] == point:
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)

    _listen(engine, maybe_die)


def killed_at(
    book: Container, point: int, phase: str, *, files: list[list[Path]] | None = None,
    sms_endpoint: str = "", timeout: float = 120,
) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run ``phase`` on ``book`` in another process killed before its ``point``-th fault
    point; its return code is ``KILLED``, or 0 when the phase ended before that point."""
    spec = {
        "settings": json.loads(book.settings.model_dump_json()),
        "schema": book.schema,
        "instant": book.clock.now().isoformat(),
        "phase": phase,
        "point": point,
        "files": [[str(p) for p in group] for group in files or []],
        "sms_endpoint": sms_endpoint,
    }
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])}
    return subprocess.run(
        [sys.executable, "-m", "reliability.kill_driver", json.dumps(spec)],
        env=env, cwd=TESTS.parent, capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip
