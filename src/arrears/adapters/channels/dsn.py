"""Bounces that come back later by email: delivery status notifications (RFC 3464).

A mail server that accepted a message may still fail to deliver it and send a report to the
sender: ``multipart/report; report-type=delivery-status`` with a machine-readable part per
recipient (``Action: failed``, ``Status: 5.1.1``) and the original message or its headers,
whose ``Message-ID`` is the outbox message's provider id. ``read_bounces`` turns such a file
into ``Bounce`` records; anything else gives none.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes, message_from_string, policy
from email.message import Message


@dataclass(frozen=True)
class Bounce:
    message_id: str  # the original message's Message-ID
    action: str  # failed | delayed | delivered | relayed | expanded
    status: str  # RFC 3463 status code, e.g. 5.1.1
    diagnostic: str = ""

    @property
    def permanent(self) -> bool:
        """A hard bounce: the address will not work (5.x.x and action failed)."""
        return self.action == "failed" and self.status.startswith("5")


def read_bounces(data: bytes) -> list[Bounce]:
    report = message_from_bytes(data, policy=policy.compat32)
    if report.get_content_type() != "multipart/report":
        return []
    original = ""
    recipients: list[Message] = []
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else []
            recipients = [b for b in blocks[1:] if isinstance(b, Message)]
        elif kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                original = str(inner[0].get("Message-ID", ""))
        elif kind == "text/rfc822-headers":
            headers = message_from_string(_text(part))
            original = str(headers.get("Message-ID", "")) or original
    if not original:
        return []
    return [
        Bounce(
            message_id=original.strip(),
            action=str(block.get("Action", "")).strip().lower(),
            status=str(block.get("Status", "")).strip(),
            diagnostic=str(block.get("Diagnostic-Code", "")).strip()[:200],
        )
        for block in recipients
    ]


def _text(part: Message) -> str:
    raw = part.get_payload(decode=True)
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return str(part.get_payload())
