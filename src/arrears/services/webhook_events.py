"""The shape of an SMS provider event, checked after its signature and before any database work.

A signed body can still be hostile (a provider bug, a leaked secret): it must be a JSON object
with a short printable ``event_id`` and a ``type``, and no NUL character anywhere — PostgreSQL
refuses NUL in text and JSON, so one would abort the transaction with a database error instead
of a refusal (issue 12, hostile input). The id is bounded so that the references built from it
(``sms:<event>:<loan>``, 80 characters) fit.
"""

from __future__ import annotations

import json
from typing import Any

from arrears.errors import ArrearsError

MAX_EVENT_ID = 50


class BadEvent(ArrearsError):
    """The body is signed but is not a provider event."""


def parse_event(body: bytes) -> tuple[dict[str, Any], str, str]:
    """The event, its id and its type; raises ``BadEvent`` for anything else."""
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" thousands deep
        raise BadEvent("the webhook body is not a provider event") from None
    if not isinstance(event, dict) or "event_id" not in event or "type" not in event:
        raise BadEvent("the webhook body is not a provider event")
    if _has_nul(event):
        raise BadEvent("the webhook event contains a NUL character")
    event_id, kind = str(event["event_id"]), str(event["type"])
    if not 0 < len(event_id) <= MAX_EVENT_ID or not event_id.isprintable():
        raise BadEvent(f"the event_id must be 1 to {MAX_EVENT_ID} printable characters")
    return event, event_id, kind


def _has_nul(value: object) -> bool:
    """Whether any key or text in the (parsed JSON) value holds a NUL; iterative, as the
    value may be nested as deep as the JSON parser allowed."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
