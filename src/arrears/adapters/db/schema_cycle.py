"""Tables of the daily cycle: holds, runs and their partitions, decisions and actions."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.types import Id, UTCDateTime

holds = Table(
    "holds",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("loan_id", Id, ForeignKey("loans.id"), index=True),
    Column("borrower_id", Id, ForeignKey("borrowers.id"), index=True),
    Column("kind", String(24), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("set_by", String(64), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("details", Text, nullable=False, default="{}"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("ended_by", String(64)),
    Column("ended_at", UTCDateTime),
)

strategies = Table(
    "strategies",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("bundle", Text, nullable=False),  # JSON: the file and any files it refers to
    Column("activated_at", UTCDateTime, nullable=False),
    Column("activated_by", String(64), nullable=False),
)

cycle_runs = Table(
    "cycle_runs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("as_of", Date, nullable=False, unique=True),
    Column("strategy", String(80), nullable=False),
    Column("strategy_version", Integer, nullable=False),
    Column("strategy_digest", String(64), nullable=False),
    Column("status", String(12), nullable=False),
    Column("partitions", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("summary", Text, nullable=False, default="{}"),
)

cycle_partitions = Table(
    "cycle_partitions",
    metadata,
    Column("run_id", Id, primary_key=True),
    Column("partition_no", Integer, primary_key=True),
    Column("first_loan_id", BigInteger, nullable=False),
    Column("last_loan_id", BigInteger, nullable=False),
    Column("status", String(12), nullable=False),
    Column("finished_at", UTCDateTime),
    Column("summary", Text, nullable=False, default="{}"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("run_id", Id, primary_key=True),
    Column("loan_id", Id, primary_key=True),
    Column("as_of", Date, nullable=False),
    Column("segment", String(80)),
    Column("experiment", String(80)),
    Column("arm", String(80)),
    Column("arm_probability", Float),
    Column("dpd", Integer, nullable=False),
    Column("bucket", String(20), nullable=False),
    Column("balance_minor", BigInteger, nullable=False),
    Column("past_due_minor", BigInteger, nullable=False),
    Column("score", Float),
)

decision_items = Table(
    "decision_items",
    metadata,
    Column("run_id", Id, primary_key=True),
    Column("loan_id", Id, primary_key=True),
    Column("treatment", String(40), primary_key=True),
    Column("rank", Integer, nullable=False),
    Column("rule", String(200), nullable=False),
    Column("status", String(10), nullable=False),  # planned | blocked
    Column("blocked_by", String(20)),  # hold | missing | compliance | capacity
    Column("reason", String(300)),
    Column("source", String(200)),
    Column("action_id", BigInteger),
)

actions = Table(
    "actions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", BigInteger),
    Column("loan_id", Id, nullable=False),
    Column("borrower_id", Id, nullable=False),
    Column("treatment", String(40), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("channel", String(10)),
    Column("template", String(60)),
    Column("category", String(20), nullable=False),
    Column("queue", String(40)),
    Column("priority", Integer, nullable=False, default=0),
    Column("status", String(12), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("assigned_to", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("details", Text, nullable=False, default="{}"),
    UniqueConstraint("run_id", "loan_id", "treatment"),
)

Index("ix_actions_loan_treatment", actions.c.loan_id, actions.c.treatment, actions.c.due_on)
Index("ix_actions_queue", actions.c.kind, actions.c.status, actions.c.queue, actions.c.priority)
Index("ix_decisions_loan", decisions.c.loan_id, decisions.c.as_of)
