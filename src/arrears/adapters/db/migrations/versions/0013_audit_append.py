"""the audit trail's append in one statement on PostgreSQL

Appending an entry took three round trips under its lane's lock: take the lock, read the lane's
newest hash, insert. Every audited request pays them, an account view among them (15 round
trips in all). ``audit_append`` does the three in the database: a PL/pgSQL function, so its
read runs with a snapshot taken after the lock is granted (each statement of a volatile function
takes its own under READ COMMITTED) and sees the entry of whoever held the lock before. The
hash is SHA-256 over ``["<previous hash>",`` followed by the rest of the canonical form, which
the application sends (``audit_store.entry_tail``); ``arrears audit verify`` recomputes it in
Python as before. SQLite keeps the three statements (its writers never overlap). It branches
from 0001 like the revisions before it: PostgreSQL checks a function's statements against the
tables when it runs, not when it is created, and it runs only on a database at every head, which
has the lanes of 0011.

Revision ID: 0013_audit_append
Revises: 0001_initial
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0013_audit_append"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

APPEND = """
CREATE OR REPLACE FUNCTION audit_append(
    p_lock integer, p_genesis text, p_lane smallint, p_at timestamptz, p_actor text,
    p_action text, p_entity_type text, p_entity_id text, p_details text, p_tail text
) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    previous text;
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock, p_lane);
    SELECT hash INTO previous FROM audit_log WHERE lane = p_lane ORDER BY id DESC LIMIT 1;
    previous := coalesce(previous, p_genesis);
    INSERT INTO audit_log
        (at, actor, action, entity_type, entity_id, details, prev_hash, hash, lane)
    VALUES (
        p_at, p_actor, p_action, p_entity_type, p_entity_id, p_details, previous,
        encode(sha256(convert_to('["' || previous || '",' || p_tail, 'UTF8')), 'hex'), p_lane
    );
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(APPEND)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "DROP FUNCTION IF EXISTS audit_append(integer, text, smallint, timestamptz, text, text,"
        " text, text, text, text)"
    )
