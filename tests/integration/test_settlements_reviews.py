"""The cycle's recovery review items start the workflows when approved: a settlement offer, an
agency placement, a legal referral; a refused workflow leaves the item pending with the rule."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from arrears.adapters.db.schema_cycle import actions
from arrears.bootstrap import Container
from arrears.domain.agencies.model import Agency, parse_fees
from arrears.errors import ConflictError, RuleViolation
from arrears.services.agency_placement import add_agency
from arrears.services.recovery_reviews import decide_recovery_review
from support.recovery import AGENT, SUPERVISOR, import_book, loan_id, recovery_of

QUEUES = {"settlement_offer": "offers", "agency_placement_review": "agency",
          "legal_referral_review": "legal"}  # fmt: skip


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_book(container, tmp_path / "book")
    add_agency(Agency(code="ACME", name="Acme", tier=1, fees=parse_fees("0:0.2,366:0.35"),
                      capacity=10, states=frozenset({"MA", "CA", "TX"})), actor=AGENT,
               uow_factory=container.uow, clock=container.clock)  # fmt: skip
    return container


def review(c: Container, ref: str, treatment: str) -> int:
    """A review item as the daily cycle writes it."""
    target = loan_id(c, ref)
    with c.uow() as uow:
        borrower = uow.gate.loan_profile(target).borrower_id
        action_id = uow.connection.execute(
            insert(actions).values(
                run_id=None, loan_id=target, borrower_id=borrower, treatment=treatment,
                kind="review", category="review", queue=QUEUES[treatment], priority=0,
                status="pending", due_on=c.clock.today(), created_at=c.clock.now(),
                updated_at=c.clock.now(), details="{}",
            ).returning(actions.c.id)
        ).scalar_one()  # fmt: skip
        uow.commit()
    return int(action_id)


def decide(c: Container, action_id: int, *, approve: bool = True):  # type: ignore[no-untyped-def]
    return decide_recovery_review(action_id, approve=approve, note="ok", actor=SUPERVISOR,
                                  uow_factory=c.uow, clock=c.clock, recovery=recovery_of(c))  # fmt: skip


def status_of(c: Container, action_id: int) -> tuple[str, dict[str, object]]:
    with c.engine.connect() as connection:
        row = connection.execute(
            select(actions.c.status, actions.c.details).where(actions.c.id == action_id)
        ).one()
    return row.status, json.loads(row.details)


def test_approving_the_reviews_starts_each_workflow(book: Container) -> None:
    offer = decide(book, review(book, "R1", "settlement_offer"))
    assert offer["offer_status"] == "drafted"  # 40% off: beyond a supervisor, waits for a manager
    placed = decide(book, review(book, "R2", "agency_placement_review"))
    referred = decide(book, review(book, "R6", "legal_referral_review"))
    with book.uow() as uow:
        stored = uow.settlements.get(offer["offer_id"])
        assert stored.discount == Decimal("0.4")
        assert stored.review_action_id is not None
        assert uow.agencies.placement(placed["placement_id"]).status.value == "placed"
        assert uow.legal.case(referred["case_id"]).status.value == "open"
    status, details = status_of(book, placed["action_id"])
    assert status == "approved"
    assert details["placement_id"] == placed["placement_id"]


def test_a_refused_workflow_leaves_the_item_pending_and_says_why(book: Container) -> None:
    action_id = review(book, "R3", "legal_referral_review")
    with pytest.raises(RuleViolation) as refused:
        decide(book, action_id)
    assert "1006.26(b)" in str(refused.value)
    assert status_of(book, action_id)[0] == "pending"


def test_a_rejected_item_is_recorded_once(book: Container) -> None:
    action_id = review(book, "R1", "settlement_offer")
    assert decide(book, action_id, approve=False)["status"] == "rejected"
    with pytest.raises(ConflictError):
        decide(book, action_id)
    target = loan_id(book, "R1")
    with book.uow() as uow:
        assert uow.settlements.for_loan(target) == []
