"""the transactional outbox: outbox messages and their delivery events

Revision ID: 0003_outbox
Revises: 0001_initial
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_outbox"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("action_id", sa.BigInteger(), nullable=True),
        sa.Column("loan_id", _ID, nullable=False),
        sa.Column("borrower_id", _ID, nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("treatment", sa.String(length=40), nullable=True),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("contact_point_id", sa.BigInteger(), nullable=True),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("provider_message_id", sa.String(length=200), nullable=True),
        sa.Column("gate_decisions", sa.Text(), nullable=False),
        sa.Column("blocked_rules", sa.Text(), nullable=False),
        sa.Column("blocked_reasons", sa.Text(), nullable=False),
        sa.Column("print_date", sa.Date(), nullable=True),
        sa.Column("pdf_path", sa.String(length=300), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("action_id", name=op.f("uq_outbox_messages_action_id")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_messages_idempotency_key")),
        sa.UniqueConstraint("token", name=op.f("uq_outbox_messages_token")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_loan_id"), ["loan_id"], unique=False)
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            "ix_outbox_provider", ["channel", "provider_message_id"], unique=False
        )
        batch_op.create_index("ix_outbox_print", ["print_date", "channel"], unique=False)

    op.create_table(
        "outbox_events",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("provider_event_id", sa.String(length=200), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_events")),
        sa.UniqueConstraint("provider_event_id", name=op.f("uq_outbox_events_provider_event_id")),
    )
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_events_message", ["message_id"], unique=False)


def downgrade() -> None:
    op.drop_table("outbox_events")
    op.drop_table("outbox_messages")
