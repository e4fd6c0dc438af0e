"""Email into a Maildir (``email_transport = "maildir"``, used by staging and the demo): the
same MIME message SMTP would carry, one file per message in ``new/``, written once even when
handed over twice, and a maildir that cannot be written keeps the message queued."""

from __future__ import annotations

import email
from dataclasses import replace
from email.policy import default
from pathlib import Path

import pytest

from arrears import bootstrap
from arrears.bootstrap import Container
from arrears.services.ports import ClearedMessage, NotCleared, OutboundMessage
from arrears.services.sending import send_due
from support.outbox import enqueue, import_texas, outbox_rows, sender


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_texas(container, tmp_path, 3)
    maildir = container.settings.model_copy(
        update={"email_transport": "maildir", "maildir_path": tmp_path / "mail"}
    )
    return replace(container, settings=maildir)


def test_the_configured_maildir_receives_the_message(book: Container, tmp_path: Path) -> None:
    """The composition root picks the Maildir channel; the sender delivers into ``new/`` a
    message with both parts, its Message-ID recorded as the provider's id, and the opt-out."""
    enqueue(book, "TL1", "email")
    channels = bootstrap.message_channels(book)
    outcomes = send_due(sender(book, {"email": channels["email"]}))
    assert outcomes == {"sent": 1}
    (path,) = (tmp_path / "mail" / "new").iterdir()
    assert not list((tmp_path / "mail" / "tmp").iterdir()), "nothing half-written is left"
    message = email.message_from_bytes(path.read_bytes(), policy=default)
    (row,) = outbox_rows(book)
    assert row["status"] == "sent"
    assert message["Message-ID"] == row["provider_message_id"]
    assert message["To"] == "pat1@example.com"
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "To stop receiving emails from us at this address" in plain


def test_a_message_handed_over_twice_is_one_file(book: Container, tmp_path: Path) -> None:
    """The file is named after the message's token, so delivering again rewrites it: one
    message, one file (the channel says it is idempotent, and the sender relies on that)."""
    channel = bootstrap.message_channels(book)["email"]
    assert channel.idempotent
    message = OutboundMessage(
        id=7, idempotency_key="k7", token="tok7", channel="email", recipient="pat@example.com",
        subject="Your account", text="Hello", html="<p>Hello</p>", template="payment_reminder",
        language="en",
    )  # fmt: skip
    cleared = ClearedMessage(message, decision_id="d7", allowed=True)
    first = channel.deliver(cleared)
    second = channel.deliver(cleared)
    (path,) = (tmp_path / "mail" / "new").iterdir()
    assert path.name.startswith("tok7")
    assert first.provider_message_id == second.provider_message_id
    assert first.details["file"] == str(path)


def test_an_uncleared_message_is_not_written(book: Container, tmp_path: Path) -> None:
    """Like every channel, the maildir accepts only a message the gate allowed."""
    channel = bootstrap.message_channels(book)["email"]
    message = OutboundMessage(
        id=8, idempotency_key="k8", token="tok8", channel="email", recipient="pat@example.com",
        subject="s", text="t", html="", template="payment_reminder", language="en",
    )  # fmt: skip
    with pytest.raises(NotCleared):
        channel.deliver(ClearedMessage(message, decision_id="", allowed=False))
    assert not (tmp_path / "mail" / "new").exists()


def test_an_unwritable_maildir_keeps_the_message_queued(book: Container, tmp_path: Path) -> None:
    """A maildir that cannot be written (here a file stands where its folder should be) is a
    temporary failure: the message waits for a retry, with the reason."""
    enqueue(book, "TL1", "email")
    (tmp_path / "mail").write_text("not a folder")
    outcomes = send_due(sender(book, {"email": bootstrap.message_channels(book)["email"]}))
    assert outcomes == {"retry": 1}
    (row,) = outbox_rows(book)
    assert row["status"] == "queued"
    assert "cannot write to the maildir" in row["last_error"]
