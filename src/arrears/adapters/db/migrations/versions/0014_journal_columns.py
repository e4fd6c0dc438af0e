"""an entry's lines become amount columns of the entry; ledger_lines becomes a view

One row per entry instead of one per entry and one per line (docs/adr/0017): the lines of each
entry are summed into its account's column, the table of lines is dropped and a view of the
same name and columns shows them line by line. It follows 0010 (the lines' dates) and 0012
(the entries' bytewise key), whose tables it changes.

Revision ID: 0014_journal_columns
Revises: 0010_line_dates, 0012_bytewise_keys
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.adapters.db.journal_columns import lines_view

revision = "0014_journal_columns"
down_revision = ("0010_line_dates", "0012_bytewise_keys")
branch_labels = None
depends_on = None

#: The chart of accounts when this revision was written, in name order (a later account is a
#: later revision's column).
ACCOUNTS = (
    "agency_commission", "cash", "costs", "costs_advanced", "fee_income", "fees", "funding",
    "interest", "interest_income", "penalties", "penalty_income", "principal", "refunds",
    "sale_proceeds", "suspense", "waived", "written_off",
)  # fmt: skip
COLUMNS = tuple(f"{account}_minor" for account in ACCOUNTS)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in COLUMNS:
        op.add_column("ledger_entries", sa.Column(name, sa.BigInteger(), nullable=True))
    sums = ", ".join(
        f"SUM(CASE WHEN account = '{a}' THEN amount_minor END) AS {a}_minor" for a in ACCOUNTS
    )
    assigned = ", ".join(f"{name} = x.{name}" for name in COLUMNS)
    # One pass over the lines (SQLite has UPDATE … FROM since 3.33); 0 marks no line on
    # SQLite, NULL on PostgreSQL (journal_columns).
    op.execute(
        f"UPDATE ledger_entries SET {assigned} FROM (SELECT entry_id, {sums} FROM ledger_lines "
        "GROUP BY entry_id) AS x WHERE x.entry_id = ledger_entries.id"
    )
    if dialect != "postgresql":
        op.execute(
            "UPDATE ledger_entries SET "
            + ", ".join(f"{name} = COALESCE({name}, 0)" for name in COLUMNS)
        )
    op.drop_table("ledger_lines")
    op.execute(lines_view(dialect, ACCOUNTS))


def downgrade() -> None:
    op.execute("DROP VIEW ledger_lines")
    op.create_table(
        "ledger_lines",
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account", sa.String(length=24), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
    )
    op.create_index("ix_ledger_lines_loan_id", "ledger_lines", ["loan_id"])
    for account in ACCOUNTS:
        op.execute(
            "INSERT INTO ledger_lines (entry_id, loan_id, account, amount_minor, effective_date) "
            f"SELECT id, loan_id, '{account}', {account}_minor, effective_date "
            f"FROM ledger_entries WHERE {account}_minor <> 0"
        )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)
