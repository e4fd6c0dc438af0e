"""The tables of the foundation: portfolio, ledger, import runs and the audit trail.

Tables written in bulk (contact points, installments, payments, journal entries)
carry no foreign-key constraints: a per-row constraint trigger makes PostgreSQL's COPY about
nine times slower, and their writers already guarantee the references (the import checks
every reference before writing; an entry carries its own lines, docs/adr/0017).
See docs/adr/0005-no-foreign-keys-on-bulk-tables.md.

Money columns are integer minor units (``*_minor``), rates integer millionths
(``*_micros``); sensitive values are stored sealed (``*_sealed``) with a blind index
(``*_index``) for comparison. Later workflows add their own tables in their own modules and
migrations.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from arrears.adapters.db.journal_columns import COLUMNS as AMOUNT_COLUMNS
from arrears.adapters.db.types import Id, UTCDateTime, bytewise_text

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

borrowers = Table(
    "borrowers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("external_id", String(64), nullable=False, unique=True),
    Column("first_name", String(60), nullable=False),
    Column("middle_name", String(60), nullable=False, default=""),
    Column("last_name", String(60), nullable=False),
    Column("suffix", String(10), nullable=False, default=""),
    Column("dob_sealed", Text),
    Column("dob_index", String(32)),
    Column("ssn_sealed", Text),
    Column("ssn_index", String(32), index=True),
    Column("ssn_last4", String(4), nullable=False, default=""),
    Column("language", String(2), nullable=False, default="en"),
    Column("address_line1", String(100), nullable=False),
    Column("address_line2", String(100), nullable=False, default=""),
    Column("city", String(60), nullable=False),
    Column("state", String(2), nullable=False),
    Column("zip", String(10), nullable=False),
    Column("address_time_zone", String(40), nullable=False),
    Column("content_hash", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

contact_points = Table(
    "contact_points",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("borrower_id", Id, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("value", String(254), nullable=False),
    Column("status", String(10), nullable=False, default="active"),
    Column("time_zones", String(120), nullable=False, default=""),
    Column("sms_consent_at", UTCDateTime),
    Column("call_opted_out_at", UTCDateTime),
    Column("sms_opted_out_at", UTCDateTime),
    Column("email_opted_out_at", UTCDateTime),
    Column("source", String(20), nullable=False, default="import"),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("borrower_id", "kind", "value"),
)

loans = Table(
    "loans",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("external_id", String(64), nullable=False, unique=True),
    Column("borrower_id", Id, ForeignKey("borrowers.id"), nullable=False, index=True),
    Column("co_borrower_id", Id, ForeignKey("borrowers.id")),
    Column("product", String(10), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("principal_minor", BigInteger, nullable=False),
    Column("annual_rate_micros", BigInteger, nullable=False),
    Column("term_months", Integer, nullable=False),
    Column("origination_date", Date, nullable=False),
    Column("first_due_date", Date, nullable=False),
    Column("contract_state", String(2), nullable=False),
    Column("contract_type", String(12), nullable=False),
    Column("credit_limit_minor", BigInteger),
    Column("status", String(12), nullable=False),
    Column("charge_off_date", Date),
    Column("charge_off_amount_minor", BigInteger),
    Column("original_creditor", String(60), nullable=False, default=""),
    Column("schedule_source", String(10), nullable=False, default="generated"),
    Column("content_hash", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

installments = Table(
    "installments",
    metadata,
    Column("loan_id", Id, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("due_date", Date, nullable=False),
    Column("principal_minor", BigInteger, nullable=False),
    Column("interest_minor", BigInteger, nullable=False),
    Column("fees_minor", BigInteger, nullable=False),
)

charges = Table(
    "charges",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("loan_id", Id, ForeignKey("loans.id"), nullable=False),
    Column("key", String(80), nullable=False),
    Column("component", String(12), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("loan_id", "key"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("external_id", bytewise_text(64), nullable=False, unique=True),  # ADR 0008
    Column("loan_id", Id, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("method", String(10), nullable=False),
    Column("status", String(10), nullable=False),
    Column("returned_date", Date),
    Column("return_reason", String(100), nullable=False, default=""),
    Column("source", String(20), nullable=False, default="import"),
    # payment, agency, waiver, write_off or sale_proceeds (arrears.domain.credits)
    Column("credit_kind", String(16), nullable=False, server_default="payment"),
    Column("reason", String(200), nullable=False, server_default=""),
    Column("import_run_id", BigInteger),
    Column("received_at", UTCDateTime, nullable=False),
)

collateral = Table(
    "collateral",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("external_id", String(64), nullable=False, unique=True),
    Column("loan_id", Id, ForeignKey("loans.id"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("vin", String(17)),
    Column("year", Integer),
    Column("make", String(40)),
    Column("model", String(60)),
    Column("mileage", Integer),
    Column("condition", String(12)),
    Column("address_line1", String(100)),
    Column("address_line2", String(100)),
    Column("city", String(60)),
    Column("state", String(2)),
    Column("zip", String(10)),
    Column("property_type", String(20)),
    Column("lien_position", Integer),
    Column("occupancy", String(10)),
    Column("content_hash", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

valuations = Table(
    "valuations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("collateral_id", Id, ForeignKey("collateral.id"), nullable=False),
    Column("valued_on", Date, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("source", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("collateral_id", "valued_on", "source"),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("loan_id", Id, nullable=False),
    Column("source", bytewise_text(100), nullable=False),  # in the unique key: ADR 0008
    Column("version", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reverses_version", Integer),
    Column("memo", String(200), nullable=False, default=""),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("run_id", BigInteger),
    # The entry's lines, one amount per account (journal_columns, ADR 0017).
    *(Column(name, BigInteger) for name in AMOUNT_COLUMNS),
    UniqueConstraint("loan_id", "source", "version"),
)

import_runs = Table(
    "import_runs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("status", String(24), nullable=False),
    Column("files", Text, nullable=False),
    Column("counts", Text, nullable=False, default="{}"),
    Column("problems", Integer, nullable=False, default=0),
    Column("actor", String(64), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity_type", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("details", Text, nullable=False, default="{}"),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # The chain the entry is in (audit_store.lane_of); entries from before lanes are in 0.
    Column("lane", SmallInteger, nullable=False, server_default="0"),
)

Index("ix_audit_entity", audit_log.c.entity_type, audit_log.c.entity_id)
Index("ix_audit_lane", audit_log.c.lane, audit_log.c.id)  # a lane's newest entry; verify's order
Index("ix_payments_loan_effective", payments.c.loan_id, payments.c.effective_date)

__all__ = [
    "audit_log",
    "borrowers",
    "charges",
    "collateral",
    "contact_points",
    "import_runs",
    "installments",
    "ledger_entries",
    "loans",
    "metadata",
    "payments",
    "valuations",
]


def _load_workflow_tables() -> None:
    """Workflows declare their tables in ``schema_<workflow>.py`` on this same ``metadata``;
    importing every such module here makes ``metadata`` complete wherever it is used."""
    import importlib
    import pkgutil

    import arrears.adapters.db as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("schema_"):
            importlib.import_module(f"{package.__name__}.{module.name}")


_load_workflow_tables()
