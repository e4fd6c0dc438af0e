"""A None bound through a SQLite engine is stored as NULL: ``make_engine`` registers an adapter
for None with ``sqlite3`` (a faster path to the same NULL), which must not turn it into
anything else, in a statement or in ``executemany``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from arrears.adapters.db.engine import make_engine


def test_none_is_stored_as_null(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nulls.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER, note TEXT)")
        connection.exec_driver_sql("INSERT INTO t VALUES (?, ?)", [(None, None), (1, "x")])
        connection.execute(text("INSERT INTO t VALUES (:n, :note)"), {"n": None, "note": "y"})
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT typeof(n), typeof(note), n IS NULL FROM t ORDER BY rowid"
        ).all()
    engine.dispose()
    assert rows == [("null", "null", 1), ("integer", "text", 0), ("null", "text", 1)]
