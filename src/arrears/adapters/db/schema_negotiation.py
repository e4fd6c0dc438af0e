"""Tables of communication and negotiation: the contact log, promises to pay and plans.

``contacts`` is written in bulk by channels and agents and carries no foreign keys (ADR 0005);
promises and plans are small and reference their loan.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.types import Id, UTCDateTime

contacts = Table(
    "contacts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("loan_id", Id, nullable=False),
    Column("borrower_id", Id, nullable=False),
    Column("channel", String(10), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("outcome", String(24), nullable=False),
    Column("contact_point_id", BigInteger),
    Column("contact_point_kind", String(20)),
    Column("template", String(60), nullable=False, default=""),
    Column("notes", String(1000), nullable=False, default=""),
    Column("reference", String(80)),
    Column("details", Text, nullable=False, default="{}"),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("reference", "outcome"),
)

contact_preferences = Table(
    "contact_preferences",
    metadata,
    Column("borrower_id", Id, ForeignKey("borrowers.id"), primary_key=True),
    Column("start_hour", Integer, nullable=False),
    Column("end_hour", Integer, nullable=False),
    Column("set_by", String(64), nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
)

promises = Table(
    "promises",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("loan_id", Id, ForeignKey("loans.id"), nullable=False, index=True),
    Column("made_on", Date, nullable=False),
    Column("made_by", String(64), nullable=False),
    Column("contact_id", BigInteger),
    Column("currency", String(3), nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("status", String(10), nullable=False),
    Column("decided_on", Date),
    Column("evaluated_on", Date),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

promise_installments = Table(
    "promise_installments",
    metadata,
    Column("promise_id", Id, ForeignKey("promises.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("due_on", Date, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
)

plans = Table(
    "plans",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("loan_id", Id, ForeignKey("loans.id"), nullable=False, index=True),
    Column("starts_on", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("periods", Integer, nullable=False),
    Column("first_due_on", Date, nullable=False),
    Column("shape", String(10), nullable=False),
    Column("step_bp", Integer, nullable=False, default=0),
    Column("interest", String(10), nullable=False),
    Column("reduced_rate_micros", BigInteger),
    Column("max_misses", Integer, nullable=False),
    Column("status", String(10), nullable=False),
    Column("misses", Integer, nullable=False, default=0),
    Column("paid_minor", BigInteger, nullable=False, default=0),
    Column("evaluated_on", Date),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("cancelled_by", String(64)),
    Column("cancel_reason", String(300)),
)

plan_installments = Table(
    "plan_installments",
    metadata,
    Column("plan_id", Id, ForeignKey("plans.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("due_on", Date, nullable=False),
    Column("principal_minor", BigInteger, nullable=False),
    Column("interest_minor", BigInteger, nullable=False),
)

Index("ix_contacts_loan_at", contacts.c.loan_id, contacts.c.at)
Index("ix_contacts_borrower_at", contacts.c.borrower_id, contacts.c.at)
