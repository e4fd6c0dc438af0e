"""Signatures of the SMS provider's webhooks: HMAC-SHA256 over the timestamp and the raw body.

The provider sends ``X-Signature: t=<unix seconds>,v1=<hex digest>`` where the digest is
``HMAC-SHA256(secret, "<t>.<raw body>")``. A request is accepted only when a ``v1`` digest
matches (compared in constant time) and ``t`` is within the tolerance of our clock, so a
captured request cannot be replayed later. Without a configured secret every request is
refused: an unsigned webhook could revoke consent or fake deliveries.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime

SIGNATURE_HEADER = "X-Signature"
#: Unix seconds as the provider writes them: ASCII digits, at most 12 (year 33658). Anything
#: else (a 400-digit number, other scripts' digits) is refused before arithmetic on it.
_TIMESTAMP = re.compile(r"-?[0-9]{1,12}")


def sign(body: bytes, *, secret: str, timestamp: int) -> str:
    """The header value for ``body`` sent at ``timestamp`` (what the provider computes)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


class HmacWebhookVerifier:
    """Implements ``WebhookVerifier``."""

    def __init__(self, secret: str | None, *, tolerance_seconds: int = 300) -> None:
        self._secret = secret
        self.tolerance_seconds = tolerance_seconds

    def verify(self, body: bytes, signature: str | None, *, now: datetime) -> bool:
        if not self._secret or not signature:
            return False
        parts: dict[str, list[str]] = {}
        for item in signature.split(","):
            key, _, value = item.strip().partition("=")
            parts.setdefault(key, []).append(value)
        written = parts.get("t", [""])[0]
        if not _TIMESTAMP.fullmatch(written):
            return False
        timestamp = int(written)
        if abs(now.timestamp() - timestamp) > self.tolerance_seconds:
            return False
        expected = sign(body, secret=self._secret, timestamp=timestamp).split("v1=", 1)[1]
        # compare_digest refuses non-ASCII text (TypeError): such a digest is simply wrong.
        return any(
            given.isascii() and hmac.compare_digest(expected, given)
            for given in parts.get("v1", [])
        )
