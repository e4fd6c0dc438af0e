"""The decision engine in the database: scores and explanations (``decision_values``), and the
actions a run planned, as the simulator's database path reads them back."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, select

from arrears.adapters.db.bulk import frame_from_rows, insert_frame
from arrears.adapters.db.schema import loans
from arrears.adapters.db.schema_cycle import actions
from arrears.adapters.db.schema_decision_engine import decision_values

COLUMNS = {
    "run_id": pl.Int64, "loan_id": pl.Int64, "model_version": pl.Utf8, "reasons": pl.Utf8,
    "p_pay_30d": pl.Float64, "expected_30d_minor": pl.Int64, "p_pay_90d": pl.Float64,
    "expected_90d_minor": pl.Int64, "chosen": pl.Utf8, "chosen_value_minor": pl.Int64,
    "runner_up": pl.Utf8, "runner_up_value_minor": pl.Int64, "binding": pl.Utf8,
    "binding_price": pl.Float64,
}  # fmt: skip


class SqlDecisionEngine:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def write_values(self, rows: pl.DataFrame) -> int:
        typed = rows.select([pl.col(c).cast(t) for c, t in COLUMNS.items()])
        return insert_frame(self.connection, decision_values, typed)

    def values_of_run(self, run_id: int, *, loan_ids: list[int] | None = None) -> pl.DataFrame:
        query = select(*(decision_values.c[c] for c in COLUMNS)).where(
            decision_values.c.run_id == run_id
        )
        if loan_ids is not None:
            query = query.where(decision_values.c.loan_id.in_(loan_ids))
        return frame_from_rows(self.connection.execute(query).fetchall(), COLUMNS)

    def planned_actions(self, run_id: int) -> pl.DataFrame:
        query = (
            select(actions.c.loan_id, loans.c.external_id, actions.c.treatment)
            .join(loans, loans.c.id == actions.c.loan_id)
            .where(actions.c.run_id == run_id)
            .order_by(actions.c.loan_id, actions.c.treatment)
        )
        schema = {"loan_id": pl.Int64, "external_id": pl.Utf8, "treatment": pl.Utf8}
        return frame_from_rows(self.connection.execute(query).fetchall(), schema)
