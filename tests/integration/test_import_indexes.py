"""A book's first import builds the bulk tables' indexes once, after loading them (ADR 0013).

Whatever the path, an import leaves the indexes and constraints a migrated database has, with
the same names and definitions; a duplicate that only a unique index would catch fails the
import and leaves nothing; into a book with rows nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import IntegrityError

from arrears.adapters.db import deferred_indexes, schema
from arrears.adapters.files.seen_keys import SeenKeys
from arrears.bootstrap import Container
from arrears.errors import ValidationFailed
from arrears.services import importing
from support.db import run_import, table_counts
from support.portfolio import PAYMENTS

Catalog = list[tuple[str, ...]]

PORTFOLIO = {"borrowers", "contact_points", "loans", "collateral", "valuations", "payments"}
JOURNAL = {"ledger_entries"}


def catalog(connection: Connection) -> Catalog:
    """Every index and constraint of the database's tables, with its definition."""
    if connection.dialect.name == "postgresql":
        indexes = connection.execute(
            text(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema()"
            )
        ).all()
        constraints = connection.execute(
            text(
                "SELECT conrelid::regclass::text, conname, contype::text, "
                "pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = to_regnamespace(current_schema())"
            )
        ).all()
        rows = [("index", *row) for row in indexes] + [("constraint", *row) for row in constraints]
    else:
        rows = connection.execute(
            text("SELECT type, tbl_name, name, coalesce(sql, '') FROM sqlite_master")
        ).all()
    return sorted(tuple(str(value) for value in row) for row in rows)


def catalog_of(container: Container) -> Catalog:
    with container.engine.connect() as connection:
        return catalog(connection)


def indexes_of(connection: Connection, tables: set[str]) -> set[str]:
    """Names of the indexes the transaction of ``connection`` sees on ``tables``."""
    return {row[2] for row in catalog(connection) if row[0] == "index" and row[1] in tables}


def watch_posting(monkeypatch: pytest.MonkeyPatch) -> list[tuple[set[str], set[str]]]:
    """The indexes of the portfolio's and the journal's deferred tables, as the import's own
    transaction sees them when the posting starts (one pair per import)."""
    seen: list[tuple[set[str], set[str]]] = []
    post = importing.post_loans

    def watched(uow: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((indexes_of(uow.connection, PORTFOLIO), indexes_of(uow.connection, JOURNAL)))
        return post(uow, *args, **kwargs)

    monkeypatch.setattr(importing, "post_loans", watched)
    return seen


def watch_ddl(container: Container) -> Callable[[], list[str]]:
    """The schema-changing statements run from now on."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("DROP", "CREATE", "ALTER")):
            statements.append(statement)

    event.listen(container.engine, "before_cursor_execute", record)
    return lambda: statements


def test_a_first_import_builds_the_indexes_once_and_ends_as_migrated(
    container: Container, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into an empty book the payments' and contact points' indexes are back before the posting
    reads the payments, the journal's are still dropped then, and after the import every index
    and constraint is the migrated database's, names and definitions alike."""
    migrated = catalog_of(container)
    seen = watch_posting(monkeypatch)
    ddl = watch_ddl(container)
    run_import(container, portfolio_files)
    assert catalog_of(container) == migrated
    [(portfolio, journal)] = seen
    with container.engine.connect() as connection:
        assert portfolio == indexes_of(connection, PORTFOLIO)
        dropped = indexes_of(connection, JOURNAL) - journal
    if container.engine.dialect.name == "postgresql":
        assert dropped == {"uq_ledger_entries_loan_id"}
    else:  # the journal's one index is its UNIQUE constraint, part of SQLite's table
        assert dropped == set()
    built = " ".join(
        statement for statement in ddl() if statement.lstrip().startswith(("CREATE", "ALTER"))
    )
    assert "ix_payments_loan_effective" in built
    assert "ix_loans_borrower_id" in built
    assert "uq_loans_external_id" not in built  # the load finds loans by it: never dropped
    if container.engine.dialect.name == "postgresql":  # SQLite's are part of the table
        assert "fk_loans_borrower_id_borrowers" in built
        assert "fk_valuations_collateral_id_collateral" in built


def test_an_import_into_a_book_with_rows_drops_nothing(
    container: Container,
    portfolio_files: list[Path],
    write_csv: Callable[[str, list[dict[str, str]]], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A second import (a payment returned, so the ledger is posted again) runs no DDL at
    all: every index is there while it loads and while it posts."""
    run_import(container, portfolio_files)
    migrated = catalog_of(container)
    seen = watch_posting(monkeypatch)
    ddl = watch_ddl(container)
    changed = [dict(p) for p in PAYMENTS]
    returned = next(p for p in changed if p["payment_id"] == "P1-3")
    returned.update({"status": "returned", "returned_date": "2026-03-20", "return_reason": "R01"})
    report = run_import(container, [write_csv("payments-update.csv", changed)])
    assert report.counts["payments"]["updated"] == 1
    assert report.posting.entries > 0
    assert ddl() == []
    with container.engine.connect() as connection:
        assert seen == [(indexes_of(connection, PORTFOLIO), indexes_of(connection, JOURNAL))]
    assert catalog_of(container) == migrated


def test_a_book_with_loans_keeps_the_indexes_of_its_empty_tables(
    container: Container, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A book's loans came first, its payments later: the payments table is empty, but the
    book is live (its readers would wait on the lock until the import commits), so nothing
    is dropped."""
    payments = [path for path in portfolio_files if path.name.startswith("payments")]
    run_import(container, [path for path in portfolio_files if path not in payments])
    assert table_counts(container)["payments"] == 0
    migrated = catalog_of(container)
    seen = watch_posting(monkeypatch)
    ddl = watch_ddl(container)
    report = run_import(container, payments)
    assert report.counts["payments"]["inserted"] == len(PAYMENTS)
    assert ddl() == []
    with container.engine.connect() as connection:
        assert seen == [(indexes_of(connection, PORTFOLIO), indexes_of(connection, JOURNAL))]
    assert catalog_of(container) == migrated


def test_reimporting_into_the_first_imports_book_changes_nothing(
    container: Container, portfolio_files: list[Path]
) -> None:
    """Re-importing the same files finds every row known (the lookups skipped on the first
    import run again) and changes neither rows nor indexes."""
    run_import(container, portfolio_files)
    counts, indexes = table_counts(container), catalog_of(container)
    again = run_import(container, portfolio_files)
    assert again.posting.entries == 0
    assert all(t.get("inserted", 0) == t.get("updated", 0) == 0 for t in again.counts.values())
    assert table_counts(container) == counts
    assert catalog_of(container) == indexes


def test_a_duplicate_only_the_unique_index_catches_fails_the_import(
    container: Container,
    write_csv: Callable[[str, list[dict[str, str]]], Path],
    portfolio_files: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the check for repeats across files blinded, a payment sent in two files reaches
    the database: building the unique index (PostgreSQL; on SQLite the constraint stays and
    refuses the row) fails the import, which leaves no row and the migrated indexes."""
    migrated = catalog_of(container)
    before = table_counts(container)
    monkeypatch.setattr(SeenKeys, "seen_before", lambda self, keys: keys.is_null())
    again = write_csv("payments-again.csv", [PAYMENTS[0]])
    with pytest.raises(IntegrityError, match=r"uq_payments_external_id|UNIQUE"):
        run_import(container, [*portfolio_files, again])
    assert table_counts(container) == before
    assert catalog_of(container) == migrated


def test_a_refused_first_import_leaves_the_indexes_as_they_were(
    container: Container, write_csv: Callable[[str, list[dict[str, str]]], Path]
) -> None:
    migrated = catalog_of(container)
    bad = [dict(p) for p in PAYMENTS]
    bad[0]["loan_id"] = "L404"
    with pytest.raises(ValidationFailed):
        run_import(container, [write_csv("payments.csv", bad)])
    assert catalog_of(container) == migrated


def test_a_duplicate_journal_key_fails_the_build(container: Container) -> None:
    """The journal's unique key is enforced when built again after the posting (PostgreSQL;
    on SQLite it is part of the table and refuses the second row)."""
    entry = {
        "loan_id": 1, "source": "loan", "version": 1, "kind": "disbursement",
        "effective_date": "2026-01-01", "currency": "USD", "memo": "",
        "recorded_at": "2026-01-01 00:00:00",
    }  # fmt: skip
    insert = text(
        "INSERT INTO ledger_entries (loan_id, source, version, kind, effective_date, currency, "
        "memo, recorded_at) VALUES (:loan_id, :source, :version, :kind, :effective_date, "
        ":currency, :memo, :recorded_at)"
    )
    droppable = container.engine.dialect.name == "postgresql"
    with container.uow() as uow:
        deferred = deferred_indexes.defer(uow.connection, [schema.ledger_entries])
        assert deferred == (["ledger_entries"] if droppable else [])

        def load_then_build() -> None:
            uow.connection.execute(insert, [entry, entry])
            deferred_indexes.build(uow.connection)

        with pytest.raises(IntegrityError):
            load_then_build()
    assert table_counts(container)["ledger_entries"] == 0


def test_a_table_written_meanwhile_keeps_its_indexes(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table empty when first looked at but not once the drop holds it (another import
    committed rows in between) keeps its indexes: the drop is rolled back to its savepoint."""
    migrated = catalog_of(container)
    answers = iter([True, False])
    monkeypatch.setattr(deferred_indexes, "is_empty", lambda connection, table: next(answers))
    with container.uow() as uow:
        assert deferred_indexes.defer(uow.connection, [schema.payments]) == []
        assert deferred_indexes.waiting(uow.connection) == []
        assert catalog(uow.connection) == migrated
        uow.commit()
    assert catalog_of(container) == migrated


def test_a_commit_builds_what_is_still_deferred(container: Container) -> None:
    """No transaction commits a table without its indexes, even if its writer forgot them."""
    migrated = catalog_of(container)
    with container.uow() as uow:
        assert deferred_indexes.defer(uow.connection, [schema.payments]) == ["payments"]
        assert catalog(uow.connection) != migrated
        uow.commit()
    assert catalog_of(container) == migrated
