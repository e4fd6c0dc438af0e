"""Agencies, placements and remittances in the database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, func, insert, or_, select, update

from arrears.adapters.db import schema
from arrears.adapters.db.schema_agencies import (
    agencies,
    placements,
    remittance_differences,
    remittance_lines,
    remittances,
)
from arrears.adapters.db.schema_cycle import holds
from arrears.domain.agencies.model import Agency, FeeStep, Placement, PlacementStatus
from arrears.domain.agencies.remittance import Difference, RemittanceLine
from arrears.domain.agencies.scorecard import Collected

_MICROS = Decimal(1_000_000)
_PLACEMENTS_OF_LOAN = (
    select(placements).where(placements.c.loan_id == bindparam("loan_id")).order_by(placements.c.id)
)
"""Built once: every staff account view reads them (``web_store``)."""


class SqlAgencies:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- agencies --------------------------------------------------------------------------------

    def add_agency(self, agency: Agency, *, at: datetime) -> int:
        return int(
            self.connection.execute(
                insert(agencies)
                .values(
                    code=agency.code,
                    name=agency.name,
                    tier=agency.tier,
                    fees=",".join(f"{s.min_age_days}:{s.rate}" for s in agency.fees),
                    capacity=agency.capacity,
                    states=",".join(sorted(agency.states)),
                    challenger=agency.challenger,
                    active=agency.active,
                    phone=agency.phone,
                    created_at=at,
                    updated_at=at,
                )
                .returning(agencies.c.id)
            ).scalar_one()
        )

    def agency(self, code: str) -> Agency | None:
        row = self.connection.execute(select(agencies).where(agencies.c.code == code)).one_or_none()
        return _agency(row) if row else None

    def agency_by_id(self, agency_id: int) -> Agency | None:
        row = self.connection.execute(
            select(agencies).where(agencies.c.id == agency_id)
        ).one_or_none()
        return _agency(row) if row else None

    def agencies(self) -> list[Agency]:
        rows = self.connection.execute(select(agencies).order_by(agencies.c.tier, agencies.c.code))
        return [_agency(r) for r in rows]

    def loads(self) -> dict[int, int]:
        """Accounts each agency holds now (placements in force)."""
        rows = self.connection.execute(
            select(placements.c.agency_id, func.count())
            .where(placements.c.status == PlacementStatus.PLACED.value)
            .group_by(placements.c.agency_id)
        ).all()
        return {int(agency_id): int(count) for agency_id, count in rows}

    # -- placements ------------------------------------------------------------------------------

    def add_placement(
        self, placement: Placement, *, principal_minor: int, interest_minor: int, fees_minor: int,
        placed_by: str, review_action_id: int | None, at: datetime,
    ) -> int:  # fmt: skip
        return int(
            self.connection.execute(
                insert(placements)
                .values(
                    loan_id=placement.loan_id,
                    agency_id=placement.agency_id,
                    status=placement.status.value,
                    placed_on=placement.placed_on,
                    recall_due_on=placement.recall_due_on,
                    tier=placement.tier,
                    age_days=placement.age_days,
                    commission_micros=int(placement.commission_rate * _MICROS),
                    currency=placement.currency,
                    balance_minor=placement.balance_minor,
                    principal_minor=principal_minor,
                    interest_minor=interest_minor,
                    fees_minor=fees_minor,
                    arm=placement.experiment_arm,
                    placed_by=placed_by,
                    review_action_id=review_action_id,
                    created_at=at,
                    updated_at=at,
                )
                .returning(placements.c.id)
            ).scalar_one()
        )

    def placement(self, placement_id: int) -> Placement | None:
        row = self.connection.execute(
            select(placements).where(placements.c.id == placement_id)
        ).one_or_none()
        return _placement(row) if row else None

    def placements_of_loan(self, loan_id: int) -> list[Placement]:
        rows = self.connection.execute(_PLACEMENTS_OF_LOAN, {"loan_id": loan_id})
        return [_placement(r) for r in rows]

    def placements(
        self, *, agency_id: int | None = None, status: PlacementStatus | None = None
    ) -> list[Placement]:
        query = select(placements).order_by(placements.c.id)
        if agency_id is not None:
            query = query.where(placements.c.agency_id == agency_id)
        if status is not None:
            query = query.where(placements.c.status == status.value)
        return [_placement(r) for r in self.connection.execute(query)]

    def unplaced_accounts(self) -> list[str]:
        """Lender's ids of open loans without a placement in force, in id order."""
        placed = select(placements.c.loan_id).where(
            placements.c.status == PlacementStatus.PLACED.value
        )
        rows = self.connection.execute(
            select(schema.loans.c.external_id)
            .where(schema.loans.c.id.not_in(placed))
            .where(schema.loans.c.status.in_(["active", "charged_off"]))
            .order_by(schema.loans.c.id)
        ).scalars()
        return [str(r) for r in rows]

    def recall(self, placement_id: int, *, on: date, reason: str, at: datetime) -> bool:
        """End a placement in force (False when it was not in force any more)."""
        result = self.connection.execute(
            update(placements)
            .where(placements.c.id == placement_id)
            .where(placements.c.status == PlacementStatus.PLACED.value)
            .values(
                status=PlacementStatus.RECALLED.value,
                recalled_on=on,
                recall_reason=reason[:200],
                updated_at=at,
            )
        )
        return result.rowcount == 1

    def recall_reason(self, placement_id: int) -> str:
        return str(
            self.connection.execute(
                select(placements.c.recall_reason).where(placements.c.id == placement_id)
            ).scalar_one()
        )

    def file_rows(self, placement_ids: list[int]) -> list[dict[str, Any]]:
        """What a placement or recall file says about each placement: the account, the
        borrower's name and address, and the balances placed (SSN and date of birth never)."""
        if not placement_ids:
            return []
        loans, borrowers, agency = schema.loans, schema.borrowers, agencies
        rows = self.connection.execute(
            select(
                placements,
                loans.c.external_id.label("account"),
                loans.c.product,
                loans.c.original_creditor,
                loans.c.charge_off_date,
                borrowers.c.first_name,
                borrowers.c.last_name,
                borrowers.c.address_line1,
                borrowers.c.address_line2,
                borrowers.c.city,
                borrowers.c.state,
                borrowers.c.zip,
                agency.c.code.label("agency_code"),
            )
            .join(loans, loans.c.id == placements.c.loan_id)
            .join(borrowers, borrowers.c.id == loans.c.borrower_id)
            .join(agency, agency.c.id == placements.c.agency_id)
            .where(placements.c.id.in_(placement_ids))
            .order_by(placements.c.id)
        ).all()
        return [dict(r._mapping) for r in rows]

    # -- remittances -----------------------------------------------------------------------------

    def imported_refs(self, agency_id: int) -> frozenset[str]:
        rows = self.connection.execute(
            select(remittance_lines.c.payment_ref).where(remittance_lines.c.agency_id == agency_id)
        ).scalars()
        return frozenset(str(r) for r in rows)

    def account_placements(self, agency_id: int, accounts: Iterable[str]) -> dict[str, Any]:
        """Account id → (loan id, [placements with this agency]) for the accounts known."""
        wanted = sorted(set(accounts))
        if not wanted:
            return {}
        known = dict(
            self.connection.execute(
                select(schema.loans.c.external_id, schema.loans.c.id).where(
                    schema.loans.c.external_id.in_(wanted)
                )
            ).all()
        )
        found: dict[str, Any] = dict.fromkeys(wanted)
        by_loan: dict[int, list[Placement]] = {int(i): [] for i in known.values()}
        if by_loan:
            rows = self.connection.execute(
                select(placements)
                .where(placements.c.agency_id == agency_id)
                .where(placements.c.loan_id.in_(list(by_loan)))
                .order_by(placements.c.id)
            )
            for row in rows:
                by_loan[row.loan_id].append(_placement(row))
        for account, loan_id in known.items():
            found[account] = (int(loan_id), tuple(by_loan[int(loan_id)]))
        return found

    def add_remittance(self, *, agency_id: int, file_name: str, sha256: str, imported_on: date,
                       row_count: int, posted: int, rejected: int, collected_minor: int,
                       commission_minor: int, actor: str, at: datetime) -> int:  # fmt: skip
        return int(
            self.connection.execute(
                insert(remittances)
                .values(
                    agency_id=agency_id,
                    file_name=file_name[:200],
                    sha256=sha256,
                    imported_on=imported_on,
                    row_count=row_count,
                    posted=posted,
                    rejected=rejected,
                    collected_minor=collected_minor,
                    commission_minor=commission_minor,
                    actor=actor,
                    created_at=at,
                )
                .returning(remittances.c.id)
            ).scalar_one()
        )

    def add_line(
        self, remittance_id: int, *, agency_id: int, line: RemittanceLine, credit_id: int
    ) -> None:
        self.connection.execute(
            insert(remittance_lines).values(
                remittance_id=remittance_id,
                agency_id=agency_id,
                payment_ref=line.payment_ref,
                line_no=line.row,
                loan_id=line.loan_id,
                placement_id=line.placement_id,
                collected_on=line.collected_on,
                amount_minor=line.amount_minor,
                claimed_commission_minor=line.claimed_commission_minor,
                commission_minor=line.commission_minor,
                after_recall=line.after_recall,
                credit_id=credit_id,
            )
        )

    def add_differences(self, remittance_id: int, differences: Iterable[Difference]) -> None:
        rows = [
            {
                "remittance_id": remittance_id,
                "line_no": d.row,
                "payment_ref": d.payment_ref[:64],
                "account": d.account[:64],
                "kind": d.kind.value,
                "expected_minor": d.expected_minor,
                "found_minor": d.found_minor,
                "message": d.message,
            }
            for d in differences
        ]
        if rows:
            self.connection.execute(insert(remittance_differences), rows)

    def remittances(self, *, agency_id: int) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            select(remittances)
            .where(remittances.c.agency_id == agency_id)
            .order_by(remittances.c.id)
        )
        return [dict(r._mapping) for r in rows]

    def differences(self, remittance_ids: list[int]) -> list[dict[str, Any]]:
        if not remittance_ids:
            return []
        rows = self.connection.execute(
            select(remittance_differences)
            .where(remittance_differences.c.remittance_id.in_(remittance_ids))
            .order_by(remittance_differences.c.remittance_id, remittance_differences.c.line_no)
        )
        return [dict(r._mapping) for r in rows]

    def collections(self, placement_ids: list[int]) -> list[Collected]:
        if not placement_ids:
            return []
        rows = self.connection.execute(
            select(
                remittance_lines.c.placement_id,
                func.sum(remittance_lines.c.amount_minor),
                func.sum(remittance_lines.c.commission_minor),
            )
            .where(remittance_lines.c.placement_id.in_(placement_ids))
            .group_by(remittance_lines.c.placement_id)
        ).all()
        return [Collected(int(p), int(a), int(c)) for p, a, c in rows]

    def complaints(self, placement_ids: list[int]) -> dict[int, int]:
        """Complaint holds opened on the account (or its borrower) while each placement was in
        force: what a scorecard counts against the agency."""
        if not placement_ids:
            return {}
        loans = schema.loans
        ended = func.coalesce(placements.c.recalled_on, holds.c.starts_on)
        rows = self.connection.execute(
            select(placements.c.id, func.count(holds.c.id))
            .join(loans, loans.c.id == placements.c.loan_id)
            .join(
                holds,
                and_(
                    or_(holds.c.loan_id == loans.c.id, holds.c.borrower_id == loans.c.borrower_id),
                    holds.c.kind == "complaint",
                    holds.c.starts_on >= placements.c.placed_on,
                    holds.c.starts_on <= ended,
                ),
            )
            .where(placements.c.id.in_(placement_ids))
            .group_by(placements.c.id)
        ).all()
        return {int(p): int(n) for p, n in rows}


def _agency(row: Row[Any]) -> Agency:
    return Agency(
        code=row.code, name=row.name, tier=row.tier,
        fees=tuple(
            FeeStep(int(age), Decimal(rate))
            for age, rate in (part.split(":") for part in row.fees.split(","))
        ),
        capacity=row.capacity, states=frozenset(s for s in row.states.split(",") if s),
        active=row.active, challenger=row.challenger, phone=row.phone, id=row.id,
    )  # fmt: skip


def _placement(row: Row[Any]) -> Placement:
    return Placement(
        loan_id=row.loan_id, agency_id=row.agency_id, placed_on=_date(row.placed_on),
        recall_due_on=_date(row.recall_due_on), age_days=row.age_days,
        commission_rate=Decimal(row.commission_micros) / _MICROS,
        balance_minor=row.balance_minor, currency=row.currency,
        status=PlacementStatus(row.status),
        recalled_on=_date(row.recalled_on) if row.recalled_on else None, tier=row.tier,
        experiment_arm=row.arm, id=row.id,
    )  # fmt: skip


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
