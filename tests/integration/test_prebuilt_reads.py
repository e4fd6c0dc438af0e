"""``Prebuilt`` reads give the same rows as SQLAlchemy's own execution, on both backends: plain
and expanding parameters (an empty list too), values the statement carries itself, columns
with a result processor (``UTCDateTime``), unnamed columns, and the connection's own transaction
(a write not yet committed is seen; a read with no transaction begun starts one); and the
reads that replaced one query per item by one for all of them (decisions, collateral)."""

from __future__ import annotations

from datetime import date
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, bindparam, create_engine, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from arrears.adapters.db import schema
from arrears.adapters.db.cycle_store import SqlCycleStore
from arrears.adapters.db.failures import as_storage_error
from arrears.adapters.db.prebuilt import Prebuilt
from arrears.adapters.db.schema_cycle import decision_items, decisions
from arrears.adapters.db.web_store import SqlWebStore
from arrears.bootstrap import Container
from support.db import SEEDED_AT, seed_borrowers

borrowers, loans, payments = schema.borrowers, schema.loans, schema.payments

BY_ID = Prebuilt(select(borrowers).where(borrowers.c.id == bindparam("id")))
BY_IDS = Prebuilt(
    select(borrowers.c.id, borrowers.c.last_name, borrowers.c.created_at)
    .where(borrowers.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(borrowers.c.id)
)
TOTALS = Prebuilt(
    select(payments.c.status, func.sum(payments.c.amount_minor), func.count())
    .where(
        payments.c.loan_id == bindparam("loan_id"), payments.c.status.in_(("posted", "returned"))
    )
    .group_by(payments.c.status)
    .order_by(payments.c.status)
)
AT = SEEDED_AT


def _sqlalchemy(connection: Connection, prebuilt: Prebuilt, params: dict[str, Any]) -> list[Any]:
    result = connection.execute(prebuilt.statement, params)
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]


def _seed(connection: Connection) -> int:
    seed_borrowers(connection)
    connection.execute(
        insert(loans).values(
            id=7, external_id="L-7", borrower_id=1, product="personal", currency="USD",
            principal_minor=100_000, annual_rate_micros=120_000, term_months=12,
            origination_date=date(2026, 1, 5), first_due_date=date(2026, 2, 5), status="open",
            contract_state="MA", contract_type="installment", content_hash="h", created_at=AT,
            updated_at=AT,
        )
    )  # fmt: skip
    for n, (amount, status) in enumerate([(500, "posted"), (700, "posted"), (300, "returned"),
                                          (900, "reversed")], start=1):  # fmt: skip
        connection.execute(
            insert(payments).values(
                id=n, external_id=f"P-{n}", loan_id=7, amount_minor=amount,
                effective_date=date(2026, 3, n), method="ach", status=status, source="import",
                received_at=AT,
            )
        )  # fmt: skip
    return 7


def test_the_same_rows_as_sqlalchemy_gives(container: Container) -> None:
    with container.engine.connect() as connection:
        connection.begin()
        loan_id = _seed(connection)  # not committed: the reads must see it all the same
        cases: list[tuple[Prebuilt, dict[str, Any]]] = [
            (BY_ID, {"id": 2}),
            (BY_ID, {"id": 99}),
            (BY_IDS, {"ids": [3, 1]}),
            (BY_IDS, {"ids": (2,)}),
            (BY_IDS, {"ids": []}),
            (TOTALS, {"loan_id": loan_id}),
        ]
        for prebuilt, params in cases:
            assert prebuilt.rows(connection, params) == _sqlalchemy(connection, prebuilt, params)
        created = BY_IDS.rows(connection, {"ids": [1]})[0]["created_at"]
        assert created == AT
        assert created.tzinfo is not None
        assert [row[:2] for row in TOTALS.tuples(connection, {"loan_id": loan_id})] == [
            ("posted", 1_200),
            ("returned", 300),
        ]
        connection.rollback()


def test_one_row_or_none_and_never_two(container: Container) -> None:
    with container.engine.connect() as connection:
        connection.begin()
        _seed(connection)
        found = BY_ID.one(connection, {"id": 1})
        assert found is not None
        assert found["last_name"] == "Díaz 1"
        assert BY_ID.one(connection, {"id": 42}) is None
        with pytest.raises(ValueError, match="at most one row"):
            BY_IDS.one(connection, {"ids": [1, 2]})
        connection.rollback()


def test_reads_of_one_connection_share_a_cursor_that_goes_with_the_connection(
    container: Container,
) -> None:
    """On PostgreSQL one cursor serves every read of a connection, across units of work; a
    statement that fails does not spoil it for the next transaction, and a connection the pool
    throws away takes its cursor with it."""
    if container.engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads go through SQLAlchemy's own execution")
    cursors = []
    for _ in range(2):
        with container.engine.connect() as connection:
            connection.begin()
            _seed(connection)
            assert BY_ID.one(connection, {"id": 1}) is not None
            assert BY_IDS.rows(connection, {"ids": [1, 2]})[1]["id"] == 2
            cursors.append(connection.connection.info["arrears.prebuilt.cursors"][0])
            connection.rollback()
    assert cursors[0] is cursors[1], "the same pooled connection, the same cursor"
    with container.engine.connect() as connection:
        connection.begin()
        with pytest.raises(DBAPIError) as failed:  # as SQLAlchemy raises it for its own
            BY_ID.rows(connection, {"id": "not a number"})
        assert isinstance(failed.value.orig, psycopg.errors.InvalidTextRepresentation)
        assert not failed.value.connection_invalidated
        connection.rollback()
        assert BY_ID.rows(connection, {"id": 1}) == []
        connection.rollback()
        connection.invalidate()  # as the pool does when the server has gone away
    with container.engine.connect() as connection:
        assert BY_ID.rows(connection, {"id": 1}) == []
        fresh = connection.connection.info["arrears.prebuilt.cursors"][0]
        assert fresh is not cursors[0]
        assert fresh.connection is connection.connection.driver_connection
        connection.rollback()


def test_a_read_on_a_connection_the_server_ended_is_the_database_unreachable(
    container: Container,
) -> None:
    """The server ended the pooled connection's process (a restart, an administrator) a moment
    after its last use: the next read fails as SQLAlchemy's own statements would, the
    connection is invalidated (not handed out again), the API would answer 503, and the next
    unit of work gets a new connection."""
    if container.engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads go through SQLAlchemy's own execution")
    with container.engine.connect() as connection:
        gone = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        connection.rollback()
    admin = create_engine(container.engine.url)  # not a connection of the pool under test
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": gone}).scalar()
        connection.commit()
    admin.dispose()
    ended = None
    with container.engine.connect() as connection:  # the ended one, back a moment ago
        try:
            BY_ID.rows(connection, {"id": 1})
        except DBAPIError as failed:
            ended = failed
    assert ended is not None, "a read on the ended connection failed"
    assert ended.connection_invalidated
    storage = as_storage_error(ended)
    assert storage is not None
    assert "cannot be reached" in str(storage)
    with container.engine.connect() as connection:
        assert BY_ID.rows(connection, {"id": 1}) == []
        connection.rollback()


def test_a_read_with_no_transaction_begun_belongs_to_the_next_one(container: Container) -> None:
    with container.engine.connect() as connection:
        assert BY_ID.rows(connection, {"id": 1}) == []
        assert connection.in_transaction()  # so the unit of work's commit or rollback ends it
        connection.rollback()


def test_a_loans_decisions_newest_first_each_with_its_own_items(container: Container) -> None:
    """``decisions_for`` reads the latest decisions with their items in one read; a decision
    without items has none."""
    with container.engine.connect() as connection:
        connection.begin()
        for run_id, day in (
            (1, date(2026, 11, 24)),
            (2, date(2026, 11, 25)),
            (3, date(2026, 11, 26)),
        ):
            for loan_id in (7, 8):
                connection.execute(
                    insert(decisions).values(
                        run_id=run_id, loan_id=loan_id, as_of=day, dpd=run_id, bucket="1-29",
                        balance_minor=100, past_due_minor=10,
                    )
                )  # fmt: skip
                for rank, treatment in enumerate(("sms", "call")[: run_id % 2 + 1], start=1):
                    connection.execute(
                        insert(decision_items).values(
                            run_id=run_id, loan_id=loan_id, treatment=treatment, rank=rank,
                            rule=f"rule {run_id}.{rank}", status="planned",
                        )
                    )  # fmt: skip
        found = SqlCycleStore(connection).decisions_for(7, limit=2)
        assert [d["run_id"] for d in found] == [3, 2]
        assert [[i["treatment"] for i in d["items"]] for d in found] == [["sms", "call"], ["sms"]]
        assert {i["loan_id"] for d in found for i in d["items"]} == {7}
        assert found[0]["as_of"] == date(2026, 11, 26)
        assert found[0]["dpd"] == 3
        assert found[0]["items"][1]["rule"] == "rule 3.2"
        connection.execute(
            insert(decisions).values(
                run_id=4, loan_id=7, as_of=date(2026, 11, 27), dpd=0, bucket="current",
                balance_minor=100, past_due_minor=0,
            )
        )  # fmt: skip
        newest = SqlCycleStore(connection).decisions_for(7, limit=2)
        assert [(d["run_id"], len(d["items"])) for d in newest] == [(4, 0), (3, 2)]
        assert SqlCycleStore(connection).decisions_for(99) == []
        connection.rollback()


def test_a_loans_collateral_each_with_its_latest_valuation(container: Container) -> None:
    """``collateral`` reads the items and then every item's valuations in one more read: each
    item carries its newest valuation, or None when it has none."""
    with container.engine.connect() as connection:
        connection.begin()
        loan_id = _seed(connection)
        for n, kind in ((1, "vehicle"), (2, "property")):
            connection.execute(
                insert(schema.collateral).values(
                    id=n, external_id=f"C-{n}", loan_id=loan_id, kind=kind, content_hash="h",
                    created_at=AT, updated_at=AT,
                )
            )  # fmt: skip
        for n, (day, amount, source) in enumerate([(date(2026, 1, 5), 20_000_00, "origination"),
                                                   (date(2026, 9, 1), 14_500_00, "nada"),
                                                   (date(2026, 5, 1), 17_000_00, "kbb")],
                                                  start=1):  # fmt: skip
            connection.execute(
                insert(schema.valuations).values(
                    id=n, collateral_id=1, valued_on=day, amount_minor=amount, source=source,
                    created_at=AT,
                )
            )  # fmt: skip
        found = SqlWebStore(connection).collateral(loan_id)
        assert [item["external_id"] for item in found] == ["C-1", "C-2"]
        assert found[0]["valuation"] == {
            "valued_on": date(2026, 9, 1), "amount_minor": 14_500_00, "source": "nada",
        }  # fmt: skip
        assert found[1]["valuation"] is None
        assert SqlWebStore(connection).collateral(999) == []
        connection.rollback()
