"""Bounce reports that come back by email (RFC 3464): which message, and whether it is hard."""

from __future__ import annotations

from arrears.adapters.channels.dsn import read_bounces
from support.dsn import bounce_report


def test_a_hard_bounce_names_the_original_message() -> None:
    (bounce,) = read_bounces(bounce_report("<tok123@example.com>"))
    assert bounce.message_id == "<tok123@example.com>"
    assert (bounce.action, bounce.status) == ("failed", "5.1.1")
    assert "user unknown" in bounce.diagnostic
    assert bounce.permanent


def test_a_delay_notice_is_not_a_hard_bounce() -> None:
    (bounce,) = read_bounces(bounce_report("<t@example.com>", action="delayed", status="4.4.1"))
    assert not bounce.permanent


def test_an_ordinary_email_is_no_bounce() -> None:
    assert read_bounces(b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n") == []
