"""Requests to stop emails that come back by email (12 CFR 1006.6(e): the opt-out method the
message offers must work).

Two shapes: a message to the ``List-Unsubscribe`` mailbox whose subject is
``unsubscribe <token>`` (what mail programs send for the header), and a reply to one of our
emails (``In-Reply-To``/``References`` naming our Message-ID) whose subject or first lines say
UNSUBSCRIBE, STOP, BAJA or CANCELAR. Either names the outbox message; its address stops
receiving emails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

_SUBJECT = re.compile(r"^\s*unsubscribe\s+([A-Za-z0-9_\-]{8,64})\s*$", re.IGNORECASE)
_WORDS = re.compile(r"\b(unsubscribe|stop|baja|cancelar|darse de baja)\b", re.IGNORECASE)
_IDS = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class UnsubscribeRequest:
    token: str | None = None  # from the List-Unsubscribe mailto subject
    message_ids: tuple[str, ...] = ()  # Message-IDs a reply answers


def read_unsubscribe(data: bytes) -> UnsubscribeRequest | None:
    mail = message_from_bytes(data, policy=policy.default)
    if not isinstance(mail, EmailMessage):
        return None
    subject = str(mail.get("Subject", ""))
    found = _SUBJECT.match(subject)
    if found:
        return UnsubscribeRequest(token=found.group(1))
    answered = tuple(_IDS.findall(f"{mail.get('In-Reply-To', '')} {mail.get('References', '')}"))
    if not answered:
        return None
    body = mail.get_body(("plain",))
    first_lines = ""
    if body is not None:
        content = body.get_content()
        first_lines = "\n".join(str(content).splitlines()[:3])
    if _WORDS.search(subject.removeprefix("Re:").removeprefix("RE:")) or _WORDS.search(first_lines):
        return UnsubscribeRequest(message_ids=answered)
    return None
