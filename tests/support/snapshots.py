"""Helpers for the snapshot engines' tests: a generated book in a database with holds, promises
and contacts, and the cycle's tables read back in a form two engines can be compared in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import select, text

from arrears.adapters.db.bulk import insert_frame
from arrears.adapters.db.schema_cycle import actions, decision_items, decisions
from arrears.adapters.db.schema_negotiation import contacts
from arrears.adapters.snapshot import OUTPUTS
from arrears.bootstrap import Container
from arrears.domain.holds import HoldKind
from arrears.services.holds import HoldRequest, place_hold
from arrears.simulation.portfolio import write_portfolio
from support.db import run_import

RUN_COLUMNS = {
    "decisions": ["run_id"],
    "decision_items": ["run_id", "action_id"],
    "actions": ["run_id", "created_at", "updated_at"],
}
"""Columns that say which run wrote a row and when, not what was decided."""

_HOLDS = [HoldKind.DISPUTE, HoldKind.CEASE_COMMUNICATION, HoldKind.HARDSHIP, HoldKind.ATTORNEY]
_OUTCOMES = ["no_answer", "right_party_contact", "voicemail", "sent", "not_connected"]
_CHANNELS = ["call", "call", "sms", "email", "letter"]


def generated_book(container: Container, directory: Path, *, loans: int, seed: int = 7) -> None:
    """``loans`` generated loans imported, holds on a few, and a month of contacts."""
    today = container.clock.today()
    files = write_portfolio(directory, loans=loans, seed=seed, as_of=today)
    run_import(container, list(files.values()))
    with container.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, external_id, borrower_id FROM loans ORDER BY id")
        ).fetchall()
    for number, (_, external, _) in enumerate(rows[::17]):
        place_hold(
            HoldRequest(kind=_HOLDS[number % len(_HOLDS)], reason="test", set_by="tests",
                        starts_on=today - timedelta(days=3), loan=external),
            uow_factory=container.uow, clock=container.clock,
        )  # fmt: skip
    _log_contacts(container, [(r[0], r[2]) for r in rows], today=today)


def _log_contacts(container: Container, loans: list[tuple[int, int]], *, today: date) -> None:
    """Contacts on every third loan over the last four weeks (some conversations)."""
    logged = [
        (loan, borrower, k)
        for index, (loan, borrower) in enumerate(loans)
        if index % 3 == 0
        for k in range(index % 5 + 1)
    ]
    at = [
        datetime.combine(today - timedelta(days=(3 * k + i) % 28), time(15), tzinfo=UTC)
        for i, (_, _, k) in enumerate(logged)
    ]
    frame = pl.DataFrame(
        {
            "loan_id": [loan for loan, _, _ in logged],
            "borrower_id": [borrower for _, borrower, _ in logged],
            "channel": [_CHANNELS[k % len(_CHANNELS)] for _, _, k in logged],
            "direction": "outbound",
            "at": pl.Series(at, dtype=pl.Datetime("us", "UTC")),
            "actor": "agent",
            "outcome": [_OUTCOMES[(k + i) % len(_OUTCOMES)] for i, (_, _, k) in enumerate(logged)],
            "template": "",
            "notes": "",
            "details": "{}",
            "created_at": pl.Series(at, dtype=pl.Datetime("us", "UTC")),
        }
    )
    with container.engine.begin() as connection:
        insert_frame(connection, contacts, frame)


def database_tables(container: Container, *, as_of: date) -> dict[str, pl.DataFrame]:
    """The cycle's three tables for the run of ``as_of``, as the Parquet engines write them."""
    tables = {"decisions": decisions, "decision_items": decision_items, "actions": actions}
    found = {}
    with container.engine.connect() as connection:
        run = connection.execute(
            text("SELECT id FROM cycle_runs WHERE as_of = :d"), {"d": as_of}
        ).scalar_one()
        for name, table in tables.items():
            schema = OUTPUTS[name]
            rows = connection.execute(
                select(*(table.c[c] for c in schema.names())).where(table.c.run_id == run)
            ).all()
            found[name] = pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    return found


def decided(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """What was decided, without which run wrote it or when, in key order."""
    keys = {"decisions": ["loan_id"], "decision_items": ["loan_id", "rank", "treatment"],
            "actions": ["loan_id", "treatment"]}  # fmt: skip
    return {name: frame.drop(RUN_COLUMNS[name]).sort(keys[name]) for name, frame in tables.items()}


def assert_same(left: dict[str, pl.DataFrame], right: dict[str, pl.DataFrame]) -> None:
    """The same rows, column for column and row for row, in every table."""
    assert left.keys() == right.keys()
    for name, a in left.items():
        b = right[name]
        assert a.columns == b.columns, name
        assert a.height == b.height, f"{name}: {a.height} rows against {b.height}"
        diff = a.join(b, on=a.columns, how="anti", nulls_equal=True)
        assert diff.is_empty(), f"{name}: rows only on one side:\n{diff.head(5)}"
        assert a.equals(b), f"{name}: same rows, different order"
