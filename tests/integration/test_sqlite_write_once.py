"""A book's first import into SQLite writes through a rollback journal (docs/adr/0018).

Into an empty book, with the file to itself, the import's transaction runs out of write-ahead
log mode, so its pages go once into the file instead of the log and then the file; the file is
back in log mode afterwards, whether the import committed or was refused. Anything else (a book
with rows, another connection holding the file) keeps the log, and a reader that opens the file
during such an import can still connect and read what was committed before it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from arrears.adapters.db import write_once
from arrears.adapters.db.engine import make_engine
from arrears.adapters.db.portfolio_store import BOOK
from arrears.bootstrap import Container
from arrears.errors import ValidationFailed
from arrears.services import importing
from support.db import run_import, table_counts
from support.portfolio import LOANS

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def journal_mode(connection: Any) -> str:
    return str(connection.exec_driver_sql("PRAGMA journal_mode").scalar_one())


def watch_posting(
    monkeypatch: pytest.MonkeyPatch, also: Callable[[], Any] | None = None
) -> list[str]:
    """The journal mode of the import's own connection when the posting starts."""
    seen: list[str] = []
    post = importing.post_loans

    def watched(uow: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(journal_mode(uow.connection))
        if also is not None:
            also()
        return post(uow, *args, **kwargs)

    monkeypatch.setattr(importing, "post_loans", watched)
    return seen


def file_mode(container: Container) -> str:
    with container.engine.connect() as connection:
        return journal_mode(connection)


def wal_size(container: Container) -> int:
    database = Path(str(container.engine.url.database))
    log = database.with_name(database.name + "-wal")
    return log.stat().st_size if log.exists() else 0


def test_a_first_import_writes_the_file_once_and_leaves_it_in_the_log(
    container: Container, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import posts with its file in rollback-journal mode; once it has committed the file
    is in log mode again and the log holds none of the import's pages."""
    container.engine.dispose()  # only the import's connection has the file open
    seen = watch_posting(monkeypatch)
    report = run_import(container, portfolio_files)
    assert seen == ["delete"]
    assert report.posting.entries > 0
    assert file_mode(container) == "wal"
    assert wal_size(container) < 64 * 1024
    assert table_counts(container)["loans"] == len(LOANS)


def test_an_import_into_a_book_with_rows_keeps_the_log(
    container: Container, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_import(container, portfolio_files)
    container.engine.dispose()
    seen = watch_posting(monkeypatch)
    run_import(container, portfolio_files)
    assert seen == ["wal"]
    with container.engine.connect() as connection:
        assert journal_mode(connection) == "wal"


def test_another_connection_holding_the_file_keeps_the_log(
    container: Container, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite refuses to leave the log while another connection has the file open: the import
    then runs in the log, as before, and commits the same book."""
    other = sqlite3.connect(str(container.engine.url.database))
    other.execute("SELECT count(*) FROM loans").fetchone()
    try:
        seen = watch_posting(monkeypatch)
        run_import(container, portfolio_files)
    finally:
        other.close()
    assert seen == ["wal"]
    assert table_counts(container)["loans"] == len(LOANS)


def test_a_reader_opening_during_the_import_connects_and_sees_the_empty_book(
    container: Container, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection opened while the import holds the file out of the log cannot switch it
    back (its ``journal_mode`` pragma is refused); it connects anyway and reads the last
    committed state. (A unit of work would not read: it begins by taking the write lock, which
    the import holds, in either mode.)"""
    container.engine.dispose()
    reader = make_engine(str(container.engine.url))
    counted: list[int] = []

    def read() -> None:
        raw = reader.raw_connection()  # connects through the engine's pragmas
        try:
            counted.append(raw.cursor().execute("SELECT count(*) FROM loans").fetchone()[0])
        finally:
            raw.close()

    seen = watch_posting(monkeypatch, also=read)
    try:
        run_import(container, portfolio_files)
    finally:
        reader.dispose()
    assert (seen, counted) == (["delete"], [0])
    assert file_mode(container) == "wal"


def test_a_refused_first_import_leaves_nothing_and_the_file_in_the_log(
    container: Container,
    portfolio_files: list[Path],
    write_csv: Callable[[str, list[dict[str, str]]], Path],
) -> None:
    container.engine.dispose()
    before = table_counts(container)
    bad = [dict(row) for row in LOANS]
    bad[0]["principal"] = "-5"
    files = [f for f in portfolio_files if f.name != "loans.csv"] + [write_csv("bad.csv", bad)]
    with pytest.raises(ValidationFailed):
        run_import(container, files)
    assert table_counts(container) == before
    assert file_mode(container) == "wal"


def test_a_reader_holds_the_return_to_the_log_until_it_finishes(container: Container) -> None:
    """Out of the log, a reader's open transaction holds the switch back (for the connection's
    busy timeout, shortened here); once the reader has finished the file goes back."""
    container.engine.dispose()
    with container.engine.connect() as connection:
        assert write_once.leave_log(connection, ())
        raw = connection.connection.driver_connection  # outside any transaction
        raw.execute("PRAGMA busy_timeout=50")
        other = sqlite3.connect(str(container.engine.url.database), isolation_level=None)
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM loans").fetchone()
        assert not write_once.return_to_log(connection)
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        other.execute("COMMIT")
        other.close()
        assert write_once.return_to_log(connection)
        assert journal_mode(connection) == "wal"


def test_leaving_the_log_asks_for_an_empty_book(
    container: Container, portfolio_files: list[Path]
) -> None:
    run_import(container, portfolio_files)
    container.engine.dispose()
    with container.engine.connect() as connection:
        assert not write_once.leave_log(connection, BOOK)
        assert journal_mode(connection) == "wal"
