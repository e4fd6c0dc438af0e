"""Tables of legal action: cases, their proceedings, costs, court dates and documents.

One case per referral of an account, handled by a firm; several proceedings per case, each
following ``arrears.domain.legal.proceedings``; every move is a row of ``legal_events``. Costs
keep whether they are recoverable and the charge or ledger entry they were posted as.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.types import Id, UTCDateTime

legal_cases = Table(
    "legal_cases",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("loan_id", Id, ForeignKey("loans.id"), nullable=False, index=True),
    Column("status", String(8), nullable=False),
    Column("referred_on", Date, nullable=False),
    Column("referred_by", String(64), nullable=False),
    Column("firm", String(100), nullable=False, default=""),
    Column("attorney", String(100), nullable=False, default=""),
    Column("court", String(120), nullable=False, default=""),
    Column("case_number", String(60), nullable=False, default=""),
    Column("state", String(2), nullable=False, default=""),
    Column("hold_id", BigInteger),
    Column("review_action_id", BigInteger),
    Column("cost_benefit", Text, nullable=False, default="{}"),  # JSON, as shown at referral
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

legal_proceedings = Table(
    "legal_proceedings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", Id, ForeignKey("legal_cases.id"), nullable=False, index=True),
    Column("kind", String(12), nullable=False),
    Column("status", String(12), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("updated_on", Date, nullable=False),
    Column("judgment_minor", BigInteger),
    Column("judgment_on", Date),
    Column("judgment_rate_micros", BigInteger),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

legal_events = Table(
    "legal_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("proceeding_id", Id, ForeignKey("legal_proceedings.id"), nullable=False, index=True),
    Column("from_status", String(12)),
    Column("to_status", String(12), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("note", String(300), nullable=False, default=""),
    Column("at", UTCDateTime, nullable=False),
)

legal_costs = Table(
    "legal_costs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("proceeding_id", Id, ForeignKey("legal_proceedings.id"), nullable=False, index=True),
    Column("kind", String(24), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("incurred_on", Date, nullable=False),
    Column("recoverable", Boolean, nullable=False),
    Column("memo", String(200), nullable=False, default=""),
    Column("posted_as", String(80), nullable=False),  # charge:<id> or lender:<key>
    Column("actor", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

legal_dates = Table(
    "legal_dates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("proceeding_id", Id, ForeignKey("legal_proceedings.id"), nullable=False, index=True),
    Column("kind", String(12), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("note", String(200), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

legal_documents = Table(
    "legal_documents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("proceeding_id", Id, ForeignKey("legal_proceedings.id"), nullable=False, index=True),
    Column("template", String(60), nullable=False),
    Column("version", Integer, nullable=False),
    Column("language", String(2), nullable=False),
    Column("outbox_message_id", BigInteger),  # letters to the borrower go through the outbox
    Column("html", Text, nullable=False, default=""),  # documents for the court are kept here
    Column("sha256", String(64), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
)
