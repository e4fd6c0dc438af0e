"""Webhook signatures: HMAC-SHA256 over timestamp and body, constant-time, replay-limited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from arrears.adapters.channels.webhook_signature import HmacWebhookVerifier, sign

NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)
BODY = b'{"event_id":"e1","type":"message.inbound","from":"+16175550101","text":"STOP"}'


def test_a_correct_signature_verifies() -> None:
    header = sign(BODY, secret="s3cret", timestamp=int(NOW.timestamp()))
    assert HmacWebhookVerifier("s3cret").verify(BODY, header, now=NOW)


@pytest.mark.parametrize(
    ("body", "secret", "shift", "why"),
    [
        (BODY + b" ", "s3cret", 0, "body changed"),
        (BODY, "other", 0, "wrong secret"),
        (BODY, "s3cret", 301, "too old (a replay)"),
        (BODY, "s3cret", -301, "from the future"),
    ],
)
def test_a_bad_signature_is_refused(body: bytes, secret: str, shift: int, why: str) -> None:
    header = sign(BODY, secret=secret, timestamp=int(NOW.timestamp()))
    now = NOW + timedelta(seconds=shift)
    assert not HmacWebhookVerifier("s3cret").verify(body, header, now=now), why


@pytest.mark.parametrize("header", [None, "", "t=abc,v1=00", "v1=deadbeef", "garbage"])
def test_a_missing_or_malformed_signature_is_refused(header: str | None) -> None:
    assert not HmacWebhookVerifier("s3cret").verify(BODY, header, now=NOW)


def test_without_a_configured_secret_everything_is_refused() -> None:
    header = sign(BODY, secret="", timestamp=int(NOW.timestamp()))
    assert not HmacWebhookVerifier(None).verify(BODY, header, now=NOW)
    assert not HmacWebhookVerifier("").verify(BODY, header, now=NOW)
