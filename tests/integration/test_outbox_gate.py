"""The gate before sending: a hold placed after queueing stops the message, every message that
went out has an allowed decision recorded at the send stage, and an inconvenient hour makes a
message wait rather than blocking it (DESIGN §5; 12 CFR 1006.6(b)(1))."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.domain.holds import HoldKind
from arrears.services.holds import HoldRequest, place_hold
from arrears.services.sending import send_due
from support.channels import SmsProvider, SmtpSink
from support.outbox import (
    email_channel,
    enqueue,
    gate_rows,
    import_texas,
    outbox_rows,
    sender,
    sms_channel,
)


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_texas(container, tmp_path, 3)
    return container


def test_a_hold_placed_after_queueing_blocks_the_message_before_it_is_sent(
    book: Container,
) -> None:
    queued = enqueue(book, "TL1", "email")
    assert queued.status == "queued"
    place_hold(HoldRequest(kind=HoldKind.BANKRUPTCY, reason="chapter 7 filed", set_by="test",
                           loan="TL1", chapter="7"),
               uow_factory=book.uow, clock=book.clock)  # fmt: skip
    with SmtpSink() as sink:
        outcomes = send_due(sender(book, {"email": email_channel(book, sink.port)}))
    assert outcomes == {"blocked": 1}
    assert sink.received == []
    (row,) = outbox_rows(book)
    assert row["status"] == "blocked"
    assert json.loads(row["blocked_rules"]) == ["us.holds.bankruptcy"]
    assert "11 U.S.C. 362" in row["blocked_reasons"]
    stages = [(d["stage"], d["allowed"]) for d in gate_rows(book)
              if d["reference"] == f"outbox:{row['id']}"]  # fmt: skip
    assert stages == [("queue", True), ("send", False)]


def test_every_message_that_went_out_has_an_allowed_send_decision(book: Container) -> None:
    for loan, channel in (("TL1", "email"), ("TL2", "sms"), ("TL3", "letter")):
        enqueue(book, loan, channel)
    with SmtpSink() as sink, SmsProvider() as provider:
        channels = {"email": email_channel(book, sink.port), "sms": sms_channel(provider.endpoint)}
        assert send_due(sender(book, channels)) == {"sent": 3}
    decisions = {f"gate_decisions:{d['id']}": d for d in gate_rows(book)}
    for row in outbox_rows(book):
        refs = json.loads(row["gate_decisions"])
        sends = [decisions[r] for r in refs if decisions[r]["stage"] == "send"]
        assert len(sends) == 1, row["channel"]
        assert sends[0]["allowed"]
        assert sends[0]["reference"] == f"outbox:{row['id']}"
        assert sends[0]["at"] <= row["sent_at"]


def test_an_inconvenient_hour_makes_a_text_wait_not_fail(book: Container) -> None:
    """At 4 a.m. in Austin the gate says not now: the text stays queued without using a try,
    and goes out once it is a convenient hour."""
    enqueue(book, "TL1", "sms")
    book.clock.set(datetime(2026, 11, 28, 10, tzinfo=UTC))  # type: ignore[attr-defined]
    with SmsProvider() as provider:
        build = sender(book, {"sms": sms_channel(provider.endpoint)})
        assert send_due(build) == {"waiting": 1}
        (row,) = outbox_rows(book)
        assert (row["status"], row["attempts"]) == ("queued", 0)
        assert "quiet_hours" in row["last_error"]
        assert provider.state.accepted == {}
        book.clock.advance(timedelta(hours=6))  # type: ignore[attr-defined]
        assert send_due(build) == {"sent": 1}
    assert len(provider.state.texts_to_phones) == 1
