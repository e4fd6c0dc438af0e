"""the audit trail in lanes: independent hash chains, each with its own lock

Every audited request appended to one hash chain under one lock held until its commit, so the
requests queued on it (ADR 0006). Each entry now names its lane; the entries already written
stay in lane 0, hashes untouched, and remain a valid chain there (the hash covers the lane only
when it is not 0). The index on (lane, id) finds a lane's newest entry and orders ``verify``.
It branches from 0001 like the revisions before it (``migrate``: they touch different tables).

Revision ID: 0011_audit_lanes
Revises: 0001_initial
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_audit_lanes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant default: PostgreSQL adds the column without rewriting the table.
    op.add_column(
        "audit_log",
        sa.Column("lane", sa.SmallInteger(), server_default="0", nullable=False),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_lane", ["lane", "id"], unique=False)


def downgrade() -> None:
    # Entries of other lanes than 0 then no longer verify as one chain: downgrade only a trail
    # that never ran with lanes.
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_lane")
        batch_op.drop_column("lane")
