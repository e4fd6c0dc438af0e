"""Tables of the decision engine: which model scored each decision, and why the optimiser chose.

``decisions.model_version`` (added here to the cycle's table) names the scoring model that
scored the account that day. ``decision_values`` keeps, per account and run, the scores with
their reason codes and the optimiser's explanation: the expected value of the chosen and of
the runner-up treatment (whole cents, rounded where they are stored), the binding capacity
and its price. A bulk table: no foreign keys (ADR 0005).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, String, Table

from arrears.adapters.db.schema import metadata
from arrears.adapters.db.schema_cycle import decisions
from arrears.adapters.db.types import Id

if "model_version" not in decisions.c:
    decisions.append_column(Column("model_version", String(80)))

decision_values = Table(
    "decision_values",
    metadata,
    Column("run_id", Id, primary_key=True),
    Column("loan_id", Id, primary_key=True),
    Column("model_version", String(80), nullable=False),
    Column("reasons", String(120)),
    Column("p_pay_30d", Float),
    Column("expected_30d_minor", BigInteger),
    Column("p_pay_90d", Float),
    Column("expected_90d_minor", BigInteger),
    Column("chosen", String(40)),
    Column("chosen_value_minor", BigInteger),
    Column("runner_up", String(40)),
    Column("runner_up_value_minor", BigInteger),
    Column("binding", String(30)),
    Column("binding_price", Float),
)
