"""Tables of settlement offers: the offers, their history and the settlements they led to.

``settlement_offers`` keeps what was offered exactly as it was priced and shown (the pricing
explanation is stored with it); every move of its lifecycle is a row of ``settlement_events``;
``settlements`` holds the facts a fulfilled settlement leaves for tax (Form 1099-C) and credit
reporting (Metro 2 status and special comment AU). Small tables: they reference their loan.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.types import Id, UTCDateTime

settlement_offers = Table(
    "settlement_offers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("loan_id", Id, ForeignKey("loans.id"), nullable=False, index=True),
    Column("offer_type", String(16), nullable=False),
    Column("status", String(12), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("balance_minor", BigInteger, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("installments", Integer, nullable=False),
    Column("floor_minor", BigInteger, nullable=False),
    Column("discount_micros", BigInteger, nullable=False),  # share of the balance, millionths
    Column("required_role", String(24), nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("proposed_by", String(64), nullable=False),
    Column("proposed_on", Date, nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("pricing", Text, nullable=False),  # JSON: the explanation the offer was priced with
    Column("approved_by", String(64)),
    Column("presented_via", String(10)),
    Column("presented_on", Date),
    Column("accepted_on", Date),
    Column("decided_on", Date),
    Column("plan_id", BigInteger),
    Column("review_action_id", BigInteger),
    Column("conditional_credit_id", BigInteger),
    Column("note", String(300), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

settlement_events = Table(
    "settlement_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("offer_id", Id, ForeignKey("settlement_offers.id"), nullable=False, index=True),
    Column("from_status", String(12)),
    Column("to_status", String(12), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("note", String(300), nullable=False, default=""),
    Column("at", UTCDateTime, nullable=False),
)

settlements = Table(
    "settlements",
    metadata,
    Column("offer_id", Id, ForeignKey("settlement_offers.id"), primary_key=True),
    Column("loan_id", Id, ForeignKey("loans.id"), nullable=False, index=True),
    Column("settled_on", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("forgiven_minor", BigInteger, nullable=False),
    Column("principal_forgiven_minor", BigInteger, nullable=False),
    Column("interest_forgiven_minor", BigInteger, nullable=False),
    Column("fees_forgiven_minor", BigInteger, nullable=False),
    Column("metro2_status", String(2), nullable=False),
    Column("special_comment", String(2), nullable=False),
    Column("form_1099c", Boolean, nullable=False),
    Column("form_1099c_issuer", String(40), nullable=False),
    Column("identifiable_event", String(120), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

Index("ix_settlement_offers_status", settlement_offers.c.status, settlement_offers.c.required_role)
