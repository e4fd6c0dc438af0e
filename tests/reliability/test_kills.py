"""Killing the import, the daily cycle and the outbox sender at seeded random points, then
restarting them: the end state equals that of an uninterrupted run — nothing lost, nothing
duplicated — on SQLite and PostgreSQL.

Each seed picks one fault point (an SQL statement or a commit) of the phase's uninterrupted
run; a forked process doing the phase sends itself ``SIGKILL`` there (``reliability.kill``).
The phase is then simply run again, as an operator (or a supervisor) would, and the book
compared with the uninterrupted one table by table (``reliability.end_state``): borrowers,
loans, schedules, payments, ledger entries and lines, cycle runs, decisions, actions, outbox
messages and the audit trail. The ledger must also be whole.

Texts go to a real local SMS provider that de-duplicates by idempotency key, and letters to
the print folder; each text must reach its phone exactly once. Email is left out on purpose:
SMTP cannot de-duplicate, so an email handed over just before a kill is marked *in doubt*
rather than sent again (``tests/integration/test_outbox_crash.py``) and the end state
legitimately differs.

CI runs one seed per phase on each database; ``-m slow`` runs ``SLOW_SEEDS`` per phase.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from arrears.bootstrap import Container
from reliability.books import fresh_book
from reliability.end_state import differences, end_state
from reliability.kill import KILLED, fault_points, killed_at
from reliability.ledger_checks import assert_ledger_whole
from reliability.phases import do_cycle, do_import, do_send, run_phase
from support.channels import SmsProvider
from support.outbox import enqueue, outbox_rows, texas_book

TEXAS = 6
CI_SEEDS = {"import": (1,), "cycle": (2,), "send": (3,)}
SLOW_SEEDS = tuple(range(100, 125))
POSTGRES_URL = os.environ.get("ARREARS_TEST_POSTGRES_URL")


def before_send(book: Container) -> None:
    for n in range(1, TEXAS + 1):
        enqueue(book, f"TL{n}", "sms")


def after_send(book: Container, endpoint: str) -> None:
    """The sender's next round after the claim timeout: it looks again at anything a dead
    sender left ``sending``."""
    book.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    do_send(book, endpoint)


def setup(book: Container, name: str, files: list[list[Path]]) -> None:
    """Bring a new book to where ``name`` starts."""
    if name in {"cycle", "send"}:
        do_import(book, files)
    if name == "send":
        do_cycle(book)
        before_send(book)


@pytest.fixture
def files(portfolio_files: list[Path], tmp_path: Path) -> list[list[Path]]:
    """The small portfolio, then a Texas book of reachable borrowers (two imports)."""
    return [portfolio_files, texas_book(tmp_path, TEXAS)]


@pytest.fixture
def books(backend: str, tmp_path: Path) -> Iterator[Callable[[str], Any]]:
    """Fresh databases on ``backend``, by folder name."""
    opened: list[Any] = []

    def open_book(name: str) -> Container:
        manager = fresh_book(backend, tmp_path / name, POSTGRES_URL)
        opened.append(manager)
        return manager.__enter__()

    yield open_book
    for manager in reversed(opened):
        manager.__exit__(None, None, None)


def texts_once(provider: SmsProvider, book: Container) -> None:
    """Every queued text reached its phone exactly once, and the outbox says so."""
    texted = Counter(provider.state.texts_to_phones)
    assert set(texted.values()) <= {1}, "a phone got the same text twice"
    sent = {row["idempotency_key"] for row in outbox_rows(book) if row["channel"] == "sms"
            and row["status"] == "sent"}  # fmt: skip
    assert len(texted) == len(sent) == TEXAS


def _changed_nothing(row: tuple[Any, ...]) -> bool:
    details = json.loads(dict(row)["details"])
    counts = details.get("counts", {}).values()
    return all(c.get("inserted", 0) == c.get("updated", 0) == 0 for c in counts)


def drop_records_of_the_restart(got: dict[str, Counter[Any]]) -> None:
    """Audit entries that record the restart itself, not work done twice: the sender looking
    again at the claim the kill left (at most one: one kill), and an import run again over
    files that had already gone in (it changed nothing, and says so)."""
    audit = got["audit_log"]
    recovered = [row for row in audit if ("action", "outbox.recovered") in row]
    assert sum(audit[row] for row in recovered) <= 1, "one kill, one stale claim"
    again = [row for row in audit if ("action", "portfolio.imported") in row
             and _changed_nothing(row)]  # fmt: skip
    for row in recovered + again:
        del audit[row]


def kill_and_restart(name: str, seeds: tuple[int, ...], files: list[list[Path]],
                     books: Any) -> None:  # fmt: skip
    with SmsProvider() as provider:
        reference = books("reference")
        setup(reference, name, files)
        work = partial(run_phase, reference, name, files=files, sms_endpoint=provider.endpoint)
        points = fault_points(reference.engine, work)
        if name == "send":
            after_send(reference, provider.endpoint)
        want = end_state(reference)
    for seed in seeds:
        point = random.Random(seed).randint(1, points)
        with SmsProvider() as provider:
            book = books(f"seed-{seed}")
            setup(book, name, files)
            child = killed_at(book, point, name, files=files, sms_endpoint=provider.endpoint)
            assert child.returncode == KILLED, f"seed {seed}: {child.returncode} {child.stderr}"
            run_phase(book, name, files=files, sms_endpoint=provider.endpoint)  # the restart
            if name == "send":
                after_send(book, provider.endpoint)
                texts_once(provider, book)
        got = end_state(book)
        drop_records_of_the_restart(got)
        found = differences(got, want)
        assert found == {}, f"seed {seed}, killed at point {point} of {points}: {found}"
        assert_ledger_whole(book)


@pytest.mark.parametrize("name", ["import", "cycle", "send"])
def test_a_killed_phase_restarts_to_the_uninterrupted_end_state(
    name: str, files: list[list[Path]], books: Any
) -> None:
    """One seeded SIGKILL per phase, then a restart: the same book as without the kill."""
    kill_and_restart(name, CI_SEEDS[name], files, books)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["import", "cycle", "send"])
def test_many_killed_phases_restart_to_the_uninterrupted_end_state(
    name: str, files: list[list[Path]], books: Any
) -> None:
    """``SLOW_SEEDS`` seeded kills per phase, each followed by a restart."""
    kill_and_restart(name, SLOW_SEEDS, files, books)
