"""Account views are answered without waiting for the disk; what changes an account waits for
it (docs/adr/0014). On PostgreSQL a view's transaction turns ``synchronous_commit`` off for
itself alone, and its audit record is written all the same, in a view lane (ADR 0015), where
it never waits for the lane lock of a change that waits for the disk; a logged call, a promise
or any other change commits as before. SQLite is unchanged but for the lanes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text

from arrears.adapters.db.audit_store import LANES, lane_of
from arrears.bootstrap import Container
from arrears.domain.contact_log import Channel, Outcome
from arrears.services.account_pages import agent_page, portal_page
from arrears.services.account_view import account_view
from arrears.services.contacts import ContactEntry, log_contact
from support.db import run_import

RELAX = "SET LOCAL synchronous_commit TO OFF"


@pytest.fixture
def sent(container: Container, portfolio_files: list[Path]) -> Iterator[list[str]]:
    """The statements sent from here on (the book imported first)."""
    run_import(container, portfolio_files)
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(container.engine, "before_cursor_execute", record)
    yield statements
    event.remove(container.engine, "before_cursor_execute", record)


def _views_recorded(container: Container) -> int:
    with container.engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT COUNT(*) FROM audit_log WHERE action = 'account.viewed'")
            ).scalar_one()
        )


def test_views_do_not_wait_for_the_disk_and_are_still_audited(
    container: Container, sent: list[str]
) -> None:
    c = container
    common = {"uow_factory": c.uow, "clock": c.clock, "settings": c.cycle_settings}
    account_view("L1", viewer="token:1", brief=True, **common)  # type: ignore[arg-type]
    agent_page("L1", viewer="user:alice", **common)  # type: ignore[arg-type]
    with c.uow() as uow:
        borrower = int(uow.web.loan_header_by_ref("L1")["borrower_id"])  # type: ignore[index]
    portal_page(borrower, "L1", **common)  # type: ignore[arg-type]
    relaxed = sent.count(RELAX)
    assert relaxed == (3 if c.engine.dialect.name == "postgresql" else 0)
    assert _views_recorded(c) == 3


def test_a_change_to_an_account_waits_for_the_disk(container: Container, sent: list[str]) -> None:
    log_contact(
        ContactEntry(loan="L1", channel=Channel.CALL, outcome=Outcome.NO_ANSWER,
                     actor="agent7", at=container.clock.now()),
        uow_factory=container.uow, clock=container.clock,
    )  # fmt: skip
    assert any("INSERT INTO" in s and "contacts" in s for s in sent)
    assert RELAX not in sent


def _lanes_of(container: Container, action: str) -> set[int]:
    with container.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT lane FROM audit_log WHERE action = :action"), {"action": action}
        )
        return {int(lane) for (lane,) in rows}


def _loan_id(container: Container, ref: str) -> int:
    with container.uow() as uow:
        return int(uow.web.loan_header_by_ref(ref)["id"])  # type: ignore[index]


def test_views_and_changes_are_chained_in_lanes_of_their_own(
    container: Container, sent: list[str]
) -> None:
    """The same account's view and change land in different lanes, on both backends (the lane
    is part of an entry's hash, so the chains must not depend on the database)."""
    c = container
    common = {"uow_factory": c.uow, "clock": c.clock, "settings": c.cycle_settings}
    account_view("L1", viewer="token:1", brief=True, **common)  # type: ignore[arg-type]
    log_contact(
        ContactEntry(loan="L1", channel=Channel.CALL, outcome=Outcome.NO_ANSWER,
                     actor="agent7", at=c.clock.now()),
        uow_factory=c.uow, clock=c.clock,
    )  # fmt: skip
    loan = str(_loan_id(c, "L1"))
    assert _lanes_of(c, "account.viewed") == {lane_of("loan", loan, durable=False)}
    changed = _lanes_of(c, "contact.logged")
    assert changed
    assert all(lane < LANES for lane in changed), "changes stay in the durable lanes"
    with c.uow() as uow:
        assert uow.audit.verify() == []


@pytest.mark.timeout(60)
def test_a_view_does_not_wait_behind_a_change_to_the_same_account(
    container: Container, sent: list[str]
) -> None:
    """A change holds its lane's lock from its append until its commit is on disk (a stalled
    flush: hundreds of milliseconds). A view of the same account, meanwhile, is answered."""
    c = container
    if c.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer at a time in, whatever the lanes")
    common = {"uow_factory": c.uow, "clock": c.clock, "settings": c.cycle_settings}
    answered = threading.Event()

    def view() -> None:
        account_view("L1", viewer="token:1", brief=True, **common)  # type: ignore[arg-type]
        answered.set()

    with c.uow() as change:
        change.audit.record(
            at=c.clock.now(), actor="agent7", action="test.changed", entity_type="loan",
            entity_id=str(_loan_id(c, "L1")),
        )  # fmt: skip
        change.audit.flush()  # the lane is locked now, until this transaction ends
        viewer = threading.Thread(target=view)
        viewer.start()
        try:
            assert answered.wait(timeout=15), "the view waited for the change's lane lock"
        finally:
            change.commit()
            viewer.join()
