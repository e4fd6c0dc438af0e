"""Tables of analytics: the goals the report tracks (docs/analytics.md)."""

from __future__ import annotations

from sqlalchemy import Column, Date, String, Table, Text

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.types import Id, UTCDateTime

goals = Table(
    "goals",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("metric", String(40), nullable=False),
    Column("segment", String(80), nullable=False),
    Column("target", String(40), nullable=False),  # exact decimal text (rates, minor units)
    Column("deadline", Date, nullable=False),
    Column("owner", String(100), nullable=False),
    Column("starts_on", Date),
    Column("description", Text, nullable=False, default=""),
    Column("set_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
