"""collateral recovery: registry facts, valuation notes, vendors, cases and their steps

Revision ID: 0007_collateral
Revises: 0001_initial
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_collateral"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "collateral_facts",
        sa.Column("collateral_id", _ID, nullable=False),
        sa.Column("title_status", sa.String(length=20), nullable=False),
        sa.Column("lien_status", sa.String(length=12), nullable=False),
        sa.Column("title_state", sa.String(length=2), nullable=False),
        sa.Column("title_number", sa.String(length=40), nullable=False),
        sa.Column("lienholder", sa.String(length=100), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("insurance_coverage", sa.String(length=14), nullable=False),
        sa.Column("insurance_carrier", sa.String(length=100), nullable=False),
        sa.Column("insurance_policy", sa.String(length=60), nullable=False),
        sa.Column("insurance_expires_on", sa.Date(), nullable=True),
        sa.Column("lender_is_loss_payee", sa.Boolean(), nullable=False),
        sa.Column("consumer_goods", sa.Boolean(), nullable=False),
        sa.Column("purchase_money", sa.Boolean(), nullable=False),
        sa.Column("cash_price_minor", sa.BigInteger(), nullable=True),
        sa.Column("senior_liens_minor", sa.BigInteger(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["collateral_id"],
            ["collateral.id"],
            name=op.f("fk_collateral_facts_collateral_id_collateral"),
        ),
        sa.PrimaryKeyConstraint("collateral_id", name=op.f("pk_collateral_facts")),
    )
    op.create_table(
        "valuation_notes",
        sa.Column("valuation_id", _ID, nullable=False),
        sa.Column("valued_by", sa.String(length=100), nullable=False),
        sa.Column("mileage", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["valuation_id"],
            ["valuations.id"],
            name=op.f("fk_valuation_notes_valuation_id_valuations"),
        ),
        sa.PrimaryKeyConstraint("valuation_id", name=op.f("pk_valuation_notes")),
    )
    op.create_table(
        "repossession_vendors",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("states", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repossession_vendors")),
        sa.UniqueConstraint("code", name=op.f("uq_repossession_vendors_code")),
    )
    op.create_table(
        "collateral_cases",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("loan_id", _ID, nullable=False),
        sa.Column("collateral_id", _ID, nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("consumer_goods", sa.Boolean(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_collateral_cases_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["collateral_id"],
            ["collateral.id"],
            name=op.f("fk_collateral_cases_collateral_id_collateral"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collateral_cases")),
    )
    op.create_index(
        op.f("ix_collateral_cases_loan_id"), "collateral_cases", ["loan_id"], unique=False
    )
    op.create_index("ix_collateral_cases_stage", "collateral_cases", ["kind", "stage"])
    op.create_table(
        "collateral_case_steps",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("case_id", _ID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("recorded_at", _AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["collateral_cases.id"],
            name=op.f("fk_collateral_case_steps_case_id_collateral_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collateral_case_steps")),
        sa.UniqueConstraint("case_id", "seq", name=op.f("uq_collateral_case_steps_case_id")),
        sa.UniqueConstraint("case_id", "key", name="uq_collateral_case_steps_case_key"),
    )


def downgrade() -> None:
    op.drop_table("collateral_case_steps")
    op.drop_index("ix_collateral_cases_stage", table_name="collateral_cases")
    op.drop_index(op.f("ix_collateral_cases_loan_id"), table_name="collateral_cases")
    op.drop_table("collateral_cases")
    op.drop_table("repossession_vendors")
    op.drop_table("valuation_notes")
    op.drop_table("collateral_facts")
