"""Unsubscribe requests by email: the List-Unsubscribe mailto subject, or a reply saying so."""

from __future__ import annotations

from arrears.adapters.channels.inbound_mail import UnsubscribeRequest, read_unsubscribe


def mail(subject: str, body: str = "", reply_to: str = "") -> bytes:
    head = f"From: a@example.com\r\nTo: help@example.com\r\nSubject: {subject}\r\n"
    if reply_to:
        head += f"In-Reply-To: {reply_to}\r\n"
    return (head + "\r\n" + body).encode()


def test_the_mailto_subject_carries_the_token() -> None:
    assert read_unsubscribe(mail("unsubscribe Zq3-token_123")) == UnsubscribeRequest(
        token="Zq3-token_123"
    )


def test_a_reply_saying_unsubscribe_or_baja_names_the_message() -> None:
    expected = UnsubscribeRequest(message_ids=("<tok@example.com>",))
    assert read_unsubscribe(mail("Re: reminder", "UNSUBSCRIBE", "<tok@example.com>")) == expected
    assert read_unsubscribe(mail("BAJA", "", "<tok@example.com>")) == expected


def test_an_ordinary_reply_or_mail_is_not_a_request() -> None:
    assert read_unsubscribe(mail("Re: reminder", "I will pay Friday", "<tok@example.com>")) is None
    assert read_unsubscribe(mail("unsubscribe", "please")) is None
