"""Postings on PostgreSQL lock their loans, not the journal (docs/adr/0007): payments on many
different loans at once go on together and draw unique entry ids from the sequence; payments on
one loan at once still take turns, so none is allocated against a stale view; and a posting of
many loans (an import) running meanwhile waits for the postings in flight and keeps new ones
out. After each race the ledger is whole (``ledger_checks``).

A trigger on the journal makes every insert into it sleep inside the posting's transaction
(between reading the loan and committing), so the races overlap on every run: without the
per-loan lock the same-loan race allocates stale views every time, and with the old table lock
the different-loans race would never overlap.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from arrears.adapters.db.ledger_store import PER_LOAN_LOCKS
from arrears.bootstrap import Container
from arrears.domain.money import Money
from arrears.errors import ConflictError
from arrears.services.payments import RecordedPayment, record_payment
from reliability.ledger_checks import assert_ledger_whole
from reliability.racing import race
from support.db import run_import
from support.outbox import import_texas
from support.portfolio import TODAY

LOANS = PER_LOAN_LOCKS + 8
"""More than a posting locks one by one: importing a payment on each takes the table lock."""
SLEEP = 0.4
"""Seconds each insert into the journal sleeps in its transaction."""


@pytest.fixture
def book(container: Container, backend: str, tmp_path: Path) -> Container:
    """``LOANS`` never-paid loans (TL1, TL2, …) and a journal whose inserts sleep and leave
    when they ran in ``journal_inserts``."""
    if backend != "postgresql":
        pytest.skip("SQLite takes its write lock at BEGIN: two postings never overlap")
    import_texas(container, tmp_path, LOANS)
    with container.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE journal_inserts (pid integer, started timestamptz, ended timestamptz)"
            )
        )
        connection.execute(
            text(
                "CREATE FUNCTION slow_journal() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "DECLARE began timestamptz := clock_timestamp(); BEGIN "
                f"PERFORM pg_sleep({SLEEP}); "
                "INSERT INTO journal_inserts VALUES (pg_backend_pid(), began, clock_timestamp()); "
                "RETURN NULL; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER slow_journal BEFORE INSERT ON ledger_entries "
                "FOR EACH STATEMENT EXECUTE FUNCTION slow_journal()"
            )
        )
    return container


def pay(container: Container, ref: str, external_id: str, minor: int) -> Callable[[], Any]:
    return lambda: record_payment(
        ref, external_id=external_id, amount=Money(minor, "USD"), effective_date=TODAY,
        method="ach", actor="token:servicing", uow_factory=container.uow,
        clock=container.clock, settings=container.cycle_settings,
    )  # fmt: skip


def scalar(container: Container, sql: str) -> Any:
    with container.engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def cash_by_loan(container: Container) -> dict[str, int]:
    """What the journal says each loan was paid (its cash account), by loan reference."""
    with container.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT loans.external_id, SUM(ledger_lines.amount_minor) FROM ledger_lines "
                "JOIN loans ON loans.id = ledger_lines.loan_id "
                "WHERE ledger_lines.account = 'cash' GROUP BY loans.external_id"
            )
        ).all()
    return {str(ref): int(total) for ref, total in rows if total}


def paid_by_loan(container: Container) -> dict[str, int]:
    with container.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT loans.external_id, SUM(payments.amount_minor) FROM payments "
                "JOIN loans ON loans.id = payments.loan_id GROUP BY loans.external_id"
            )
        ).all()
    return {str(ref): int(total) for ref, total in rows}


def most_at_once(container: Container) -> int:
    """The most journal inserts that were sleeping at the same moment."""
    with container.engine.connect() as connection:
        spans = connection.execute(text("SELECT started, ended FROM journal_inserts")).all()
    return max((sum(s <= start < e for s, e in spans) for start, _ in spans), default=0)


def assert_ids_unique_and_ahead(container: Container) -> None:
    """Every entry has its own id, and the sequence is past them all (the next posting's ids
    are fresh)."""
    assert scalar(container, "SELECT COUNT(*) - COUNT(DISTINCT id) FROM ledger_entries") == 0
    last = scalar(
        container,
        "SELECT last_value FROM pg_sequences WHERE sequencename = 'ledger_entries_id_seq'",
    )
    assert last >= scalar(container, "SELECT MAX(id) FROM ledger_entries")


def test_payments_on_different_loans_at_once_post_together(book: Container) -> None:
    """Twelve payments on twelve loans at once: each recorded and posted, none failed or
    deadlocked, their journal inserts ran at the same time (nothing made them take turns),
    every entry id is unique, and each loan's cash is what it was paid."""
    before = scalar(book, "SELECT COUNT(*) FROM journal_inserts")
    assert before == 0
    results = race(*(pay(book, f"TL{n}", f"D-{n}", 5_000 + n) for n in range(1, 13)))
    assert [r for r in results if isinstance(r, Exception)] == []
    assert all(isinstance(r, RecordedPayment) and r.created for r in results)
    assert most_at_once(book) >= 2, "postings of different loans took turns"
    assert_ids_unique_and_ahead(book)
    paid = paid_by_loan(book)
    assert paid == {f"TL{n}": 5_000 + n for n in range(1, 13)}
    assert cash_by_loan(book) == paid
    assert_ledger_whole(book)


def test_payments_on_one_loan_at_once_take_turns(book: Container) -> None:
    """Six payments on TL1 at once: each recorded, and allocated as if one after the other —
    the cash equals what was paid and the journal equals a recomputation from the payments (a
    payment allocated against a view without the others would put two payments on the same
    installment, which the recomputation does not)."""
    results = race(*(pay(book, "TL1", f"S-{n}", 3_000) for n in range(6)))
    assert [r for r in results if isinstance(r, Exception)] == []
    assert cash_by_loan(book) == paid_by_loan(book) == {"TL1": 18_000}
    assert_ids_unique_and_ahead(book)
    assert_ledger_whole(book)
    assert most_at_once(book) == 1, "postings of one loan ran at the same time"


def test_one_payment_id_reported_for_two_loans_at_once_is_recorded_once(book: Container) -> None:
    """The same payment id sent for TL1 and TL2 at once: postings of different loans no longer
    take turns, so both get past the lookup; the unique key lets one in and the other gets a
    clear conflict (not a database error), and only the one is on the books."""
    results = race(pay(book, "TL1", "TWICE-1", 4_000), pay(book, "TL2", "TWICE-1", 4_000))
    recorded = [r for r in results if isinstance(r, RecordedPayment)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(recorded) == 1
    assert recorded[0].created
    assert len(refused) == 1, results
    assert "already on file" in str(refused[0])
    assert paid_by_loan(book) == cash_by_loan(book) == {recorded[0].ref: 4_000}
    assert_ledger_whole(book)


def test_an_import_posting_many_loans_while_payments_post(book: Container, tmp_path: Path) -> None:
    """An import of a payment on every loan (a posting of more loans than are locked one by one)
    races with payments on loans it touches and on one it does not: all finish, the import's
    insert ran alone, ids are unique, and a payment posted afterwards draws fresh ids."""
    file = tmp_path / "payments.csv"
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["payment_id", "loan_id", "amount", "effective_date"])
        for n in range(1, LOANS):  # TL{LOANS} is left to the payments below
            writer.writerow([f"I-{n}", f"TL{n}", "20.00", "2026-11-20"])
    singles = [pay(book, f"TL{n}", f"B-{n}", 1_000) for n in (1, 2, 3, LOANS)]
    imported, *paid = race(lambda: run_import(book, [file]), *singles)
    assert not isinstance(imported, Exception), imported
    assert [r for r in paid if isinstance(r, Exception)] == []
    assert scalar(book, "SELECT COUNT(*) FROM payments") == LOANS - 1 + len(singles)
    spans = scalar(book, "SELECT COUNT(*) FROM journal_inserts")
    assert spans == 1 + len(singles)
    assert_ids_unique_and_ahead(book)
    assert cash_by_loan(book) == paid_by_loan(book)
    assert_ledger_whole(book)
    after = pay(book, f"TL{LOANS}", "B-after", 500)()
    assert isinstance(after, RecordedPayment)
    assert after.created
    assert_ids_unique_and_ahead(book)
    assert_ledger_whole(book)
