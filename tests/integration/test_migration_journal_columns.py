"""Migration 0014 moves the lines of a journal written by an older release into their entries'
amount columns, and ``ledger_lines`` becomes a view showing the same lines (both backends);
its downgrade gives the table back with the same lines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from arrears.adapters.db import migrate
from conftest import POSTGRES_URL
from support.migrations import migrated_but

JOURNAL_COLUMNS = "0014_journal_columns"
LINES = [  # entry, account, amount
    (1, "cash", 5000),
    (1, "interest", -1200),
    (1, "principal", -3800),
    (2, "interest", 900),
    (2, "interest_income", -900),
]
READ_LINES = text(
    "SELECT entry_id, loan_id, account, amount_minor, effective_date FROM ledger_lines "
    "ORDER BY entry_id, account"
)


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A database of the backend at every revision before 0014, holding two entries' lines."""
    with migrated_but(
        JOURNAL_COLUMNS, backend=backend, tmp_path=tmp_path, postgres_url=POSTGRES_URL
    ) as made:
        with made.begin() as connection:
            for entry_id, (kind, effective) in enumerate(
                [("payment", date(2026, 1, 15)), ("charge", date(2026, 2, 1))], start=1
            ):
                connection.execute(
                    text(
                        "INSERT INTO ledger_entries (id, loan_id, source, version, kind, "
                        "effective_date, currency, memo, recorded_at) VALUES (:id, 7, :source, "
                        "1, :kind, :effective, 'USD', '', '2026-03-01 00:00:00')"
                    ),
                    {"id": entry_id, "source": f"s:{entry_id}", "kind": kind,
                     "effective": effective},
                )  # fmt: skip
            for entry_id, account, amount in LINES:
                connection.execute(
                    text(
                        "INSERT INTO ledger_lines (entry_id, loan_id, account, amount_minor, "
                        "effective_date) SELECT id, loan_id, :account, :amount, effective_date "
                        "FROM ledger_entries WHERE id = :entry"
                    ),
                    {"entry": entry_id, "account": account, "amount": amount},
                )
        yield made


def _lines(engine: Engine) -> list[tuple[int, int, str, int, date]]:
    with engine.connect() as connection:
        rows = connection.execute(READ_LINES).all()
    return [
        (e, loan, account, amount, day if isinstance(day, date) else date.fromisoformat(day))
        for e, loan, account, amount, day in rows
    ]


def test_lines_become_their_entrys_columns_and_read_the_same(engine: Engine) -> None:
    before = _lines(engine)
    migrate.upgrade(engine, JOURNAL_COLUMNS)
    with engine.connect() as connection:
        cash, interest, principal, fees = connection.execute(
            text(
                "SELECT cash_minor, interest_minor, principal_minor, fees_minor "
                "FROM ledger_entries WHERE id = 1"
            )
        ).one()
    assert (cash, interest, principal) == (5000, -1200, -3800)
    assert not fees  # no line on fees: 0 on SQLite, NULL on PostgreSQL
    assert _lines(engine) == before
    assert migrate.current_revisions(engine) == migrate.head_revisions()


def test_the_downgrade_gives_the_lines_table_back(engine: Engine) -> None:
    before = _lines(engine)
    migrate.upgrade(engine, JOURNAL_COLUMNS)
    config = migrate._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012_bytewise_keys")  # takes 0014 off, which follows it
    assert JOURNAL_COLUMNS not in migrate.current_revisions(engine)
    assert _lines(engine) == before
