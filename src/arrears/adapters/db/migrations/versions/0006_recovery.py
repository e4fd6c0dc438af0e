"""recovery: settlement offers, legal action and debt recovery agencies

Revision ID: 0006_recovery
Revises: 0001_initial
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_recovery"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("fees", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("states", sa.String(length=160), nullable=False),
        sa.Column("challenger", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("code", name=op.f("uq_agencies_code")),
    )
    op.create_table(
        "remittances",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_on", sa.Date(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("posted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("collected_minor", sa.BigInteger(), nullable=False),
        sa.Column("commission_minor", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_remittances_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittances")),
    )
    op.create_index(op.f("ix_remittances_agency_id"), "remittances", ["agency_id"], unique=False)
    op.create_table(
        "legal_cases",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("referred_by", sa.String(length=64), nullable=False),
        sa.Column("firm", sa.String(length=100), nullable=False),
        sa.Column("attorney", sa.String(length=100), nullable=False),
        sa.Column("court", sa.String(length=120), nullable=False),
        sa.Column("case_number", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("hold_id", sa.BigInteger(), nullable=True),
        sa.Column("review_action_id", sa.BigInteger(), nullable=True),
        sa.Column("cost_benefit", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_legal_cases_loan_id_loans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_cases")),
    )
    op.create_index(op.f("ix_legal_cases_loan_id"), "legal_cases", ["loan_id"], unique=False)
    op.create_table(
        "placements",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("recall_due_on", sa.Date(), nullable=False),
        sa.Column("recalled_on", sa.Date(), nullable=True),
        sa.Column("recall_reason", sa.String(length=200), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("age_days", sa.Integer(), nullable=False),
        sa.Column("commission_micros", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("principal_minor", sa.BigInteger(), nullable=False),
        sa.Column("interest_minor", sa.BigInteger(), nullable=False),
        sa.Column("fees_minor", sa.BigInteger(), nullable=False),
        sa.Column("arm", sa.String(length=12), nullable=False),
        sa.Column("placed_by", sa.String(length=64), nullable=False),
        sa.Column("review_action_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_placements_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_placements_loan_id_loans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
    )
    op.create_index(op.f("ix_placements_agency_id"), "placements", ["agency_id"], unique=False)
    op.create_index(op.f("ix_placements_loan_id"), "placements", ["loan_id"], unique=False)
    op.create_index("ix_placements_status", "placements", ["status", "agency_id"], unique=False)
    op.create_table(
        "remittance_differences",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "remittance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("payment_ref", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("expected_minor", sa.BigInteger(), nullable=True),
        sa.Column("found_minor", sa.BigInteger(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["remittance_id"],
            ["remittances.id"],
            name=op.f("fk_remittance_differences_remittance_id_remittances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittance_differences")),
    )
    op.create_index(
        op.f("ix_remittance_differences_remittance_id"),
        "remittance_differences",
        ["remittance_id"],
        unique=False,
    )
    op.create_table(
        "settlement_offers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("offer_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("installments", sa.Integer(), nullable=False),
        sa.Column("floor_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount_micros", sa.BigInteger(), nullable=False),
        sa.Column("required_role", sa.String(length=24), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("pricing", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("presented_via", sa.String(length=10), nullable=True),
        sa.Column("presented_on", sa.Date(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("plan_id", sa.BigInteger(), nullable=True),
        sa.Column("review_action_id", sa.BigInteger(), nullable=True),
        sa.Column("conditional_credit_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_settlement_offers_loan_id_loans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_offers")),
    )
    op.create_index(
        op.f("ix_settlement_offers_loan_id"), "settlement_offers", ["loan_id"], unique=False
    )
    op.create_index(
        "ix_settlement_offers_status",
        "settlement_offers",
        ["status", "required_role"],
        unique=False,
    )
    op.create_table(
        "legal_proceedings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("judgment_minor", sa.BigInteger(), nullable=True),
        sa.Column("judgment_on", sa.Date(), nullable=True),
        sa.Column("judgment_rate_micros", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["legal_cases.id"], name=op.f("fk_legal_proceedings_case_id_legal_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_proceedings")),
    )
    op.create_index(
        op.f("ix_legal_proceedings_case_id"), "legal_proceedings", ["case_id"], unique=False
    )
    op.create_table(
        "remittance_lines",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "remittance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("payment_ref", sa.String(length=64), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "placement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("claimed_commission_minor", sa.BigInteger(), nullable=False),
        sa.Column("commission_minor", sa.BigInteger(), nullable=False),
        sa.Column("after_recall", sa.Boolean(), nullable=False),
        sa.Column("credit_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_remittance_lines_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_remittance_lines_placement_id_placements"),
        ),
        sa.ForeignKeyConstraint(
            ["remittance_id"],
            ["remittances.id"],
            name=op.f("fk_remittance_lines_remittance_id_remittances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittance_lines")),
        sa.UniqueConstraint("agency_id", "payment_ref", name=op.f("uq_remittance_lines_agency_id")),
    )
    op.create_index(
        op.f("ix_remittance_lines_loan_id"), "remittance_lines", ["loan_id"], unique=False
    )
    op.create_index(
        op.f("ix_remittance_lines_placement_id"), "remittance_lines", ["placement_id"], unique=False
    )
    op.create_index(
        op.f("ix_remittance_lines_remittance_id"),
        "remittance_lines",
        ["remittance_id"],
        unique=False,
    )
    op.create_table(
        "settlement_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("offer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["settlement_offers.id"],
            name=op.f("fk_settlement_events_offer_id_settlement_offers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_events")),
    )
    op.create_index(
        op.f("ix_settlement_events_offer_id"), "settlement_events", ["offer_id"], unique=False
    )
    op.create_table(
        "settlements",
        sa.Column("offer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("forgiven_minor", sa.BigInteger(), nullable=False),
        sa.Column("principal_forgiven_minor", sa.BigInteger(), nullable=False),
        sa.Column("interest_forgiven_minor", sa.BigInteger(), nullable=False),
        sa.Column("fees_forgiven_minor", sa.BigInteger(), nullable=False),
        sa.Column("metro2_status", sa.String(length=2), nullable=False),
        sa.Column("special_comment", sa.String(length=2), nullable=False),
        sa.Column("form_1099c", sa.Boolean(), nullable=False),
        sa.Column("form_1099c_issuer", sa.String(length=40), nullable=False),
        sa.Column("identifiable_event", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_settlements_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["settlement_offers.id"],
            name=op.f("fk_settlements_offer_id_settlement_offers"),
        ),
        sa.PrimaryKeyConstraint("offer_id", name=op.f("pk_settlements")),
    )
    op.create_index(op.f("ix_settlements_loan_id"), "settlements", ["loan_id"], unique=False)
    op.create_table(
        "legal_costs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "proceeding_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("incurred_on", sa.Date(), nullable=False),
        sa.Column("recoverable", sa.Boolean(), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.Column("posted_as", sa.String(length=80), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proceeding_id"],
            ["legal_proceedings.id"],
            name=op.f("fk_legal_costs_proceeding_id_legal_proceedings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_costs")),
    )
    op.create_index(
        op.f("ix_legal_costs_proceeding_id"), "legal_costs", ["proceeding_id"], unique=False
    )
    op.create_table(
        "legal_dates",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "proceeding_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proceeding_id"],
            ["legal_proceedings.id"],
            name=op.f("fk_legal_dates_proceeding_id_legal_proceedings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_dates")),
    )
    op.create_index(
        op.f("ix_legal_dates_proceeding_id"), "legal_dates", ["proceeding_id"], unique=False
    )
    op.create_table(
        "legal_documents",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "proceeding_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("outbox_message_id", sa.BigInteger(), nullable=True),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proceeding_id"],
            ["legal_proceedings.id"],
            name=op.f("fk_legal_documents_proceeding_id_legal_proceedings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_documents")),
    )
    op.create_index(
        op.f("ix_legal_documents_proceeding_id"), "legal_documents", ["proceeding_id"], unique=False
    )
    op.create_table(
        "legal_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "proceeding_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proceeding_id"],
            ["legal_proceedings.id"],
            name=op.f("fk_legal_events_proceeding_id_legal_proceedings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_events")),
    )
    op.create_index(
        op.f("ix_legal_events_proceeding_id"), "legal_events", ["proceeding_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("legal_events")
    op.drop_table("legal_documents")
    op.drop_table("legal_dates")
    op.drop_table("legal_costs")
    op.drop_table("settlements")
    op.drop_table("settlement_events")
    op.drop_table("remittance_lines")
    op.drop_table("legal_proceedings")
    op.drop_table("settlement_offers")
    op.drop_table("remittance_differences")
    op.drop_table("placements")
    op.drop_table("legal_cases")
    op.drop_table("remittances")
    op.drop_table("agencies")
