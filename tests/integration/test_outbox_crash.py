"""A sender that dies between handing a message over and recording it: the message is never
sent twice. SMS (the provider de-duplicates by idempotency key) is handed over again; email
(an SMTP server cannot de-duplicate) is marked failed as in doubt until someone decides."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.services.outbox import retry_message
from arrears.services.ports import ClearedMessage, DeliveryReceipt, MessageChannel
from arrears.services.sending import send_due
from support.channels import SmsProvider, SmtpSink
from support.outbox import email_channel, enqueue, import_texas, outbox_rows, sender, sms_channel


class ProcessDied(BaseException):
    """Stands for the process being killed: not an error anything in arrears handles."""


class DiesAfterHandingOver:
    """The real channel, after which the process dies before anything is recorded."""

    def __init__(self, real: MessageChannel) -> None:
        self.real = real
        self.name = real.name
        self.idempotent = real.idempotent

    def deliver(self, cleared: ClearedMessage) -> DeliveryReceipt:
        self.real.deliver(cleared)
        raise ProcessDied


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_texas(container, tmp_path, 1)
    return container


def crash_once(book: Container, channel: str, real: MessageChannel) -> None:
    with pytest.raises(ProcessDied):
        send_due(sender(book, {channel: DiesAfterHandingOver(real)}))
    assert outbox_rows(book)[0]["status"] == "sending"


def test_a_text_handed_over_before_a_crash_is_delivered_exactly_once(book: Container) -> None:
    enqueue(book, "TL1", "sms")
    with SmsProvider() as provider:
        channel = sms_channel(provider.endpoint)
        crash_once(book, "sms", channel)
        assert send_due(sender(book, {"sms": channel})) == {}, "not before the claim times out"
        book.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
        outcomes = send_due(sender(book, {"sms": channel}))
    assert outcomes == {"recovered": 1, "sent": 1}
    assert len(provider.state.texts_to_phones) == 1, "the provider de-duplicated the replay"
    assert provider.state.requests == 2
    (row,) = outbox_rows(book)
    assert row["status"] == "sent"
    assert row["provider_message_id"] == "SM000001"


def test_an_email_handed_over_before_a_crash_is_not_sent_again_automatically(
    book: Container,
) -> None:
    enqueue(book, "TL1", "email")
    with SmtpSink() as sink:
        channel = email_channel(book, sink.port)
        crash_once(book, "email", channel)
        book.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
        assert send_due(sender(book, {"email": channel})) == {"in_doubt": 1}
        (row,) = outbox_rows(book)
        assert row["status"] == "failed"
        assert row["last_error"].startswith("in doubt")
        assert send_due(sender(book, {"email": channel})) == {}
        assert len(sink.received) == 1
        with book.uow() as uow:  # an operator checked the mail log and decides to resend
            retry_message(uow, row["id"], at=book.clock.now(), by="operator")
            uow.commit()
        assert send_due(sender(book, {"email": channel})) == {"sent": 1}
        assert len(sink.received) == 2
