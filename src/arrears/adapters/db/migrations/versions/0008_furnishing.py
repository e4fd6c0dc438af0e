"""credit-bureau furnishing: Metro 2 exports and what each reported per account

Revision ID: 0008_furnishing
Revises: 0001_initial
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_furnishing"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "metro2_exports",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("date_created", sa.Date(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("corrected", sa.BigInteger(), nullable=False),
        sa.Column("excluded", sa.Text(), nullable=False),
        sa.Column("framing", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metro2_exports")),
    )
    op.create_index("ix_metro2_exports_month", "metro2_exports", ["month", "id"], unique=False)
    op.create_table(
        "metro2_export_accounts",
        sa.Column("export_id", _ID, nullable=False),
        sa.Column("loan_id", _ID, nullable=False),
        sa.Column("digest", sa.String(length=16), nullable=False),
        sa.Column("account_status", sa.String(length=2), nullable=False),
        sa.Column("compliance_condition_code", sa.String(length=2), nullable=False),
        sa.Column("consumer_information_indicator", sa.String(length=2), nullable=False),
        sa.Column("correction_indicator", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("export_id", "loan_id", name=op.f("pk_metro2_export_accounts")),
    )
    op.create_index(
        "ix_metro2_export_accounts_loan", "metro2_export_accounts", ["loan_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_metro2_export_accounts_loan", table_name="metro2_export_accounts")
    op.drop_table("metro2_export_accounts")
    op.drop_index("ix_metro2_exports_month", table_name="metro2_exports")
    op.drop_table("metro2_exports")
