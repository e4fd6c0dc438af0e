"""communication and negotiation: contact log, preferences, promises, plans, gate decisions

Revision ID: 0002_negotiation
Revises: 0001_initial
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_negotiation"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "borrower_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("contact_point_id", sa.BigInteger(), nullable=True),
        sa.Column("contact_point_kind", sa.String(length=20), nullable=True),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("notes", sa.String(length=1000), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("reference", "outcome", name=op.f("uq_contacts_reference")),
    )
    op.create_index("ix_contacts_borrower_at", "contacts", ["borrower_id", "at"], unique=False)
    op.create_index("ix_contacts_loan_at", "contacts", ["loan_id", "at"], unique=False)
    op.create_table(
        "gate_decisions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "borrower_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("contact_point_id", sa.BigInteger(), nullable=True),
        sa.Column("treatment", sa.String(length=40), nullable=True),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("rule_ids", sa.String(length=400), nullable=False),
        sa.Column("blocked_by", sa.Text(), nullable=False),
        sa.Column("disclosures", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_decisions")),
    )
    op.create_index("ix_gate_decisions_loan_at", "gate_decisions", ["loan_id", "at"], unique=False)
    op.create_table(
        "contact_preferences",
        sa.Column(
            "borrower_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("start_hour", sa.Integer(), nullable=False),
        sa.Column("end_hour", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["borrower_id"],
            ["borrowers.id"],
            name=op.f("fk_contact_preferences_borrower_id_borrowers"),
        ),
        sa.PrimaryKeyConstraint("borrower_id", name=op.f("pk_contact_preferences")),
    )
    op.create_table(
        "plans",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("periods", sa.Integer(), nullable=False),
        sa.Column("first_due_on", sa.Date(), nullable=False),
        sa.Column("shape", sa.String(length=10), nullable=False),
        sa.Column("step_bp", sa.Integer(), nullable=False),
        sa.Column("interest", sa.String(length=10), nullable=False),
        sa.Column("reduced_rate_micros", sa.BigInteger(), nullable=True),
        sa.Column("max_misses", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_by", sa.String(length=64), nullable=True),
        sa.Column("cancel_reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.id"], name=op.f("fk_plans_loan_id_loans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index(op.f("ix_plans_loan_id"), "plans", ["loan_id"], unique=False)
    op.create_table(
        "promises",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("made_by", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.id"], name=op.f("fk_promises_loan_id_loans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promises")),
    )
    op.create_index(op.f("ix_promises_loan_id"), "promises", ["loan_id"], unique=False)
    op.create_table(
        "plan_installments",
        sa.Column("plan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("principal_minor", sa.BigInteger(), nullable=False),
        sa.Column("interest_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_installments_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("plan_id", "seq", name=op.f("pk_plan_installments")),
    )
    op.create_table(
        "promise_installments",
        sa.Column(
            "promise_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promises.id"],
            name=op.f("fk_promise_installments_promise_id_promises"),
        ),
        sa.PrimaryKeyConstraint("promise_id", "seq", name=op.f("pk_promise_installments")),
    )


def downgrade() -> None:
    op.drop_table("promise_installments")
    op.drop_table("plan_installments")
    op.drop_index(op.f("ix_promises_loan_id"), table_name="promises")
    op.drop_table("promises")
    op.drop_index(op.f("ix_plans_loan_id"), table_name="plans")
    op.drop_table("plans")
    op.drop_table("contact_preferences")
    op.drop_index("ix_gate_decisions_loan_at", table_name="gate_decisions")
    op.drop_table("gate_decisions")
    op.drop_index("ix_contacts_loan_at", table_name="contacts")
    op.drop_index("ix_contacts_borrower_at", table_name="contacts")
    op.drop_table("contacts")
