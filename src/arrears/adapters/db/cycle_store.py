"""The daily cycle in the database: runs and partitions, the inputs of a partition, and its
decisions, decision items and actions (written together, in the partition's transaction)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, and_, bindparam, insert, select, text, update

from arrears.adapters.db.bulk import insert_frame, lookup, query_frame
from arrears.adapters.db.prebuilt import Prebuilt, Read
from arrears.adapters.db.schema_cycle import (
    actions,
    cycle_partitions,
    cycle_runs,
    decision_items,
    decisions,
)
from arrears.services.ports import PartitionRecord, RunRecord

# A staff account page shows the loan's latest decisions: built once.
_LATEST_DECISIONS = (
    select(decisions)
    .where(decisions.c.loan_id == bindparam("loan_id"))
    .order_by(decisions.c.as_of.desc())
    .limit(bindparam("limit"))
    .subquery("latest")
)
_ITEM = "item__"  # the items' columns, named apart from the decisions' (both have run_id)
_DECISIONS_WITH_ITEMS = Prebuilt(
    select(_LATEST_DECISIONS, *(c.label(_ITEM + c.name) for c in decision_items.c))
    .outerjoin(
        decision_items,
        and_(
            decision_items.c.loan_id == _LATEST_DECISIONS.c.loan_id,
            decision_items.c.run_id == _LATEST_DECISIONS.c.run_id,
        ),
    )
    .order_by(_LATEST_DECISIONS.c.as_of.desc(), _LATEST_DECISIONS.c.run_id, decision_items.c.rank)
)
"""A loan's latest decisions, each row with one of its items (or none): one read for both."""


def latest_decisions(loan_id: int, *, limit: int) -> Read:
    """The read of a loan's latest ``limit`` decisions with their items (also what a
    collector's view prefetches)."""
    return _DECISIONS_WITH_ITEMS, {"loan_id": loan_id, "limit": limit}


class SqlCycleStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- runs ---------------------------------------------------------------------------------

    def run_for(self, as_of: date) -> RunRecord | None:
        row = self.connection.execute(
            select(cycle_runs).where(cycle_runs.c.as_of == as_of)
        ).one_or_none()
        if row is None:
            return None
        return RunRecord(row.id, row.as_of, row.status, json.loads(row.summary))

    def latest_completed(self) -> date | None:
        found = self.connection.execute(
            select(cycle_runs.c.as_of)
            .where(cycle_runs.c.status == "completed")
            .order_by(cycle_runs.c.as_of.desc())
            .limit(1)
        ).scalar_one_or_none()
        return found

    def start(
        self,
        *,
        as_of: date,
        strategy: str,
        version: int,
        digest: str,
        bounds: list[tuple[int, int]],
        at: datetime,
    ) -> int:
        run_id = int(
            self.connection.execute(
                insert(cycle_runs)
                .values(
                    as_of=as_of,
                    strategy=strategy,
                    strategy_version=version,
                    strategy_digest=digest,
                    status="running",
                    partitions=len(bounds),
                    started_at=at,
                )
                .returning(cycle_runs.c.id)
            ).scalar_one()
        )
        if bounds:
            self.connection.execute(
                insert(cycle_partitions),
                [
                    {
                        "run_id": run_id,
                        "partition_no": number,
                        "first_loan_id": first,
                        "last_loan_id": last,
                        "status": "pending",
                    }
                    for number, (first, last) in enumerate(bounds)
                ],
            )
        return run_id

    def pending_partitions(self, run_id: int) -> list[PartitionRecord]:
        rows = self.connection.execute(
            select(cycle_partitions)
            .where(cycle_partitions.c.run_id == run_id, cycle_partitions.c.status == "pending")
            .order_by(cycle_partitions.c.partition_no)
        ).all()
        return [PartitionRecord(r.partition_no, r.first_loan_id, r.last_loan_id) for r in rows]

    def partition_summaries(self, run_id: int) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            select(cycle_partitions.c.summary).where(cycle_partitions.c.run_id == run_id)
        ).scalars()
        return [json.loads(r) for r in rows]

    def finish_partition(
        self, run_id: int, number: int, *, summary: dict[str, Any], at: datetime
    ) -> None:
        self.connection.execute(
            update(cycle_partitions)
            .where(cycle_partitions.c.run_id == run_id, cycle_partitions.c.partition_no == number)
            .values(status="done", finished_at=at, summary=json.dumps(summary))
        )

    def finish(self, run_id: int, *, summary: dict[str, Any], at: datetime) -> None:
        self.connection.execute(
            update(cycle_runs)
            .where(cycle_runs.c.id == run_id)
            .values(status="completed", finished_at=at, summary=json.dumps(summary))
        )

    def loan_ids(self) -> list[int]:
        """Every loan id, ascending (one CSV text on PostgreSQL: 1,000,000 rows in well under
        a second, where a row object each took seconds)."""
        ids = query_frame(self.connection, "SELECT id FROM loans", {}, {"id": pl.Int64})
        return ids.get_column("id").sort().to_list()

    def earliest_origination(self) -> date | None:
        value = self.connection.execute(text("SELECT MIN(origination_date) FROM loans")).scalar()
        if value is None:
            return None
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    # -- partition inputs ---------------------------------------------------------------------

    def accounts(self, first: int, last: int) -> pl.DataFrame:
        """One row per loan in the range with what the cycle needs about loan and borrower."""
        return query_frame(
            self.connection,
            "SELECT l.id, l.borrower_id, l.product, l.contract_state, l.status, "
            "l.charge_off_date, l.origination_date, b.state, b.language "
            "FROM loans l JOIN borrowers b ON b.id = l.borrower_id "
            "WHERE l.id BETWEEN :first AND :last",
            {"first": first, "last": last},
            {
                "loan_id": pl.Int64,
                "borrower_id": pl.Int64,
                "product": pl.Utf8,
                "contract_state": pl.Utf8,
                "status": pl.Utf8,
                "charge_off_date": pl.Date,
                "origination_date": pl.Date,
                "borrower_state": pl.Utf8,
                "language": pl.Utf8,
            },
        ).sort("loan_id")

    def contact_points(self, first: int, last: int) -> pl.DataFrame:
        """Usable contact points of the borrowers of loans in the range, with consent state."""
        return query_frame(
            self.connection,
            "SELECT DISTINCT cp.borrower_id, cp.kind, "
            "CASE WHEN cp.sms_consent_at IS NOT NULL AND cp.sms_opted_out_at IS NULL "
            "THEN 1 ELSE 0 END, "
            "CASE WHEN cp.call_opted_out_at IS NULL THEN 1 ELSE 0 END, "
            "CASE WHEN cp.email_opted_out_at IS NULL THEN 1 ELSE 0 END "
            "FROM contact_points cp JOIN loans l ON l.borrower_id = cp.borrower_id "
            "WHERE l.id BETWEEN :first AND :last AND cp.status = 'active'",
            {"first": first, "last": last},
            {
                "borrower_id": pl.Int64,
                "kind": pl.Utf8,
                "sms_ok": pl.Int8,
                "call_ok": pl.Int8,
                "email_ok": pl.Int8,
            },
        )

    def collateral_values(self, first: int, last: int, *, as_of: date) -> pl.DataFrame:
        return query_frame(
            self.connection,
            "SELECT c.loan_id, c.kind, v.valued_on, v.amount_minor FROM collateral c "
            "LEFT JOIN valuations v ON v.collateral_id = c.id AND v.valued_on <= :as_of "
            "WHERE c.loan_id BETWEEN :first AND :last",
            {"first": first, "last": last, "as_of": as_of},
            {
                "loan_id": pl.Int64,
                "collateral_kind": pl.Utf8,
                "valued_on": pl.Date,
                "value_minor": pl.Int64,
            },
        )

    def past_actions(self, first: int, last: int, *, before: date) -> pl.DataFrame:
        """Actions planned for loans in the range before ``before`` (the cadence history).

        Read through the database's own CSV rendering: the history grows by a few rows per
        account and business day, and building a Python tuple per row cost more than the rest
        of a small cycle (``before`` is a ``date``, so its ISO text is trusted)."""
        return lookup(
            self.connection,
            table="actions",
            key="loan_id",
            keys=range(first, last + 1),
            columns={"loan_id": pl.Int64, "treatment": pl.Utf8, "due_on": pl.Date},
            condition=f"actions.due_on < '{before:%Y-%m-%d}'",
        )

    # -- partition outputs --------------------------------------------------------------------

    def write(
        self,
        *,
        run_id: int,
        decision_rows: pl.DataFrame,
        item_rows: pl.DataFrame,
        action_rows: pl.DataFrame,
        first: int,
        last: int,
    ) -> None:
        """Decisions, actions, then decision items pointing at their actions."""
        insert_frame(self.connection, decisions, decision_rows)
        insert_frame(self.connection, actions, action_rows)
        if action_rows.height:
            created = query_frame(
                self.connection,
                "SELECT loan_id, treatment, id FROM actions "
                "WHERE run_id = :run AND loan_id BETWEEN :first AND :last",
                {"run": run_id, "first": first, "last": last},
                {"loan_id": pl.Int64, "treatment": pl.Utf8, "action_id": pl.Int64},
            )
            item_rows = item_rows.drop("action_id").join(
                created, on=["loan_id", "treatment"], how="left"
            )
        insert_frame(self.connection, decision_items, item_rows)

    # -- reading decisions back -----------------------------------------------------------------

    def decisions_for(self, loan_id: int, *, limit: int = 30) -> list[dict[str, Any]]:
        """The latest decisions on a loan with their items, newest first."""
        found: dict[int, dict[str, Any]] = {}
        read, params = latest_decisions(loan_id, limit=limit)
        for row in read.rows(self.connection, params):
            item = {
                name[len(_ITEM) :]: row.pop(name) for name in list(row) if name.startswith(_ITEM)
            }
            decision = found.setdefault(row["run_id"], {**row, "items": []})
            if item["run_id"] is not None:
                decision["items"].append(item)
        return list(found.values())
