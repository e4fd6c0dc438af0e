"""The compliance gate's decisions: every question asked before a contact, and the answer."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, String, Table, Text

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.types import Id, UTCDateTime

gate_decisions = Table(
    "gate_decisions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("stage", String(12), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("loan_id", Id, nullable=False),
    Column("borrower_id", Id, nullable=False),
    Column("channel", String(10), nullable=False),
    Column("category", String(20), nullable=False),
    Column("template", String(60), nullable=False),
    Column("contact_point_id", BigInteger),
    Column("treatment", String(40)),
    Column("reference", String(80)),
    Column("allowed", Boolean, nullable=False),
    Column("rule_ids", String(400), nullable=False, default=""),
    Column("blocked_by", Text, nullable=False, default="[]"),
    Column("disclosures", Text, nullable=False, default="[]"),
)

Index("ix_gate_decisions_loan_at", gate_decisions.c.loan_id, gate_decisions.c.at)
