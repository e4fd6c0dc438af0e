"""Repossession and foreclosure cases in the database: the case row, its append-only steps,
and review items for people.

Steps are appended, never changed; a step with a ``key`` is written at most once per case
(the unique key makes timers and retried commands idempotent). Review items go to the cycle's
``actions`` table as reviews outside any run, so the web app's queues show them.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from arrears.adapters.db import schema
from arrears.adapters.db.schema_collateral import collateral_case_steps, collateral_cases
from arrears.adapters.db.schema_cycle import actions
from arrears.services.ports import CaseRecord, StepRecord

_CASES_OF_LOAN = (
    select(collateral_cases)
    .where(collateral_cases.c.loan_id == bindparam("loan_id"))
    .order_by(collateral_cases.c.id)
)
"""Built once: every staff account view reads them (``web_store``)."""


class SqlCollateralCases:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def open_case(
        self,
        *,
        kind: str,
        loan_id: int,
        collateral_id: int,
        state: str,
        stage: str,
        consumer_goods: bool,
        opened_on: date,
        opened_by: str,
        at: datetime,
    ) -> int:
        result = self.connection.execute(
            insert(collateral_cases)
            .values(
                kind=kind,
                loan_id=loan_id,
                collateral_id=collateral_id,
                state=state,
                stage=stage,
                consumer_goods=consumer_goods,
                opened_on=opened_on,
                opened_by=opened_by,
                created_at=at,
                updated_at=at,
            )
            .returning(collateral_cases.c.id)
        )
        return int(result.scalar_one())

    def case(self, case_id: int) -> CaseRecord | None:
        found = self._cases(collateral_cases.c.id == case_id)
        return found[0] if found else None

    def open_case_of(self, collateral_id: int, *, kind: str) -> CaseRecord | None:
        found = self._cases(
            (collateral_cases.c.collateral_id == collateral_id)
            & (collateral_cases.c.kind == kind)
            & collateral_cases.c.closed_on.is_(None)
        )
        return found[-1] if found else None

    def cases_of_loan(self, loan_id: int) -> list[CaseRecord]:
        return self._case_records(self.connection.execute(_CASES_OF_LOAN, {"loan_id": loan_id}))

    def open_cases(self, *, kind: str, closed: tuple[str, ...]) -> list[CaseRecord]:
        return self._cases(
            (collateral_cases.c.kind == kind) & collateral_cases.c.stage.not_in(closed)
        )

    def steps(self, case_id: int) -> list[StepRecord]:
        s = collateral_case_steps
        rows = self.connection.execute(select(s).where(s.c.case_id == case_id).order_by(s.c.seq))
        return [
            StepRecord(
                row.seq,
                row.event,
                _day(row.effective_on),
                row.key,
                row.actor,
                json.loads(row.details),
                row.recorded_at,
            )
            for row in rows
        ]

    def add_step(
        self,
        case_id: int,
        *,
        event: str,
        on: date,
        details: dict[str, Any],
        key: str | None,
        actor: str,
        at: datetime,
    ) -> int | None:
        """The new step's number; None when a step with ``key`` is already recorded."""
        s = collateral_case_steps
        if key is not None:
            known = self.connection.execute(
                select(s.c.seq).where(s.c.case_id == case_id, s.c.key == key)
            ).first()
            if known:
                return None
        last = self.connection.execute(
            select(func.coalesce(func.max(s.c.seq), 0)).where(s.c.case_id == case_id)
        ).scalar_one()
        seq = int(last) + 1
        try:
            with self.connection.begin_nested():
                self.connection.execute(
                    insert(s).values(
                        case_id=case_id,
                        seq=seq,
                        event=event,
                        effective_on=on,
                        key=key,
                        actor=actor,
                        details=json.dumps(details, sort_keys=True, default=str),
                        recorded_at=at,
                    )
                )
        except IntegrityError:
            return None
        return seq

    def set_stage(self, case_id: int, *, stage: str, closed_on: date | None, at: datetime) -> None:
        self.connection.execute(
            update(collateral_cases)
            .where(collateral_cases.c.id == case_id)
            .values(stage=stage, closed_on=closed_on, updated_at=at)
        )

    def add_review(
        self,
        *,
        loan_id: int,
        treatment: str,
        queue: str,
        category: str,
        due_on: date,
        priority: int,
        details: dict[str, Any],
        at: datetime,
    ) -> int:
        borrower = self.connection.execute(
            select(schema.loans.c.borrower_id).where(schema.loans.c.id == loan_id)
        ).scalar_one()
        result = self.connection.execute(
            insert(actions)
            .values(
                run_id=None,
                loan_id=loan_id,
                borrower_id=borrower,
                treatment=treatment,
                kind="review",
                channel=None,
                template=None,
                category=category,
                queue=queue,
                priority=priority,
                status="pending",
                due_on=due_on,
                created_at=at,
                updated_at=at,
                details=json.dumps(details, sort_keys=True, default=str),
            )
            .returning(actions.c.id)
        )
        return int(result.scalar_one())

    def _cases(self, condition: Any) -> list[CaseRecord]:
        return self._case_records(
            self.connection.execute(
                select(collateral_cases).where(condition).order_by(collateral_cases.c.id)
            )
        )

    @staticmethod
    def _case_records(rows: Any) -> list[CaseRecord]:
        return [
            CaseRecord(
                row.id,
                row.kind,
                row.loan_id,
                row.collateral_id,
                row.state,
                row.stage,
                bool(row.consumer_goods),
                _day(row.opened_on),
                row.opened_by,
                _day(row.closed_on) if row.closed_on else None,
            )
            for row in rows
        ]


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
