"""The cycle's reminders and offers carry no details: the outbox derives them from what is
stored — the next payment of the active promise, the next plan installment, the standard plan
for the amount past due — and blocks the message with the reason when there is nothing to say."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.services.cycle import run_cycle
from arrears.services.plans import PlanRequest, create_plan
from arrears.services.promises import PromiseRequest, add_promise
from support.db import run_import
from support.outbox import enqueue, outbox_rows
from support.portfolio import TODAY


@pytest.fixture
def cycled(container: Container, portfolio_files: list[Path]) -> Container:
    """The small portfolio after the day's cycle: L1 (Ana, Spanish, Boston) is 104 days late."""
    run_import(container, portfolio_files)
    run_cycle(as_of=TODAY, uow_factory=container.uow, clock=container.clock,
              settings=container.cycle_settings)  # fmt: skip
    return container


def stored(container: Container, message_id: int) -> dict:
    return next(row for row in outbox_rows(container) if row["id"] == message_id)


def test_a_promise_reminder_names_the_next_promised_payment(cycled: Container) -> None:
    """The first promised payment still to come, in the borrower's language (Spanish)."""
    add_promise(
        PromiseRequest(loan="L1", amounts=[(TODAY + timedelta(days=7), "150.00"),
                                           (TODAY + timedelta(days=21), "100.00")],
                       made_by="agent7"),
        uow_factory=cycled.uow, clock=cycled.clock,
    )  # fmt: skip
    queued = enqueue(cycled, "L1", "sms", template="promise_reminder")
    assert queued.status == "queued", queued.reasons
    row = stored(cycled, queued.message_id)
    details = json.loads(row["context"])["details"]
    assert details == {"promise": {"date": "2026-12-04", "amount_minor": 15_000}}
    assert "$150.00 a más tardar el 4 de diciembre de 2026" in row["body_text"]


def test_without_an_active_promise_the_reminder_is_blocked_with_the_reason(
    cycled: Container,
) -> None:
    """Nothing to remind of: blocked as a template failure that says so, never sent blank."""
    blocked = enqueue(cycled, "L1", "sms", template="promise_reminder")
    assert blocked.status == "blocked"
    row = stored(cycled, blocked.message_id)
    assert json.loads(row["blocked_rules"]) == ["template.render"]
    assert "no active promise" in row["blocked_reasons"]


def test_a_plan_reminder_names_the_next_installment(cycled: Container) -> None:
    """A plan of 3 × $100.00 from five days out: the reminder names installment 1 of 3."""
    create_plan(
        PlanRequest(loan="L1", amount="300.00", periods=3,
                    first_due_on=TODAY + timedelta(days=5), created_by="agent7"),
        uow_factory=cycled.uow, clock=cycled.clock,
    )  # fmt: skip
    queued = enqueue(cycled, "L1", "email", template="plan_installment_reminder")
    assert queued.status == "queued", queued.reasons
    row = stored(cycled, queued.message_id)
    installment = json.loads(row["context"])["details"]["installment"]
    assert installment == {"number": 1, "of": 3, "date": "2026-12-02", "amount_minor": 10_000}
    assert "la cuota 1 de 3" in row["body_text"]


def test_a_plan_offer_spreads_the_amount_past_due_exactly(cycled: Container) -> None:
    """Three monthly parts in minor units summing exactly to the amount past due on the cycle's day."""
    queued = enqueue(cycled, "L1", "letter", template="payment_plan_offer", category="offer")
    assert queued.status == "queued", queued.reasons
    row = stored(cycled, queued.message_id)
    context = json.loads(row["context"])
    offer = context["details"]["plan_offer"]
    past_due = context["amounts"]["past_due"]
    assert past_due > 0
    assert sum(i["amount_minor"] for i in offer["installments"]) == offer["total_minor"] == past_due
    assert len(offer["installments"]) == 3
    assert "Un plan de pagos para su cuenta" in row["body_html"]


def test_details_the_caller_gives_are_kept(cycled: Container) -> None:
    """Derived details only fill in for a caller that gave none."""
    given = {"promise": {"date": "2026-12-10", "amount_minor": 4_200}}
    queued = enqueue(cycled, "L1", "sms", template="promise_reminder", details=given)
    assert queued.status == "queued", queued.reasons
    assert json.loads(stored(cycled, queued.message_id)["context"])["details"] == given
