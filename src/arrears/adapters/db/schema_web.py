"""Tables of the web app and API: staff users, sessions, API tokens, idempotency keys, account
locks, portal sign-in links, login attempts, funnel events, card payments and preferences.

Secrets are never stored as given: session ids, API tokens and portal links are kept as SHA-256
digests (a database dump does not let anyone sign in), passwords as argon2 hashes.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.types import Id, UTCDateTime

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("queues", String(200), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("last_login_at", UTCDateTime),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("kind", String(10), nullable=False),  # anonymous | staff | borrower
    Column("user_id", BigInteger),
    Column("borrower_id", BigInteger),
    Column("csrf_token", String(64), nullable=False),
    Column("language", String(2), nullable=False, default="en"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("idle_until", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(80), nullable=False),
    Column("prefix", String(12), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Column("last_used_at", UTCDateTime),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal", String(80), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("state", String(10), nullable=False),  # pending | done
    Column("status_code", Integer),
    Column("response", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
)

account_locks = Table(
    "account_locks",
    metadata,
    Column("loan_id", Id, primary_key=True),
    Column("held_by", String(64), nullable=False),
    Column("held_by_name", String(100), nullable=False),
    Column("taken_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

portal_links = Table(
    "portal_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("borrower_id", BigInteger, nullable=False),
    Column("channel", String(10), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("scope", String(12), nullable=False),  # account | address | reference | link
    Column("subject", String(128), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("succeeded", Boolean, nullable=False),
)

funnel_events = Table(
    "funnel_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("borrower_id", BigInteger, nullable=False),
    Column("loan_id", BigInteger),
    Column("event", String(30), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("details", Text, nullable=False, default="{}"),
)

card_payments = Table(
    "card_payments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("loan_id", BigInteger, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("gateway", String(20), nullable=False),
    Column("idempotency_key", String(100), nullable=False),
    Column("reference", String(64), nullable=False),
    Column("status", String(10), nullable=False),  # approved | declined
    Column("decline_reason", String(200), nullable=False, default=""),
    Column("card_last4", String(4), nullable=False, default=""),
    Column("payment_id", BigInteger),
    Column("actor", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

portal_preferences = Table(
    "portal_preferences",
    metadata,
    Column("borrower_id", Id, primary_key=True),
    Column("language", String(2), nullable=False, default="en"),
    Column("preferred_start_hour", Integer),
    Column("preferred_end_hour", Integer),
    Column("updated_at", UTCDateTime, nullable=False),
)

Index(
    "ix_login_attempts_subject",
    login_attempts.c.scope,
    login_attempts.c.subject,
    login_attempts.c.at,
)
Index("ix_funnel_events_event", funnel_events.c.event, funnel_events.c.at)
Index("ix_card_payments_key", card_payments.c.gateway, card_payments.c.idempotency_key, unique=True)
Index("ix_web_sessions_expires", web_sessions.c.expires_at)
