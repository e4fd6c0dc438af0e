"""``check_contact`` returns the id of the ``gate_decisions`` row it wrote, and the outbox keeps
exactly that decision (not one looked up again by reference): DESIGN §5, every message that
goes out has its own recorded, allowed decision."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from arrears import bootstrap
from arrears.bootstrap import Container
from arrears.compliance.gate import evaluate
from arrears.compliance.model import GateDecision, Proposal, Stage
from arrears.domain.contact_log import Channel
from arrears.domain.holds import ActionCategory
from arrears.services.compliance import check_contact, gather_facts
from arrears.services.outbox import MessageRequest, Messaging, enqueue_message
from arrears.services.ports import UnitOfWork
from support.outbox import gate_rows, ids, import_texas, outbox_rows
from support.portfolio import TODAY


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_texas(container, tmp_path, 1)
    return container


def test_check_contact_returns_the_id_of_the_row_it_recorded(book: Container) -> None:
    """Each call records its own row and returns that row's id, whatever the stage."""
    loan_id, _ = ids(book, "TL1")
    proposal = Proposal(loan_id=loan_id, channel=Channel.LETTER,
                        category=ActionCategory.CONTACT, template="payment_reminder",
                        reference="test:1")  # fmt: skip
    with book.uow() as uow:
        first = check_contact(uow, proposal, at=book.clock.now(), stage=Stage.CHECK)
        second = check_contact(uow, proposal, at=book.clock.now(), stage=Stage.QUEUE)
        uow.commit()
    rows = {row["id"]: row for row in gate_rows(book)}
    assert first.decision_id is not None
    assert second.decision_id is not None
    assert first.decision_id != second.decision_id
    assert rows[first.decision_id]["stage"] == "check"
    assert rows[second.decision_id]["stage"] == "queue"
    assert rows[second.decision_id]["allowed"]
    assert first.allowed
    assert first.blocked_by == second.blocked_by


def enqueue_with(book: Container, gate) -> tuple[dict, list[dict]]:
    loan_id, borrower_id = ids(book, "TL1")
    messaging: Messaging = replace(bootstrap.messaging(book), gate=gate)
    request = MessageRequest(loan_id=loan_id, borrower_id=borrower_id, channel="letter",
                             template="payment_reminder", category="contact", as_of=TODAY,
                             idempotency_key="decision-ids")  # fmt: skip
    with book.uow() as uow:
        enqueue_message(uow, request, at=book.clock.now(), messaging=messaging)
        uow.commit()
    (row,) = outbox_rows(book)
    return row, gate_rows(book)


def test_the_outbox_keeps_the_decision_the_gate_returned(book: Container) -> None:
    """A gate that records its decision under no reference: the message still keeps that
    decision, by the id the gate returned."""

    def unreferenced(uow: UnitOfWork, proposal: Proposal, *, at: datetime, stage: Stage):
        return check_contact(uow, replace(proposal, reference=None), at=at, stage=stage)

    row, decisions = enqueue_with(book, unreferenced)
    (decision,) = decisions
    assert decision["reference"] is None
    assert row["status"] == "queued"
    assert json.loads(row["gate_decisions"]) == [f"gate_decisions:{decision['id']}"]


def test_a_decision_the_gate_did_not_record_stops_the_message(book: Container) -> None:
    """No recorded decision, no message (``gate.unrecorded``), even when the gate allowed it."""

    def unrecorded(uow: UnitOfWork, proposal: Proposal, *, at: datetime, stage: Stage):
        profile = uow.gate.loan_profile(proposal.loan_id)
        assert profile is not None
        facts = gather_facts(uow, profile, at=at, settings=book.cycle_settings.compliance)
        decision: GateDecision = evaluate(proposal, facts, at=at)
        assert decision.allowed
        return decision

    row, decisions = enqueue_with(book, unrecorded)
    assert decisions == []
    assert row["status"] == "blocked"
    assert json.loads(row["blocked_rules"]) == ["gate.unrecorded"]
