"""Tables of credit-bureau furnishing: each Metro 2 export and what it reported per account.

``metro2_exports`` records every file written for a reporting month (``YYYY-MM``): its path,
SHA-256, record count and the date it was first created (a re-export of the month reuses it, so
an unchanged month is written byte for byte again). ``metro2_export_accounts`` keeps, per
account, a digest of what was reported and the codes later months depend on (the last
Compliance Condition Code and Consumer Information Indicator sent, the status), so a re-export
knows which accounts changed (Correction Indicator) and the next month knows what the bureaus
have on file. The per-account table is written in bulk and carries no foreign keys (ADR 0005).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, SmallInteger, String, Table, Text

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.types import Id, UTCDateTime

metro2_exports = Table(
    "metro2_exports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("month", String(7), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("date_created", Date, nullable=False),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("records", BigInteger, nullable=False),
    Column("corrected", BigInteger, nullable=False),
    Column("excluded", Text, nullable=False, default="{}"),  # JSON: accounts left out, by reason
    Column("framing", String(40), nullable=False),
    Column("status", String(10), nullable=False),  # writing | complete
    Column("actor", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

metro2_export_accounts = Table(
    "metro2_export_accounts",
    metadata,
    Column("export_id", Id, primary_key=True),
    Column("loan_id", Id, primary_key=True),
    Column("digest", String(16), nullable=False),
    Column("account_status", String(2), nullable=False),
    Column("compliance_condition_code", String(2), nullable=False),
    Column("consumer_information_indicator", String(2), nullable=False),
    Column("correction_indicator", SmallInteger, nullable=False),
)

Index("ix_metro2_exports_month", metro2_exports.c.month, metro2_exports.c.id)
Index("ix_metro2_export_accounts_loan", metro2_export_accounts.c.loan_id)

__all__ = ["metro2_export_accounts", "metro2_exports"]
