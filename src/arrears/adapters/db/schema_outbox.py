"""Tables of the transactional outbox: messages waiting for, in, and after delivery, and every
event that happened to them (docs/channels.md).

A message row is written in the same transaction as the decision to send it (the cycle's
action, a promise, a plan) and delivered later by the sender, so nothing is sent that was not
decided and nothing decided is lost. ``idempotency_key`` is unique: enqueueing the same action
twice finds the first row. Bulk-ish tables carry no foreign keys (ADR 0005).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, String, Table, Text

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.types import Id, UTCDateTime

#: The states of a message (docs/channels.md draws the machine).
OUTBOX_STATUSES = ("queued", "sending", "sent", "delivered", "bounced", "failed", "blocked")

outbox_messages = Table(
    "outbox_messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(120), nullable=False, unique=True),
    #: Unguessable: the email's Message-ID and the unsubscribe link are made from it.
    Column("token", String(40), nullable=False, unique=True),
    Column("action_id", BigInteger, unique=True),
    Column("loan_id", Id, nullable=False, index=True),
    Column("borrower_id", Id, nullable=False),
    Column("channel", String(10), nullable=False),
    Column("category", String(20), nullable=False),
    Column("treatment", String(40)),
    Column("template", String(60), nullable=False),
    Column("template_version", Integer),
    Column("language", String(2), nullable=False),
    Column("contact_point_id", BigInteger),
    Column("recipient", Text, nullable=False, default=""),
    Column("subject", String(300), nullable=False, default=""),
    Column("body_text", Text, nullable=False, default=""),
    Column("body_html", Text, nullable=False, default=""),
    Column("context", Text, nullable=False, default="{}"),  # JSON: what the template was given
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime),
    Column("claimed_at", UTCDateTime),
    Column("last_error", String(500), nullable=False, default=""),
    Column("provider_message_id", String(200)),
    Column("gate_decisions", Text, nullable=False, default="[]"),  # JSON: decision references
    Column("blocked_rules", Text, nullable=False, default="[]"),  # JSON: rule ids
    Column("blocked_reasons", Text, nullable=False, default="[]"),  # JSON: reasons
    Column("print_date", Date),
    Column("pdf_path", String(300)),
    Column("pages", Integer),
    Column("pdf_sha256", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
)

outbox_events = Table(
    "outbox_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", BigInteger),  # None for inbound SMS not tied to a message
    Column("kind", String(20), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("provider_event_id", String(200), unique=True),  # webhooks delivered twice: once
    Column("details", Text, nullable=False, default="{}"),
)

Index("ix_outbox_due", outbox_messages.c.status, outbox_messages.c.next_attempt_at)
Index("ix_outbox_provider", outbox_messages.c.channel, outbox_messages.c.provider_message_id)
Index("ix_outbox_print", outbox_messages.c.print_date, outbox_messages.c.channel)
Index("ix_outbox_events_message", outbox_events.c.message_id)
