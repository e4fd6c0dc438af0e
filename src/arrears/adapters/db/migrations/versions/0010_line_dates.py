"""ledger lines carry their entry's effective date

A balance as of a date summed the lines of entries effective by then, which joined every line
of a partition's loans to its entry (4.7 s for 50,000 loans, against 1–2 s for the lines
alone). The journal is append-only, so the date copied onto each line never goes stale.

Revision ID: 0010_line_dates
Revises: 0001_initial
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_line_dates"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ledger_lines", sa.Column("effective_date", sa.Date(), nullable=True))
    # One join, not a lookup per line (SQLite has UPDATE … FROM since 3.33).
    op.execute(
        "UPDATE ledger_lines SET effective_date = e.effective_date "
        "FROM ledger_entries e WHERE e.id = ledger_lines.entry_id"
    )
    with op.batch_alter_table("ledger_lines", schema=None) as batch_op:
        batch_op.alter_column("effective_date", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_lines", schema=None) as batch_op:
        batch_op.drop_column("effective_date")
