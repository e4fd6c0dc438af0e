"""Reads sent together (``prebuilt.prefetch``, psycopg's pipeline mode on PostgreSQL) give the
rows each read gives alone, each once and only in the transaction that sent them; on SQLite
nothing is sent ahead. An account view (the API's, a collector's, the agent's and the
borrower's pages) prefetches once its loan is found and then reads every read it prefetched,
so a change to a view that stops making one of them fails here rather than costing a read
unseen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, bindparam, event, select, update

from arrears.adapters.db import schema
from arrears.adapters.db.prebuilt import Prebuilt, prefetch, prefetched_left
from arrears.bootstrap import Container
from arrears.services.account_pages import agent_page, portal_page
from arrears.services.account_view import account_view
from support.db import SEEDED_AT, run_import, seed_borrowers

borrowers = schema.borrowers

NAME_OF = Prebuilt(select(borrowers.c.last_name).where(borrowers.c.id == bindparam("id")))


def _borrowers_by_ids() -> Prebuilt:
    """A read never run before, so its result processors (``created_at``: ``UTCDateTime``)
    are chosen from what the pipeline answered."""
    return Prebuilt(
        select(borrowers.c.id, borrowers.c.last_name, borrowers.c.created_at)
        .where(borrowers.c.id.in_(bindparam("ids", expanding=True)))
        .order_by(borrowers.c.id)
    )


def _rename(connection: Connection, borrower_id: int, name: str) -> None:
    connection.execute(
        update(borrowers).where(borrowers.c.id == borrower_id).values(last_name=name)
    )


def _name(connection: Connection, borrower_id: int) -> Any:
    found = NAME_OF.one(connection, {"id": borrower_id})
    return found["last_name"] if found else None


def test_prefetched_reads_give_the_rows_each_read_gives_alone(container: Container) -> None:
    by_ids = _borrowers_by_ids()
    with container.engine.connect() as connection:
        connection.begin()
        seed_borrowers(connection)
        alone = [by_ids.rows(connection, {"ids": [3, 1]}), NAME_OF.rows(connection, {"id": 99})]
        prefetch(connection, [(_borrowers_by_ids(), {"ids": [1]})])  # another read: not taken
        fresh = _borrowers_by_ids()
        prefetch(connection, [(fresh, {"ids": [3, 1]}), (NAME_OF, {"id": 99})])
        # a list of ids in another order is the same set to the statement
        together = [fresh.rows(connection, {"ids": [1, 3]}), NAME_OF.rows(connection, {"id": 99})]
        assert together == alone
        assert together[0][0]["created_at"] == SEEDED_AT  # processed: an aware datetime
        assert together[0][0]["created_at"].tzinfo is not None
        assert prefetched_left(connection) == 0
        connection.rollback()


def test_a_prefetched_read_is_answered_once_and_in_its_own_transaction(
    container: Container,
) -> None:
    """What ``prefetch`` kept answers the first read (the rows as they were when it was sent),
    then the database answers; kept rows are never read in a later transaction."""
    if container.engine.dialect.name != "postgresql":
        pytest.skip("SQLite sends nothing ahead (the next test)")
    with container.engine.connect() as connection:
        connection.begin()
        seed_borrowers(connection)
        prefetch(connection, [(NAME_OF, {"id": 1}), (NAME_OF, {"id": 2})])
        assert prefetched_left(connection) == 2
        _rename(connection, 1, "Changed")
        assert _name(connection, 1) == "Díaz 1"  # the rows sent ahead
        assert _name(connection, 1) == "Changed"  # taken once; then the database
        assert prefetched_left(connection) == 1
        connection.commit()
        connection.begin()
        assert prefetched_left(connection) == 0
        _rename(connection, 2, "Other")
        assert _name(connection, 2) == "Other"  # the earlier transaction's rows are dropped
        connection.rollback()


def test_sqlite_reads_each_read_when_it_is_made(container: Container) -> None:
    if container.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL sends them ahead (the test above)")
    with container.engine.connect() as connection:
        connection.begin()
        seed_borrowers(connection)
        prefetch(connection, [(NAME_OF, {"id": 1})])
        _rename(connection, 1, "Changed")
        assert _name(connection, 1) == "Changed"
        assert prefetched_left(connection) == 0
        connection.rollback()


def _api_view(c: Container, **options: Any) -> None:
    account_view("L1", viewer="token:1", brief=True, **_common(c), **options)


def _common(c: Container) -> dict[str, Any]:
    return {"uow_factory": c.uow, "clock": c.clock, "settings": c.cycle_settings}


def _agent_page(c: Container) -> None:
    agent_page("L1", viewer="user:alice", **_common(c))


def _portal_page(c: Container) -> None:
    with c.uow() as uow:
        loan = uow.web.loan_header_by_ref("L1")
        assert loan is not None
    portal_page(int(loan["borrower_id"]), "L1", **_common(c))


VIEWS: dict[str, Callable[[Container], None]] = {
    "API account view": _api_view,
    "API account view with recovery": lambda c: _api_view(c, recovery=True),
    "collector's view": lambda c: account_view("L1", viewer="user:alice", **_common(c)),
    "agent's page": _agent_page,
    "borrower's page": _portal_page,
}


@pytest.mark.parametrize("kind", list(VIEWS))
def test_an_account_view_reads_every_read_it_prefetched(
    container: Container, portfolio_files: list[Path], kind: str
) -> None:
    """Counted when the view commits, before the commit ends its transaction."""
    run_import(container, portfolio_files)
    left: list[int] = []

    def at_commit(connection: Connection) -> None:
        left.append(prefetched_left(connection))

    event.listen(container.engine, "commit", at_commit)
    try:
        VIEWS[kind](container)
    finally:
        event.remove(container.engine, "commit", at_commit)
    assert left, "the view committed"
    assert left[-1] == 0, f"{kind}: {left[-1]} prefetched reads were not read"
