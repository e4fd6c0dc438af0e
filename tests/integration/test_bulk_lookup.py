"""Frames in and out of a real database (``adapters.db.bulk``), both backends: what goes in by
``insert_frame`` comes back by ``lookup`` with the same values and types — dates before 1970,
missing dates, text with quotes, commas and new lines, booleans and large integers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy import select, text

from arrears.adapters.db import schema
from arrears.adapters.db.bulk import insert_frame, lookup, query_frame, read_frame
from arrears.bootstrap import Container

PAYMENTS = pl.DataFrame(
    {
        "id": [1, 2, 3, 4],
        "external_id": ["P-1", 'P-"2"', "P,3", "P\n4"],
        "loan_id": [10, 10, 11, 12],
        "amount_minor": [1, 2**40, 0, 999_999_999_999],
        "effective_date": [
            date(1969, 12, 31),
            date(1970, 1, 1),
            date(2026, 11, 27),
            date(2099, 2, 28),
        ],
        "method": ["ach", "card", "check", "cash"],
        "status": ["posted", "returned", "posted", "reversed"],
        "returned_date": [None, date(1950, 6, 1), None, date(2026, 12, 1)],
        "return_reason": ["", 'R01 "insufficient", funds', "", "line one\nline two"],
        "source": ["import"] * 4,
        "received_at": [datetime(2026, 11, 27, 12, tzinfo=UTC)] * 4,
    },
    schema_overrides={"returned_date": pl.Date},
)

COLUMNS = {
    "payments.id AS payment_id": pl.Int64,
    "payments.external_id": pl.Utf8,
    "payments.amount_minor": pl.Int64,
    "payments.effective_date": pl.Date,
    "payments.returned_date": pl.Date,
    "payments.return_reason": pl.Utf8,
    "payments.status = 'posted' AS good": pl.Boolean,
}


def test_what_goes_in_comes_back(container: Container) -> None:
    with container.engine.begin() as connection:
        insert_frame(connection, schema.payments, PAYMENTS)
        got = lookup(
            connection, table="payments", key="loan_id", keys=[10, 12, 11], columns=COLUMNS
        ).sort("payment_id")
        connection.execute(text("DELETE FROM payments"))
    expected = PAYMENTS.select(
        pl.col("id").alias("payment_id"), "external_id", "amount_minor", "effective_date",
        "returned_date", "return_reason", (pl.col("status") == "posted").alias("good"),
    )  # fmt: skip
    assert got.schema == expected.schema
    assert got.rows() == expected.rows()


def test_no_keys_or_no_rows_give_an_empty_typed_frame(container: Container) -> None:
    with container.engine.connect() as connection:
        for keys in ([], [404]):
            got = lookup(connection, table="payments", key="loan_id", keys=keys, columns=COLUMNS)
            assert got.height == 0
            assert got.schema["effective_date"] == pl.Date


def test_a_span_of_keys_returns_only_the_keys_asked_for(container: Container) -> None:
    """Keys 10 and 12 read as the span 10..12 on PostgreSQL; loan 11's row is not returned,
    whether or not the key is one of the columns read."""
    with container.engine.begin() as connection:
        insert_frame(connection, schema.payments, PAYMENTS)
        without_key = lookup(
            connection, table="payments", key="loan_id", keys=[12, 10], columns=COLUMNS
        ).sort("payment_id")
        with_key = lookup(
            connection,
            table="payments",
            key="loan_id",
            keys=[12, 10],
            columns={"payments.loan_id": pl.Int64, **COLUMNS},
        ).sort("payment_id")
        connection.execute(text("DELETE FROM payments"))
    assert without_key.columns == [name.split(" ")[-1].split(".")[-1] for name in COLUMNS]
    assert without_key.get_column("payment_id").to_list() == [1, 2, 4]
    assert with_key.get_column("loan_id").to_list() == [10, 10, 12]
    assert with_key.drop("loan_id").rows() == without_key.rows()


def test_a_query_read_as_text_gives_the_rows_read_as_tuples(container: Container) -> None:
    """``query_frame`` (one CSV text on PostgreSQL) against ``read_frame`` (a tuple per row)."""
    sql = (
        "SELECT p.id, p.external_id, p.effective_date, p.returned_date, p.return_reason, "
        "CASE WHEN p.status = 'posted' THEN 1 ELSE 0 END, p.status = 'posted' "
        "FROM payments p WHERE p.loan_id BETWEEN :first AND :last"
    )
    schema_ = {
        "payment_id": pl.Int64,
        "external_id": pl.Utf8,
        "effective_date": pl.Date,
        "returned_date": pl.Date,
        "return_reason": pl.Utf8,
        "posted": pl.Int8,
        "good": pl.Boolean,
    }
    with container.engine.begin() as connection:
        insert_frame(connection, schema.payments, PAYMENTS)
        as_text = query_frame(connection, sql, {"first": 10, "last": 12}, schema_)
        as_tuples = read_frame(connection, sql, {"first": 10, "last": 12}, schema_)
        nothing = query_frame(connection, sql, {"first": 20, "last": 30}, schema_)
        connection.execute(text("DELETE FROM payments"))
    assert as_text.schema == as_tuples.schema == nothing.schema
    assert as_text.sort("payment_id").rows() == as_tuples.sort("payment_id").rows()
    assert as_text.height == 4
    assert nothing.height == 0


def test_dates_that_repeat_are_stored_as_each_rows_own(container: Container) -> None:
    """A batch of many rows over a few dates (one recording time, some missing dates), the
    case where SQLite's text is formatted once per distinct value: every row reads back with
    its own values, and SQLite holds the text SQLAlchemy writes for a date or a timestamp."""
    rows = 400
    frame = pl.DataFrame(
        {
            "id": range(1, rows + 1),
            "external_id": [f"R-{n}" for n in range(rows)],
            "loan_id": [n % 7 for n in range(rows)],
            "amount_minor": [n * 100 for n in range(rows)],
            "effective_date": [date(2026, 1 + n % 3, 1 + n % 5) for n in range(rows)],
            "method": ["ach"] * rows,
            "status": ["posted"] * rows,
            "returned_date": [None if n % 2 else date(1969, 12, 31) for n in range(rows)],
            "return_reason": [""] * rows,
            "source": ["import"] * rows,
            "received_at": [datetime(2026, 11, 27, 12, 0, 0, 250, tzinfo=UTC)] * rows,
        },
        schema_overrides={"returned_date": pl.Date},
    )
    with container.engine.begin() as connection:
        insert_frame(connection, schema.payments, frame)
        got = lookup(
            connection,
            table="payments",
            key="loan_id",
            keys=list(range(7)),
            columns={
                "payments.id": pl.Int64,
                "payments.effective_date": pl.Date,
                "payments.returned_date": pl.Date,
                "payments.received_at": pl.Datetime("us", "UTC"),
            },
        ).sort("id")
        table = schema.payments.c
        stored = connection.execute(
            select(table.effective_date, table.returned_date, table.received_at).where(
                table.id == 2
            )
        ).one()
        raw = connection.exec_driver_sql(
            "SELECT CAST(effective_date AS TEXT), CAST(received_at AS TEXT) FROM payments "
            "WHERE id = 2"
        ).one()
        connection.execute(text("DELETE FROM payments"))
    assert got.rows() == frame.select("id", "effective_date", "returned_date", "received_at").rows()
    assert tuple(stored) == (date(2026, 2, 2), None, datetime(2026, 11, 27, 12, 0, 0, 250, UTC))
    if container.engine.dialect.name == "sqlite":
        assert tuple(raw) == ("2026-02-02", "2026-11-27 12:00:00.000250")
