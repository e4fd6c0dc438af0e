"""decision engine: the model version of each decision, scores and optimiser explanations

Revision ID: 0009_decision_engine
Revises: 0001_initial
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_decision_engine"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("decisions", sa.Column("model_version", sa.String(length=80), nullable=True))
    op.create_table(
        "decision_values",
        sa.Column("run_id", _ID, nullable=False),
        sa.Column("loan_id", _ID, nullable=False),
        sa.Column("model_version", sa.String(length=80), nullable=False),
        sa.Column("reasons", sa.String(length=120), nullable=True),
        sa.Column("p_pay_30d", sa.Float(), nullable=True),
        sa.Column("expected_30d_minor", sa.BigInteger(), nullable=True),
        sa.Column("p_pay_90d", sa.Float(), nullable=True),
        sa.Column("expected_90d_minor", sa.BigInteger(), nullable=True),
        sa.Column("chosen", sa.String(length=40), nullable=True),
        sa.Column("chosen_value_minor", sa.BigInteger(), nullable=True),
        sa.Column("runner_up", sa.String(length=40), nullable=True),
        sa.Column("runner_up_value_minor", sa.BigInteger(), nullable=True),
        sa.Column("binding", sa.String(length=30), nullable=True),
        sa.Column("binding_price", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "loan_id", name=op.f("pk_decision_values")),
    )


def downgrade() -> None:
    op.drop_table("decision_values")
    op.drop_column("decisions", "model_version")
