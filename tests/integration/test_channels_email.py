"""Email over SMTP to a real local SMTP server: delivery with the right message, a server that
is down (queued for retry, nothing lost), a refused recipient (a bounce that invalidates the
address), and an asynchronous bounce."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from arrears.bootstrap import Container
from arrears.entrypoints.cli.main import app
from arrears.services.deliveries import apply_receipt
from arrears.services.sending import send_due
from support.channels import SmtpSink, free_port, self_signed_certificate
from support.dsn import bounce_report
from support.outbox import email_channel, enqueue, import_texas, outbox_rows, sender


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_texas(container, tmp_path, 3)
    return container


def contact_outcomes(container: Container) -> list[tuple[str, str]]:
    with container.engine.connect() as connection:
        rows = connection.execute(text("SELECT channel, outcome FROM contacts ORDER BY id")).all()
    return [(r.channel, r.outcome) for r in rows]


def test_an_email_reaches_the_smtp_server_with_both_parts_and_its_headers(book: Container) -> None:
    """One message, delivered once: text and HTML parts, Message-ID recorded as the
    provider's id, List-Unsubscribe, the opt-out line; logged as sent in the contact log."""
    enqueue(book, "TL1", "email")
    with SmtpSink() as sink:
        outcomes = send_due(sender(book, {"email": email_channel(book, sink.port)}))
    assert outcomes == {"sent": 1}
    (email,) = sink.received
    (row,) = outbox_rows(book)
    assert row["status"] == "sent"
    assert email["Message-ID"] == row["provider_message_id"]
    assert email["To"] == "pat1@example.com"
    assert email["List-Unsubscribe"].startswith("<mailto:unsubscribe@example.com?subject=")
    plain = email.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = email.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "To stop receiving emails from us at this address" in plain
    assert "This communication is from a debt collector." in html
    assert contact_outcomes(book) == [("email", "sent")]


def test_starttls_and_authentication_as_configured(book: Container, tmp_path: Path) -> None:
    """A server that requires STARTTLS and a login: the channel upgrades, verifies the
    server's certificate against the configured CA file and signs in; wrong credentials keep
    the message queued (the operator can fix them) instead of losing it."""
    cert, key = self_signed_certificate(tmp_path)
    enqueue(book, "TL1", "email")
    enqueue(book, "TL2", "email")
    with SmtpSink(tls=(cert, key), login=("lender", "s3cret")) as sink:
        wrong = email_channel(book, sink.port, security="starttls", ca_file=cert,
                              username="lender", password="guess")  # fmt: skip
        right = email_channel(book, sink.port, security="starttls", ca_file=cert,
                              username="lender", password="s3cret")  # fmt: skip
        assert send_due(sender(book, {"email": wrong}), limit=1) == {"retry": 1}
        assert sink.received == []
        book.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
        assert send_due(sender(book, {"email": right})) == {"sent": 2}
    assert sorted(str(m["To"]) for m in sink.received) == ["pat1@example.com", "pat2@example.com"]


def test_an_unreachable_server_leaves_the_message_queued_for_a_later_try(book: Container) -> None:
    """Nothing listens: the message goes back to the queue with a backoff and its error; when
    the server is back and the delay has passed, it is delivered — nothing lost."""
    enqueue(book, "TL1", "email")
    port = free_port()
    channel = email_channel(book, port)
    first = send_due(sender(book, {"email": channel}))
    (row,) = outbox_rows(book)
    assert first == {"retry": 1}
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert "mail server unreachable" in row["last_error"]
    assert send_due(sender(book, {"email": channel})) == {}, "not due before its backoff"
    book.clock.advance(timedelta(minutes=2))  # type: ignore[attr-defined]
    with SmtpSink() as sink:
        outcomes = send_due(sender(book, {"email": email_channel(book, sink.port)}))
    assert outcomes == {"sent": 1}
    assert len(sink.received) == 1
    assert outbox_rows(book)[0]["attempts"] == 2


def test_a_refused_recipient_is_a_bounce_and_the_address_is_never_used_again(
    book: Container,
) -> None:
    enqueue(book, "TL2", "email")
    with SmtpSink(refuse={"pat2@example.com"}) as sink:
        outcomes = send_due(sender(book, {"email": email_channel(book, sink.port)}))
        assert outcomes == {"bounced": 1}
        assert sink.received == []
    (row,) = outbox_rows(book)
    assert row["status"] == "bounced"
    assert "550" in row["last_error"]
    with book.engine.connect() as connection:
        status = connection.execute(
            text("SELECT status FROM contact_points WHERE value = 'pat2@example.com'")
        ).scalar_one()
    assert status == "invalid"
    again = enqueue(book, "TL2", "email", key="second")
    assert again.status == "blocked"
    assert any("no usable email" in reason for reason in again.reasons)


def test_a_bounce_reported_later_moves_a_sent_message_to_bounced(book: Container) -> None:
    """An asynchronous bounce (a DSN naming our Message-ID) after the server accepted it."""
    enqueue(book, "TL3", "email")
    with SmtpSink() as sink:
        send_due(sender(book, {"email": email_channel(book, sink.port)}))
    message_id = outbox_rows(book)[0]["provider_message_id"]
    with book.uow() as uow:
        found = apply_receipt(uow, channel="email", provider_message_id=message_id,
                              status="bounced", at=book.clock.now(), clock=book.clock,
                              error="5.1.1 mailbox unknown")  # fmt: skip
        again = apply_receipt(uow, channel="email", provider_message_id=message_id,
                              status="delivered", at=book.clock.now(), clock=book.clock)  # fmt: skip
        uow.commit()
    assert found == outbox_rows(book)[0]["id"]
    assert again is None, "a late 'delivered' never undoes a bounce"
    assert outbox_rows(book)[0]["status"] == "bounced"
    assert contact_outcomes(book) == [("email", "sent"), ("email", "bounced")]


def cli(book: Container, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("ARREARS_DATA_DIR", str(book.settings.data_dir))
    monkeypatch.setenv("ARREARS_DATABASE_URL", book.settings.effective_database_url)
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def point_state(book: Container, address: str) -> tuple[str, object]:
    with book.engine.connect() as connection:
        row = connection.execute(
            text("SELECT status, email_opted_out_at FROM contact_points WHERE value = :v"),
            {"v": address},
        ).one()
    return row[0], row[1]


def test_a_bounce_report_read_by_the_cli_bounces_the_message_and_invalidates_the_address(
    book: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``arrears outbox mail report.eml``: the RFC 3464 report names our Message-ID."""
    if book.schema:
        pytest.skip("the CLI reads the default schema")
    enqueue(book, "TL3", "email")
    with SmtpSink() as sink:
        send_due(sender(book, {"email": email_channel(book, sink.port)}))
    report = tmp_path / "bounce.eml"
    report.write_bytes(bounce_report(outbox_rows(book)[0]["provider_message_id"]))
    output = cli(book, monkeypatch, "outbox", "mail", str(report))
    assert "1 hard bounce(s), 1 matched" in output
    assert outbox_rows(book)[0]["status"] == "bounced"
    assert point_state(book, "pat3@example.com")[0] == "invalid"


def test_unsubscribing_by_the_mailto_link_or_a_reply_stops_emails_to_the_address(
    book: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """12 CFR 1006.6(e): both opt-out methods the email offers work; emails still queued to
    the address are blocked and later ones do not pass the gate."""
    if book.schema:
        pytest.skip("the CLI reads the default schema")
    enqueue(book, "TL1", "email", key="first")
    enqueue(book, "TL2", "email", key="second")
    with SmtpSink() as sink:
        send_due(sender(book, {"email": email_channel(book, sink.port)}))
    first, second = outbox_rows(book)
    queued = enqueue(book, "TL1", "email", key="queued-before-the-request")
    mailto = tmp_path / "mailto.eml"
    mailto.write_bytes(
        f"From: pat1@example.com\r\nTo: unsubscribe@example.com\r\n"
        f"Subject: unsubscribe {first['token']}\r\n\r\n".encode()
    )
    reply = tmp_path / "reply.eml"
    reply.write_bytes(
        f"From: pat2@example.com\r\nTo: help@example.com\r\nSubject: Re: A payment reminder\r\n"
        f"In-Reply-To: {second['provider_message_id']}\r\n\r\nUNSUBSCRIBE\r\n\r\n> Hello\r\n".encode()
    )
    output = cli(book, monkeypatch, "outbox", "mail", str(mailto), str(reply))
    assert "2 unsubscribe request(s), 2 matched" in output
    assert point_state(book, "pat1@example.com")[1] is not None
    assert point_state(book, "pat2@example.com")[1] is not None
    rows = {row["id"]: row for row in outbox_rows(book)}
    assert rows[queued.message_id]["status"] == "blocked"
    assert enqueue(book, "TL2", "email", key="after").status == "blocked"


def test_the_one_click_unsubscribe_link_works_without_signing_in(book: Container) -> None:
    """RFC 8058: POST to the List-Unsubscribe page; an unknown token is a 404."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from arrears.entrypoints.api.sms_webhooks import router

    enqueue(book, "TL3", "email")
    with SmtpSink() as sink:
        send_due(sender(book, {"email": email_channel(book, sink.port)}))
    token = outbox_rows(book)[0]["token"]
    web = FastAPI()
    web.state.container = book
    web.include_router(router)
    client = TestClient(web)
    assert client.post("/unsubscribe/not-a-token").status_code == 404
    done = client.post(f"/unsubscribe/{token}", content=b"List-Unsubscribe=One-Click")
    assert done.json() == {"unsubscribed": True}
    assert point_state(book, "pat3@example.com")[1] is not None
    assert client.post(f"/unsubscribe/{token}").json() == {"unsubscribed": True}
