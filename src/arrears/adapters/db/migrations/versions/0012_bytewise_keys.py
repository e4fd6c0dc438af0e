"""the bulk tables' text keys compare bytewise on PostgreSQL

The unique indexes on ledger_entries (loan_id, source, version) and payments (external_id)
compared their text through the database's collation, i.e. strcoll; the import inserts about 50
million entries and 24 million payments for 1,000,000 loans. Under an en_US.UTF-8 database,
loading 5.0M entries took 21.0 s and 2.4M payments 15.2 s; with COLLATE "C", which compares the
bytes, 15.9 s and 10.2 s (docs/adr/0008). These keys are ASCII (``installment:3``,
``LN000000001-0001``), nothing sorts them in SQL, and the journal's planner already orders
them bytewise (Polars). SQLite compares bytewise already: nothing changes there. On PostgreSQL
the tables are not rewritten, but their indexes on these columns are rebuilt under an ACCESS
EXCLUSIVE lock: minutes on a large book. It branches from 0001 like the revisions before it
(``migrate``: they touch different tables).

Revision ID: 0012_bytewise_keys
Revises: 0001_initial
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_bytewise_keys"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

BYTEWISE = (("ledger_entries", "source", 100), ("payments", "external_id", 64))
"""(table, column, length) of the text keys whose comparisons were measured to cost."""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in BYTEWISE:
        op.alter_column(
            table,
            column,
            existing_type=sa.String(length),
            type_=sa.String(length, collation="C"),
            existing_nullable=False,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in BYTEWISE:
        # without COLLATE the column takes the database's default collation again
        op.alter_column(
            table,
            column,
            existing_type=sa.String(length, collation="C"),
            type_=sa.String(length),
            existing_nullable=False,
        )
