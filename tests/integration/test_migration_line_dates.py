"""Migration 0010 copies each journal entry's effective date onto its lines, on a database that
already holds a journal (both backends): the balance as of a date then reads the lines alone.
(0014 later made the lines columns of their entry; the database here stops before it.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from arrears.adapters.db import migrate
from conftest import POSTGRES_URL
from support.migrations import migrated_but

LINE_DATES = "0010_line_dates"


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the backend, migrated to every head but 0010."""
    with migrated_but(
        LINE_DATES, backend=backend, tmp_path=tmp_path, postgres_url=POSTGRES_URL
    ) as made:
        yield made


def test_existing_lines_get_their_entrys_date(engine: Engine) -> None:
    entries = [(1, date(2026, 1, 15)), (2, date(2026, 2, 15))]
    with engine.begin() as connection:
        for entry_id, effective in entries:
            connection.execute(
                text(
                    "INSERT INTO ledger_entries (id, loan_id, source, version, kind, "
                    "effective_date, currency, memo, recorded_at) VALUES (:id, 7, :source, 1, "
                    "'payment', :effective, 'USD', '', :at)"
                ),
                {"id": entry_id, "source": f"payment:{entry_id}", "effective": effective,
                 "at": "2026-03-01 00:00:00"},
            )  # fmt: skip
            for account, amount in (("cash", 5000), ("principal", -5000)):
                connection.execute(
                    text(
                        "INSERT INTO ledger_lines (entry_id, loan_id, account, amount_minor) "
                        "VALUES (:entry, 7, :account, :amount)"
                    ),
                    {"entry": entry_id, "account": account, "amount": amount},
                )
    migrate.upgrade(engine, LINE_DATES)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT entry_id, effective_date FROM ledger_lines ORDER BY entry_id, account")
        ).all()
    as_dates = [(entry, value if isinstance(value, date) else date.fromisoformat(value))
                for entry, value in rows]  # fmt: skip
    assert as_dates == [(1, entries[0][1])] * 2 + [(2, entries[1][1])] * 2
