"""Tables of collateral recovery: registry facts, valuation notes, vendors, cases and steps.

The ``collateral`` and ``valuations`` tables themselves belong to the import (``schema.py``);
what a person learns later — title and lien, insurance, where a vehicle is, what the 60% rule
needs — is kept beside them in ``collateral_facts``. A case (repossession or foreclosure
referral) is a row with its current stage and the append-only list of its steps; the stage is
always what the steps replay to (``arrears.domain.repossession.machine``).
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

collateral_facts = Table(
    "collateral_facts",
    metadata,
    Column("collateral_id", Id, ForeignKey("collateral.id"), primary_key=True),
    Column("title_status", String(20), nullable=False),
    Column("lien_status", String(12), nullable=False),
    Column("title_state", String(2), nullable=False, default=""),
    Column("title_number", String(40), nullable=False, default=""),
    Column("lienholder", String(100), nullable=False, default=""),
    Column("location", String(200), nullable=False, default=""),
    Column("insurance_coverage", String(14), nullable=False),
    Column("insurance_carrier", String(100), nullable=False, default=""),
    Column("insurance_policy", String(60), nullable=False, default=""),
    Column("insurance_expires_on", Date),
    Column("lender_is_loss_payee", Boolean, nullable=False, default=False),
    Column("consumer_goods", Boolean, nullable=False, default=True),
    Column("purchase_money", Boolean, nullable=False, default=True),
    Column("cash_price_minor", BigInteger),
    Column("senior_liens_minor", BigInteger),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

valuation_notes = Table(
    "valuation_notes",
    metadata,
    Column("valuation_id", Id, ForeignKey("valuations.id"), primary_key=True),
    Column("valued_by", String(100), nullable=False, default=""),
    Column("mileage", Integer),
    Column("note", String(500), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

repossession_vendors = Table(
    "repossession_vendors",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("phone", String(40), nullable=False, default=""),
    Column("states", String(200), nullable=False, default=""),  # space-separated state codes
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)

collateral_cases = Table(
    "collateral_cases",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(12), nullable=False),  # repossession | foreclosure
    Column("loan_id", Id, ForeignKey("loans.id"), nullable=False, index=True),
    Column("collateral_id", Id, ForeignKey("collateral.id"), nullable=False),
    Column("state", String(2), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("consumer_goods", Boolean, nullable=False, default=True),
    Column("opened_on", Date, nullable=False),
    Column("opened_by", String(64), nullable=False),
    Column("closed_on", Date),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

collateral_case_steps = Table(
    "collateral_case_steps",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", Id, ForeignKey("collateral_cases.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("event", String(30), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("key", String(80)),  # once per case (timers, idempotent commands)
    Column("actor", String(64), nullable=False),
    Column("details", Text, nullable=False, default="{}"),
    Column("recorded_at", UTCDateTime, nullable=False),
    UniqueConstraint("case_id", "seq"),
    UniqueConstraint("case_id", "key", name="uq_collateral_case_steps_case_key"),
)

Index("ix_collateral_cases_stage", collateral_cases.c.kind, collateral_cases.c.stage)
