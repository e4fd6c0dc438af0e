"""Collateral recovery in the database: registry facts, valuations, vendors, cases and steps.

Case steps are appended, never changed; a step with a ``key`` is written at most once per case
(the unique key makes timers and retried commands idempotent). Review items for people go to
the cycle's ``actions`` table as reviews outside any run, so the web app's queues show them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from arrears.adapters.db import schema
from arrears.adapters.db.schema_collateral import (
    collateral_case_steps,
    collateral_cases,
    collateral_facts,
    repossession_vendors,
    valuation_notes,
)
from arrears.adapters.db.schema_cycle import actions
from arrears.services.ports import CaseRecord, CollateralRecord, StepRecord

_ADDRESS = ("address_line1", "address_line2", "city", "state", "zip")
_FACT_COLUMNS = [c.name for c in collateral_facts.c if c.name not in {"collateral_id"}]


class SqlCollateralStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- the registry -------------------------------------------------------------------------

    def loan_terms(self, loan_id: int) -> dict[str, Any] | None:
        loans = schema.loans
        row = self.connection.execute(
            select(
                loans.c.id, loans.c.external_id, loans.c.borrower_id, loans.c.co_borrower_id,
                loans.c.product,
                loans.c.currency, loans.c.principal_minor, loans.c.contract_state,
                loans.c.origination_date, loans.c.status,
            ).where(loans.c.id == loan_id)
        ).one_or_none()  # fmt: skip
        return dict(row._mapping) if row else None

    def of_loan(self, loan_id: int) -> list[CollateralRecord]:
        return self._records(schema.collateral.c.loan_id == loan_id)

    def get(self, collateral_id: int) -> CollateralRecord | None:
        found = self._records(schema.collateral.c.id == collateral_id)
        return found[0] if found else None

    def by_external_id(self, external_id: str) -> CollateralRecord | None:
        found = self._records(schema.collateral.c.external_id == external_id)
        return found[0] if found else None

    def add(
        self, *, external_id: str, loan_id: int, kind: str, fields: dict[str, Any], at: datetime
    ) -> int:
        digest = hashlib.md5(
            json.dumps(fields, sort_keys=True, default=str).encode(), usedforsecurity=False
        ).hexdigest()
        values = {**fields, "external_id": external_id, "loan_id": loan_id, "kind": kind}
        result = self.connection.execute(
            insert(schema.collateral)
            .values(**values, content_hash=digest, created_at=at, updated_at=at)
            .returning(schema.collateral.c.id)
        )
        return int(result.scalar_one())

    def save_facts(
        self, collateral_id: int, facts: dict[str, Any], *, by: str, at: datetime
    ) -> None:
        values = {k: v for k, v in facts.items() if k in _FACT_COLUMNS}
        values.update(updated_by=by, updated_at=at)
        exists = self.connection.execute(
            select(collateral_facts.c.collateral_id).where(
                collateral_facts.c.collateral_id == collateral_id
            )
        ).first()
        if exists:
            self.connection.execute(
                update(collateral_facts)
                .where(collateral_facts.c.collateral_id == collateral_id)
                .values(**values)
            )
        else:
            self.connection.execute(
                insert(collateral_facts).values(collateral_id=collateral_id, **values)
            )

    def valuations(self, collateral_id: int) -> list[dict[str, Any]]:
        v = schema.valuations
        rows = self.connection.execute(
            select(v.c.id, v.c.valued_on, v.c.amount_minor, v.c.source, valuation_notes.c.valued_by,
                   valuation_notes.c.mileage, valuation_notes.c.note)
            .select_from(v.outerjoin(valuation_notes, valuation_notes.c.valuation_id == v.c.id))
            .where(v.c.collateral_id == collateral_id)
            .order_by(v.c.valued_on, v.c.id)
        ).all()  # fmt: skip
        return [dict(row._mapping) for row in rows]

    def add_valuation(
        self, collateral_id: int, *, valued_on: date, amount_minor: int, source: str,
        valued_by: str, mileage: int | None, note: str, at: datetime,
    ) -> int | None:  # fmt: skip
        """The new valuation's id; None when one from ``source`` on that day already exists."""
        v = schema.valuations
        known = self.connection.execute(
            select(v.c.id).where(
                v.c.collateral_id == collateral_id, v.c.valued_on == valued_on, v.c.source == source
            )
        ).first()
        if known:
            return None
        valuation_id = int(
            self.connection.execute(
                insert(v)
                .values(collateral_id=collateral_id, valued_on=valued_on,
                        amount_minor=amount_minor, source=source, created_at=at)
                .returning(v.c.id)
            ).scalar_one()
        )  # fmt: skip
        self.connection.execute(
            insert(valuation_notes).values(valuation_id=valuation_id, valued_by=valued_by,
                                           mileage=mileage, note=note[:500], created_at=at)
        )  # fmt: skip
        return valuation_id

    def _records(self, condition: Any) -> list[CollateralRecord]:
        c = schema.collateral
        rows = self.connection.execute(
            select(c, *(collateral_facts.c[name] for name in _FACT_COLUMNS),
                   collateral_facts.c.collateral_id.label("has_facts"))
            .select_from(c.outerjoin(collateral_facts, collateral_facts.c.collateral_id == c.c.id))
            .where(condition)
            .order_by(c.c.id)
        ).all()  # fmt: skip
        return [_collateral(row) for row in rows]

    # -- vendors ------------------------------------------------------------------------------

    def add_vendor(self, *, code: str, name: str, phone: str, states: str, at: datetime) -> int:
        result = self.connection.execute(
            insert(repossession_vendors)
            .values(code=code, name=name, phone=phone, states=states, active=True, created_at=at)
            .returning(repossession_vendors.c.id)
        )
        return int(result.scalar_one())

    def vendor(self, code: str) -> dict[str, Any] | None:
        row = self.connection.execute(
            select(repossession_vendors).where(repossession_vendors.c.code == code)
        ).one_or_none()
        return dict(row._mapping) if row else None

    def vendors(self) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            select(repossession_vendors).order_by(repossession_vendors.c.code)
        ).all()
        return [dict(row._mapping) for row in rows]

    # -- cases --------------------------------------------------------------------------------

    def open_case(
        self, *, kind: str, loan_id: int, collateral_id: int, state: str, stage: str,
        consumer_goods: bool, opened_on: date, opened_by: str, at: datetime,
    ) -> int:  # fmt: skip
        result = self.connection.execute(
            insert(collateral_cases)
            .values(kind=kind, loan_id=loan_id, collateral_id=collateral_id, state=state,
                    stage=stage, consumer_goods=consumer_goods, opened_on=opened_on,
                    opened_by=opened_by, created_at=at, updated_at=at)
            .returning(collateral_cases.c.id)
        )  # fmt: skip
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
        return self._cases(collateral_cases.c.loan_id == loan_id)

    def open_cases(self, *, kind: str, closed: tuple[str, ...]) -> list[CaseRecord]:
        return self._cases(
            (collateral_cases.c.kind == kind) & collateral_cases.c.stage.not_in(closed)
        )

    def steps(self, case_id: int) -> list[StepRecord]:
        s = collateral_case_steps
        rows = self.connection.execute(select(s).where(s.c.case_id == case_id).order_by(s.c.seq))
        return [
            StepRecord(row.seq, row.event, _day(row.effective_on), row.key, row.actor,
                       json.loads(row.details), row.recorded_at)
            for row in rows
        ]  # fmt: skip

    def add_step(
        self, case_id: int, *, event: str, on: date, details: dict[str, Any], key: str | None,
        actor: str, at: datetime,
    ) -> int | None:  # fmt: skip
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
                    insert(s).values(case_id=case_id, seq=seq, event=event, effective_on=on,
                                     key=key, actor=actor, details=json.dumps(details,
                                     sort_keys=True, default=str), recorded_at=at)
                )  # fmt: skip
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
        self, *, loan_id: int, treatment: str, queue: str, category: str, due_on: date,
        priority: int, details: dict[str, Any], at: datetime,
    ) -> int:  # fmt: skip
        borrower = self.connection.execute(
            select(schema.loans.c.borrower_id).where(schema.loans.c.id == loan_id)
        ).scalar_one()
        result = self.connection.execute(
            insert(actions)
            .values(run_id=None, loan_id=loan_id, borrower_id=borrower, treatment=treatment,
                    kind="review", channel=None, template=None, category=category, queue=queue,
                    priority=priority, status="pending", due_on=due_on, created_at=at,
                    updated_at=at, details=json.dumps(details, sort_keys=True, default=str))
            .returning(actions.c.id)
        )  # fmt: skip
        return int(result.scalar_one())

    def _cases(self, condition: Any) -> list[CaseRecord]:
        rows = self.connection.execute(
            select(collateral_cases).where(condition).order_by(collateral_cases.c.id)
        ).all()
        return [
            CaseRecord(row.id, row.kind, row.loan_id, row.collateral_id, row.state, row.stage,
                       bool(row.consumer_goods), _day(row.opened_on), row.opened_by,
                       _day(row.closed_on) if row.closed_on else None)
            for row in rows
        ]  # fmt: skip


def _collateral(row: Row[Any]) -> CollateralRecord:
    m = row._mapping
    facts = {name: m[name] for name in _FACT_COLUMNS} if m["has_facts"] is not None else {}
    address: tuple[str, ...] = ()
    if m["kind"] == "property":
        address = tuple(str(m[k] or "") for k in _ADDRESS)
    return CollateralRecord(
        id=m["id"], external_id=m["external_id"], loan_id=m["loan_id"], kind=m["kind"],
        vin=m["vin"], year=m["year"], make=m["make"], model=m["model"], mileage=m["mileage"],
        condition=m["condition"], address=address, property_type=m["property_type"],
        lien_position=m["lien_position"], occupancy=m["occupancy"], facts=facts,
    )  # fmt: skip


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
