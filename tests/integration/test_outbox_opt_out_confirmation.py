"""After STOP, exactly one confirmation text reaches the number and nothing else does (47 CFR
64.1200(a)(12), FCC 24-18; 12 CFR 1006.14(h)): the federal pack's exemption lifts the opt-out
and consent rules for ``sms_opt_out_confirmation`` alone, within five minutes, once."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import text

from arrears.adapters.channels.webhook_signature import sign
from arrears.bootstrap import Container
from arrears.entrypoints.api.sms_webhooks import router
from arrears.services.sending import send_due
from support.channels import SmsProvider
from support.outbox import enqueue, gate_rows, import_texas, outbox_rows, sender, sms_channel

SECRET = "webhook-secret"
NUMBER = "+15125550001"
CONFIRMATION = "sms_opt_out_confirmation"


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_texas(container, tmp_path, 2)
    container.settings = container.settings.model_copy(
        update={"sms_webhook_secret": SecretStr(SECRET)}
    )
    return container


def stop(book: Container, *, event_id: str = "evt-stop", words: str = "STOP") -> None:
    """The borrower of TL1 replies STOP, through the signed webhook."""
    app = FastAPI()
    app.state.container = book
    app.include_router(router)
    body = json.dumps({"event_id": event_id, "type": "message.inbound", "from": NUMBER,
                       "text": words}).encode()  # fmt: skip
    header = sign(body, secret=SECRET, timestamp=int(book.clock.now().timestamp()))
    response = TestClient(app).post("/webhooks/sms", content=body, headers={"X-Signature": header})
    assert response.json() == {"received": "inbound", "opted_out": True}


def confirmations(book: Container) -> list[dict]:
    return [row for row in outbox_rows(book) if row["template"] == CONFIRMATION]


def texts_to(provider: SmsProvider, number: str) -> list[dict]:
    return [m for m in provider.state.accepted.values() if m["to"] == number]


def test_exactly_one_confirmation_is_sent_after_stop_and_nothing_else(book: Container) -> None:
    """STOP queues one confirmation; it goes out; a reminder to the number and a second
    confirmation are both blocked by the opt-out; a second STOP adds nothing."""
    stop(book)
    (queued,) = confirmations(book)
    assert queued["status"] == "queued"
    with SmsProvider() as provider:
        build = sender(book, {"sms": sms_channel(provider.endpoint)})
        assert send_due(build) == {"sent": 1}
        (sent,) = texts_to(provider, NUMBER)
        assert "you will not receive any more text messages from us" in sent["body"]
        assert not {"debt", "$", "pay"} & set(sent["body"].lower().replace(".", " ").split())
        reminder = enqueue(book, "TL1", "sms", key="after-stop")
        again = enqueue(book, "TL1", "sms", template=CONFIRMATION, category="notice",
                        key="second-confirmation")  # fmt: skip
        stop(book, event_id="evt-stop-2", words="stop please")
        assert send_due(build) == {}
        assert len(texts_to(provider, NUMBER)) == 1
    assert (reminder.status, again.status) == ("blocked", "blocked")
    rows = {row["id"]: row for row in outbox_rows(book)}
    for blocked in (reminder, again):
        rules = set(json.loads(rows[blocked.message_id]["blocked_rules"]))
        assert {"us.medium_opt_out", "us.tcpa.sms_consent"} <= rules
    assert [row["status"] for row in confirmations(book)] == ["sent", "blocked"]


def test_the_confirmations_decisions_name_the_exemption_and_its_source(book: Container) -> None:
    """Both gate decisions on the confirmation are allowed and recorded; the audit trail says
    which exemption lifted which rules, with the FCC source, for each decision."""
    stop(book)
    with SmsProvider() as provider:
        assert send_due(sender(book, {"sms": sms_channel(provider.endpoint)})) == {"sent": 1}
    (row,) = confirmations(book)
    refs = json.loads(row["gate_decisions"])
    decisions = {f"gate_decisions:{d['id']}": d for d in gate_rows(book)}
    assert [(decisions[r]["stage"], decisions[r]["allowed"]) for r in refs] == [
        ("queue", True), ("send", True),
    ]  # fmt: skip
    with book.engine.connect() as connection:
        audited = connection.execute(
            text(
                "SELECT entity_id, details FROM audit_log WHERE action = 'compliance.exemption' "
                "ORDER BY id"
            )
        ).all()
    assert [f"gate_decisions:{entity}" for entity, _ in audited] == refs
    for _, details in audited:
        found = json.loads(details) if isinstance(details, str) else details
        assert found["exemption"] == "us.tcpa.opt_out_confirmation"
        assert found["template"] == CONFIRMATION
        assert "64.1200(a)(12)" in found["source"]


def test_a_confirmation_that_waited_past_five_minutes_is_not_sent(book: Container) -> None:
    """FCC 24-18: the confirmation is sent within five minutes of the request; later, the
    opt-out blocks it like any other text."""
    stop(book)
    book.clock.advance(timedelta(minutes=5, seconds=1))  # type: ignore[attr-defined]
    with SmsProvider() as provider:
        assert send_due(sender(book, {"sms": sms_channel(provider.endpoint)})) == {"blocked": 1}
        assert provider.state.accepted == {}
    (row,) = confirmations(book)
    assert row["status"] == "blocked"
    assert "us.medium_opt_out" in json.loads(row["blocked_rules"])


def test_the_other_borrowers_number_is_untouched(book: Container) -> None:
    """The opt-out and its exemption concern one number: TL2's texts go out as before."""
    stop(book)
    enqueue(book, "TL2", "sms")
    with SmsProvider() as provider:
        assert send_due(sender(book, {"sms": sms_channel(provider.endpoint)})) == {"sent": 2}
        assert len(texts_to(provider, "+15125550002")) == 1
