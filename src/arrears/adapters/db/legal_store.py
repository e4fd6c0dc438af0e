"""Legal cases in the database: cases, proceedings and their moves, costs, dates, documents."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from arrears.adapters.db.schema_legal import (
    legal_cases,
    legal_costs,
    legal_dates,
    legal_documents,
    legal_events,
    legal_proceedings,
)
from arrears.domain.legal.cases import (
    Case,
    CaseStatus,
    CourtDate,
    DateKind,
    Judgment,
    LegalCost,
    Proceeding,
)
from arrears.domain.legal.proceedings import ProceedingKind, ProceedingStatus

_MICROS = Decimal(1_000_000)
_CASES_OF_LOAN = (
    select(legal_cases)
    .where(legal_cases.c.loan_id == bindparam("loan_id"))
    .order_by(legal_cases.c.id)
)
"""Built once: every staff account view reads them (``web_store``)."""


class SqlLegal:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- cases -----------------------------------------------------------------------------------

    def add_case(
        self, case: Case, *, cost_benefit: dict[str, Any], review_action_id: int | None,
        at: datetime,
    ) -> int:  # fmt: skip
        return int(
            self.connection.execute(
                insert(legal_cases)
                .values(
                    loan_id=case.loan_id,
                    status=case.status.value,
                    referred_on=case.referred_on,
                    referred_by=case.referred_by,
                    firm=case.firm,
                    attorney=case.attorney,
                    court=case.court,
                    case_number=case.case_number,
                    state=case.state,
                    review_action_id=review_action_id,
                    cost_benefit=json.dumps(cost_benefit, sort_keys=True, default=str),
                    created_at=at,
                    updated_at=at,
                )
                .returning(legal_cases.c.id)
            ).scalar_one()
        )

    def case(self, case_id: int) -> Case | None:
        row = self.connection.execute(
            select(legal_cases).where(legal_cases.c.id == case_id)
        ).one_or_none()
        return _case(row) if row else None

    def cases_for_loan(self, loan_id: int) -> list[Case]:
        rows = self.connection.execute(_CASES_OF_LOAN, {"loan_id": loan_id}).all()
        return [_case(r) for r in rows]

    def case_details(self, case_id: int) -> dict[str, Any]:
        row = self.connection.execute(
            select(legal_cases.c.hold_id, legal_cases.c.cost_benefit).where(
                legal_cases.c.id == case_id
            )
        ).one()
        return {"hold_id": row.hold_id, "cost_benefit": json.loads(row.cost_benefit)}

    def update_case(self, case_id: int, *, at: datetime, **fields: Any) -> None:
        allowed = {"status", "firm", "attorney", "court", "case_number", "hold_id"}
        if set(fields) - allowed:
            raise ValueError(f"cannot set {sorted(set(fields) - allowed)} on a case")
        values = {k: (v.value if isinstance(v, CaseStatus) else v) for k, v in fields.items()}
        self.connection.execute(
            update(legal_cases).where(legal_cases.c.id == case_id).values(updated_at=at, **values)
        )

    # -- proceedings -----------------------------------------------------------------------------

    def add_proceeding(self, proceeding: Proceeding, *, actor: str, at: datetime) -> int:
        proceeding_id = int(
            self.connection.execute(
                insert(legal_proceedings)
                .values(
                    case_id=proceeding.case_id,
                    kind=proceeding.kind.value,
                    status=proceeding.status.value,
                    opened_on=proceeding.opened_on,
                    updated_on=proceeding.opened_on,
                    created_at=at,
                    updated_at=at,
                )
                .returning(legal_proceedings.c.id)
            ).scalar_one()
        )
        self._event(proceeding_id, None, proceeding.status, on=proceeding.opened_on,
                    actor=actor, note="referred", at=at)  # fmt: skip
        return proceeding_id

    def proceeding(self, proceeding_id: int) -> Proceeding | None:
        row = self.connection.execute(
            select(legal_proceedings).where(legal_proceedings.c.id == proceeding_id)
        ).one_or_none()
        return _proceeding(row) if row else None

    def proceedings_of(self, case_id: int) -> list[Proceeding]:
        rows = self.connection.execute(
            select(legal_proceedings)
            .where(legal_proceedings.c.case_id == case_id)
            .order_by(legal_proceedings.c.id)
        ).all()
        return [_proceeding(r) for r in rows]

    def move(
        self, proceeding_id: int, *, from_status: ProceedingStatus, to: ProceedingStatus,
        on: date, actor: str, note: str, at: datetime, judgment: Judgment | None = None,
    ) -> bool:  # fmt: skip
        """Move the proceeding if it is still ``from_status`` (False when it moved meanwhile)."""
        values: dict[str, Any] = {"status": to.value, "updated_on": on, "updated_at": at}
        if judgment is not None:
            values.update(
                judgment_minor=judgment.amount_minor, judgment_on=judgment.entered_on,
                judgment_rate_micros=int(judgment.interest_rate * _MICROS),
            )  # fmt: skip
        result = self.connection.execute(
            update(legal_proceedings)
            .where(legal_proceedings.c.id == proceeding_id)
            .where(legal_proceedings.c.status == from_status.value)
            .values(**values)
        )
        if result.rowcount != 1:
            return False
        self._event(proceeding_id, from_status, to, on=on, actor=actor, note=note, at=at)
        return True

    def events(self, proceeding_id: int) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            select(legal_events)
            .where(legal_events.c.proceeding_id == proceeding_id)
            .order_by(legal_events.c.id)
        ).all()
        return [dict(r._mapping) for r in rows]

    # -- costs, dates, documents -------------------------------------------------------------------

    def add_cost(self, cost: LegalCost, *, posted_as: str, actor: str, at: datetime) -> int:
        return int(
            self.connection.execute(
                insert(legal_costs)
                .values(
                    proceeding_id=cost.proceeding_id,
                    kind=cost.kind,
                    amount_minor=cost.amount_minor,
                    incurred_on=cost.incurred_on,
                    recoverable=cost.recoverable,
                    memo=cost.memo[:200],
                    posted_as=posted_as,
                    actor=actor,
                    created_at=at,
                )
                .returning(legal_costs.c.id)
            ).scalar_one()
        )

    def costs_of(self, proceeding_ids: list[int]) -> list[LegalCost]:
        if not proceeding_ids:
            return []
        rows = self.connection.execute(
            select(legal_costs)
            .where(legal_costs.c.proceeding_id.in_(proceeding_ids))
            .order_by(legal_costs.c.id)
        ).all()
        return [
            LegalCost(
                proceeding_id=r.proceeding_id,
                kind=r.kind,
                amount_minor=r.amount_minor,
                incurred_on=_date(r.incurred_on),
                recoverable=r.recoverable,
                memo=r.memo,
                id=r.id,
            )
            for r in rows
        ]

    def add_date(self, court_date: CourtDate, *, at: datetime) -> int:
        return int(
            self.connection.execute(
                insert(legal_dates)
                .values(
                    proceeding_id=court_date.proceeding_id,
                    kind=court_date.kind.value,
                    due_on=court_date.on,
                    note=court_date.note[:200],
                    created_at=at,
                )
                .returning(legal_dates.c.id)
            ).scalar_one()
        )

    def dates_of(self, proceeding_ids: list[int]) -> list[CourtDate]:
        if not proceeding_ids:
            return []
        rows = self.connection.execute(
            select(legal_dates)
            .where(legal_dates.c.proceeding_id.in_(proceeding_ids))
            .order_by(legal_dates.c.due_on, legal_dates.c.id)
        ).all()
        return [
            CourtDate(r.proceeding_id, DateKind(r.kind), _date(r.due_on), r.note, r.id)
            for r in rows
        ]

    def add_document(
        self, *, proceeding_id: int, template: str, version: int, language: str,
        outbox_message_id: int | None, html: str, sha256: str, at: datetime,
    ) -> int:  # fmt: skip
        return int(
            self.connection.execute(
                insert(legal_documents)
                .values(
                    proceeding_id=proceeding_id,
                    template=template,
                    version=version,
                    language=language,
                    outbox_message_id=outbox_message_id,
                    html=html,
                    sha256=sha256,
                    created_at=at,
                )
                .returning(legal_documents.c.id)
            ).scalar_one()
        )

    def documents_of(self, proceeding_ids: list[int]) -> list[dict[str, Any]]:
        if not proceeding_ids:
            return []
        rows = self.connection.execute(
            select(legal_documents)
            .where(legal_documents.c.proceeding_id.in_(proceeding_ids))
            .order_by(legal_documents.c.id)
        ).all()
        return [dict(r._mapping) for r in rows]

    def _event(
        self, proceeding_id: int, from_status: ProceedingStatus | None, to: ProceedingStatus,
        *, on: date, actor: str, note: str, at: datetime,
    ) -> None:  # fmt: skip
        self.connection.execute(
            insert(legal_events).values(
                proceeding_id=proceeding_id,
                from_status=from_status.value if from_status else None,
                to_status=to.value,
                effective_on=on,
                actor=actor,
                note=note[:300],
                at=at,
            )
        )


def _case(row: Row[Any]) -> Case:
    return Case(
        loan_id=row.loan_id, status=CaseStatus(row.status), referred_on=_date(row.referred_on),
        referred_by=row.referred_by, firm=row.firm, attorney=row.attorney, court=row.court,
        case_number=row.case_number, state=row.state, id=row.id,
    )  # fmt: skip


def _proceeding(row: Row[Any]) -> Proceeding:
    judgment = None
    if row.judgment_minor is not None:
        judgment = Judgment(
            amount_minor=row.judgment_minor, entered_on=_date(row.judgment_on),
            interest_rate=Decimal(row.judgment_rate_micros or 0) / _MICROS,
        )  # fmt: skip
    return Proceeding(
        case_id=row.case_id, kind=ProceedingKind(row.kind), status=ProceedingStatus(row.status),
        opened_on=_date(row.opened_on), id=row.id, updated_on=_date(row.updated_on),
        judgment=judgment,
    )  # fmt: skip


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
