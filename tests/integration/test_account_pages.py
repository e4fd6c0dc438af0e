"""An account page's reads in one transaction (``services.account_pages``): the promises' and
plans' standing judged from the view's payments is the one their own reads give, the page is
audited once, the portal's visit is counted, and another borrower's account does not exist."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from arrears.bootstrap import Container
from arrears.errors import NotFoundError
from arrears.services.account_pages import agent_page, portal_page
from arrears.services.contacts import contact_history
from arrears.services.plans import PlanRequest, create_plan, show_plans
from arrears.services.promises import PromiseRequest, add_promise, promises_of
from arrears.services.settlement_offers import offers_list
from integration.conftest import WriteCsv
from support.db import run_import
from support.portfolio import TODAY


@pytest.fixture
def imported(container: Container, portfolio_files: list[Path], write_csv: WriteCsv) -> Container:
    """The small portfolio, a kept and a broken promise on L1 (paid, and paid short past its
    grace days) and a plan."""
    c = container
    run_import(c, portfolio_files)
    day = (TODAY - timedelta(days=4)).isoformat()
    payment = {"loan_id": "L1", "payment_id": "PG-1", "amount": "99.50", "effective_date": day}
    run_import(c, [write_csv("payments-page.csv", [payment])])
    for amount, made, due in (("100.00", 6, 3), ("400.00", 9, 5)):
        add_promise(
            PromiseRequest(loan="L1", amounts=[(TODAY - timedelta(days=due), amount)],
                           made_by="agent7", made_on=TODAY - timedelta(days=made)),
            uow_factory=c.uow, clock=c.clock,
        )  # fmt: skip
    create_plan(
        PlanRequest(loan="L1", amount="300.00", periods=3, created_by="agent7",
                    first_due_on=TODAY),
        uow_factory=c.uow, clock=c.clock,
    )  # fmt: skip
    return c


def audit_actions(container: Container) -> list[str]:
    with container.engine.connect() as connection:
        rows = connection.execute(text("SELECT action FROM audit_log ORDER BY id"))
        return list(rows.scalars())


def test_the_agent_page_matches_each_part_read_on_its_own(imported: Container) -> None:
    c = imported
    before = audit_actions(c)
    page = agent_page("L1", viewer="user:alice", uow_factory=c.uow, clock=c.clock,
                      settings=c.cycle_settings)  # fmt: skip
    assert audit_actions(c)[len(before) :] == ["account.viewed"]
    promises = promises_of("L1", uow_factory=c.uow, clock=c.clock)
    assert page.promises == promises
    assert {e.status.value for _, e in page.promises} == {"kept", "broken"}
    plans = show_plans("L1", uow_factory=c.uow, clock=c.clock)
    assert page.plans == plans
    assert len(page.plans) == 1
    contacts = list(reversed(contact_history("L1", uow_factory=c.uow, limit=20)))
    assert page.contacts == contacts
    assert page.offers == offers_list(ref="L1", uow_factory=c.uow)
    assert page.view.recovery is not None, "the agent's page has the recovery panel"


def test_the_portal_page_counts_the_visit_and_keeps_to_the_borrowers_own(
    imported: Container,
) -> None:
    c = imported
    with c.engine.connect() as connection:
        owner, loan_id = connection.execute(
            text("SELECT borrower_id, id FROM loans WHERE external_id = 'L1'")
        ).one()
    page = portal_page(owner, "L1", uow_factory=c.uow, clock=c.clock, settings=c.cycle_settings)
    assert page.view.compliance is None, "a borrower does not see the collector's side"
    assert [(p.id, e) for p, e in page.plans] == [
        (p.id, e) for p, e in show_plans("L1", uow_factory=c.uow, clock=c.clock)
    ]
    with c.engine.connect() as connection:
        visits = connection.execute(
            text("SELECT borrower_id, loan_id FROM funnel_events WHERE event = 'visit'")
        ).all()
    assert [tuple(v) for v in visits] == [(owner, loan_id)]
    before = audit_actions(c)
    with pytest.raises(NotFoundError):
        portal_page(owner, "L2", uow_factory=c.uow, clock=c.clock, settings=c.cycle_settings)
    assert audit_actions(c) == before, "nothing is recorded for an account that is not theirs"
