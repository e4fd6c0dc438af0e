"""Tables of debt recovery agencies: agencies, placements, remittances and their differences.

An account has at most one placement in force (``status = placed``). Each remittance file
imported is a row of ``remittances``; each posted payment a row of ``remittance_lines`` (one
per agency and payment reference: importing the same payment twice is refused); what did not
match is kept in ``remittance_differences`` for the reconciliation report.
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
    UniqueConstraint,
)

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.types import Id, UTCDateTime

agencies = Table(
    "agencies",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("code", String(24), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("tier", Integer, nullable=False),
    Column("fees", String(200), nullable=False),  # "0:0.20,181:0.28" (age days : rate)
    Column("capacity", Integer, nullable=False),
    Column("states", String(160), nullable=False),  # "MA,CA,TX"
    Column("challenger", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("phone", String(30), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

placements = Table(
    "placements",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("loan_id", Id, ForeignKey("loans.id"), nullable=False, index=True),
    Column("agency_id", Id, ForeignKey("agencies.id"), nullable=False, index=True),
    Column("status", String(10), nullable=False),
    Column("placed_on", Date, nullable=False),
    Column("recall_due_on", Date, nullable=False),
    Column("recalled_on", Date),
    Column("recall_reason", String(200), nullable=False, default=""),
    Column("tier", Integer, nullable=False),
    Column("age_days", Integer, nullable=False),
    Column("commission_micros", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("balance_minor", BigInteger, nullable=False),
    Column("principal_minor", BigInteger, nullable=False),
    Column("interest_minor", BigInteger, nullable=False),
    Column("fees_minor", BigInteger, nullable=False),  # fees, penalties and costs
    Column("arm", String(12), nullable=False, default=""),
    Column("placed_by", String(64), nullable=False),
    Column("review_action_id", BigInteger),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

remittances = Table(
    "remittances",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agency_id", Id, ForeignKey("agencies.id"), nullable=False, index=True),
    Column("file_name", String(200), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("imported_on", Date, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("posted", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("collected_minor", BigInteger, nullable=False),
    Column("commission_minor", BigInteger, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

remittance_lines = Table(
    "remittance_lines",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("remittance_id", Id, ForeignKey("remittances.id"), nullable=False, index=True),
    Column("agency_id", Id, nullable=False),
    Column("payment_ref", String(64), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("loan_id", Id, ForeignKey("loans.id"), nullable=False, index=True),
    Column("placement_id", Id, ForeignKey("placements.id"), nullable=False, index=True),
    Column("collected_on", Date, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("claimed_commission_minor", BigInteger, nullable=False),
    Column("commission_minor", BigInteger, nullable=False),
    Column("after_recall", Boolean, nullable=False),
    Column("credit_id", BigInteger, nullable=False),
    UniqueConstraint("agency_id", "payment_ref"),
)

remittance_differences = Table(
    "remittance_differences",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("remittance_id", Id, ForeignKey("remittances.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("payment_ref", String(64), nullable=False),
    Column("account", String(64), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("expected_minor", BigInteger),
    Column("found_minor", BigInteger),
    Column("message", Text, nullable=False),
)

Index("ix_placements_status", placements.c.status, placements.c.agency_id)
