"""SMS through a real local HTTP provider, and its webhook: delivery, receipts, a refused
number, a forged webhook refused, and STOP revoking consent at once (TCPA, FCC 24-18)."""

from __future__ import annotations

import json
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
from support.outbox import enqueue, import_texas, outbox_rows, sender, sms_channel

SECRET = "webhook-secret"


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_texas(container, tmp_path, 3)
    container.settings = container.settings.model_copy(
        update={"sms_webhook_secret": SecretStr(SECRET)}
    )
    return container


@pytest.fixture
def client(book: Container) -> TestClient:
    app = FastAPI()
    app.state.container = book
    app.include_router(router)
    return TestClient(app)


def post(client: TestClient, book: Container, event: dict, *, secret: str = SECRET):
    body = json.dumps(event).encode()
    header = sign(body, secret=secret, timestamp=int(book.clock.now().timestamp()))
    return client.post("/webhooks/sms", content=body, headers={"X-Signature": header})


def scalar(book: Container, sql: str) -> object:
    with book.engine.connect() as connection:
        return connection.execute(text(sql)).scalar()


def test_a_text_reaches_the_provider_and_a_receipt_marks_it_delivered(
    book: Container, client: TestClient
) -> None:
    enqueue(book, "TL1", "sms")
    with SmsProvider() as provider:
        assert send_due(sender(book, {"sms": sms_channel(provider.endpoint)})) == {"sent": 1}
    (row,) = outbox_rows(book)
    (sent,) = provider.state.accepted.values()
    assert sent["to"] == "+15125550001"
    assert "Reply STOP to stop texts." in sent["body"]
    assert (row["status"], row["provider_message_id"]) == ("sent", sent["id"])
    event = {"event_id": "evt-1", "type": "message.status", "message_id": sent["id"],
             "status": "delivered"}  # fmt: skip
    assert post(client, book, event).json() == {"received": "receipt", "opted_out": False}
    assert post(client, book, event).json()["received"] == "duplicate"
    assert outbox_rows(book)[0]["status"] == "delivered"


def test_a_number_the_provider_refuses_is_a_bounce_that_invalidates_it(book: Container) -> None:
    enqueue(book, "TL2", "sms")
    with SmsProvider(invalid_numbers={"+15125550002"}) as provider:
        assert send_due(sender(book, {"sms": sms_channel(provider.endpoint)})) == {"bounced": 1}
    assert outbox_rows(book)[0]["status"] == "bounced"
    status = scalar(book, "SELECT status FROM contact_points WHERE value = '+15125550002'")
    assert status == "invalid"


def test_wrong_credentials_keep_the_text_queued_until_they_are_fixed(book: Container) -> None:
    """401 is the operator's to fix, not the borrower's: retried later, not dropped."""
    enqueue(book, "TL1", "sms")
    with SmsProvider(api_key="right") as provider:
        channel = sms_channel(provider.endpoint, api_key="wrong")
        assert send_due(sender(book, {"sms": channel})) == {"retry": 1}
    assert outbox_rows(book)[0]["status"] == "queued"


@pytest.mark.parametrize("secret", ["not-the-secret", None])
def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(
    book: Container, client: TestClient, secret: str | None
) -> None:
    event = {"event_id": "evt-9", "type": "message.inbound", "from": "+15125550001",
             "text": "STOP"}  # fmt: skip
    if secret is None:
        response = client.post("/webhooks/sms", content=json.dumps(event).encode())
    else:
        response = post(client, book, event, secret=secret)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert scalar(book, "SELECT COUNT(*) FROM outbox_events") == 0
    assert (
        scalar(book, "SELECT COUNT(*) FROM contact_points WHERE sms_opted_out_at IS NOT NULL") == 0
    )


def test_stop_revokes_consent_at_once_blocks_queued_texts_and_confirms_at_most_once(
    book: Container, client: TestClient
) -> None:
    """The number's consent ends with the reply; a text already queued for it is blocked with
    the reason; one confirmation is queued (the gate decides whether it goes); a second STOP
    changes nothing more; no later text to the number passes the gate."""
    queued = enqueue(book, "TL1", "sms")
    assert queued.status == "queued"
    event = {"event_id": "evt-2", "type": "message.inbound", "from": "+1 (512) 555-0001",
             "text": "Stop"}  # fmt: skip
    assert post(client, book, event).json() == {"received": "inbound", "opted_out": True}
    opted = scalar(book, "SELECT sms_opted_out_at FROM contact_points WHERE value = '+15125550001'")
    assert opted is not None
    rows = {row["id"]: row for row in outbox_rows(book)}
    assert rows[queued.message_id]["status"] == "blocked"
    assert "tcpa.revoked" in rows[queued.message_id]["blocked_rules"]
    confirmations = [r for r in rows.values() if r["template"] == "sms_opt_out_confirmation"]
    assert len(confirmations) == 1
    post(client, book, {**event, "event_id": "evt-3", "text": "STOP!!"})
    again = [r for r in outbox_rows(book) if r["template"] == "sms_opt_out_confirmation"]
    assert len(again) == 1
    later = enqueue(book, "TL1", "sms", key="after-stop")
    assert later.status == "blocked"
    with book.engine.connect() as connection:
        outcomes = (
            connection.execute(
                text("SELECT outcome FROM contacts WHERE channel = 'sms' AND direction = 'inbound'")
            )
            .scalars()
            .all()
        )
    assert set(outcomes) == {"opted_out"}


def test_an_ordinary_reply_is_recorded_and_revokes_nothing(
    book: Container, client: TestClient
) -> None:
    event = {"event_id": "evt-4", "type": "message.inbound", "from": "+15125550001",
             "text": "I can pay on Friday"}  # fmt: skip
    assert post(client, book, event).json() == {"received": "inbound", "opted_out": False}
    assert (
        scalar(book, "SELECT COUNT(*) FROM contact_points WHERE sms_opted_out_at IS NOT NULL") == 0
    )
    assert scalar(book, "SELECT COUNT(*) FROM outbox_events") == 1


def test_the_web_app_serves_the_webhook_under_the_api_and_checks_its_signature(
    book: Container,
) -> None:
    """Mounted by the web app at ``/api/v1/webhooks/sms`` without a sign-in: the signature is
    the only credential."""
    from arrears.entrypoints.web.app import create_app

    web = TestClient(create_app(book))
    event = {"event_id": "evt-7", "type": "message.inbound", "from": "+15125550003",
             "text": "ALTO"}  # fmt: skip
    body = json.dumps(event).encode()
    forged = sign(body, secret="guess", timestamp=int(book.clock.now().timestamp()))
    refused = web.post("/api/v1/webhooks/sms", content=body, headers={"X-Signature": forged})
    assert refused.status_code == 401
    good = sign(body, secret=SECRET, timestamp=int(book.clock.now().timestamp()))
    accepted = web.post("/api/v1/webhooks/sms", content=body, headers={"X-Signature": good})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"received": "inbound", "opted_out": True}
