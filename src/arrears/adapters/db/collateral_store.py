"""The collateral registry in the database: the import's collateral rows with the facts learnt
later, dated valuations with who made them, and repossession vendors. The cases and their steps
are ``collateral_cases_store``'s; one store object serves both.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, insert, select, update

from arrears.adapters.db import schema
from arrears.adapters.db.collateral_cases_store import SqlCollateralCases
from arrears.adapters.db.schema_collateral import (
    collateral_facts,
    repossession_vendors,
    valuation_notes,
)
from arrears.services.ports import CollateralRecord

_ADDRESS = ("address_line1", "address_line2", "city", "state", "zip")
_FACT_COLUMNS = [c.name for c in collateral_facts.c if c.name not in {"collateral_id"}]


class SqlCollateralStore(SqlCollateralCases):
    """The registry (collateral, facts, valuations, vendors) and, inherited, the cases."""

    # -- the registry -------------------------------------------------------------------------

    def loan_terms(self, loan_id: int) -> dict[str, Any] | None:
        loans = schema.loans
        row = self.connection.execute(
            select(
                loans.c.id,
                loans.c.external_id,
                loans.c.borrower_id,
                loans.c.co_borrower_id,
                loans.c.product,
                loans.c.currency,
                loans.c.principal_minor,
                loans.c.contract_state,
                loans.c.origination_date,
                loans.c.status,
            ).where(loans.c.id == loan_id)
        ).one_or_none()
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
            select(
                v.c.id,
                v.c.valued_on,
                v.c.amount_minor,
                v.c.source,
                valuation_notes.c.valued_by,
                valuation_notes.c.mileage,
                valuation_notes.c.note,
            )
            .select_from(v.outerjoin(valuation_notes, valuation_notes.c.valuation_id == v.c.id))
            .where(v.c.collateral_id == collateral_id)
            .order_by(v.c.valued_on, v.c.id)
        ).all()
        return [dict(row._mapping) for row in rows]

    def add_valuation(
        self,
        collateral_id: int,
        *,
        valued_on: date,
        amount_minor: int,
        source: str,
        valued_by: str,
        mileage: int | None,
        note: str,
        at: datetime,
    ) -> int | None:
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
                .values(
                    collateral_id=collateral_id,
                    valued_on=valued_on,
                    amount_minor=amount_minor,
                    source=source,
                    created_at=at,
                )
                .returning(v.c.id)
            ).scalar_one()
        )
        self.connection.execute(
            insert(valuation_notes).values(
                valuation_id=valuation_id,
                valued_by=valued_by,
                mileage=mileage,
                note=note[:500],
                created_at=at,
            )
        )
        return valuation_id

    def _records(self, condition: Any) -> list[CollateralRecord]:
        c = schema.collateral
        rows = self.connection.execute(
            select(
                c,
                *(collateral_facts.c[name] for name in _FACT_COLUMNS),
                collateral_facts.c.collateral_id.label("has_facts"),
            )
            .select_from(c.outerjoin(collateral_facts, collateral_facts.c.collateral_id == c.c.id))
            .where(condition)
            .order_by(c.c.id)
        ).all()
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


def _collateral(row: Row[Any]) -> CollateralRecord:
    m = row._mapping
    facts = {name: m[name] for name in _FACT_COLUMNS} if m["has_facts"] is not None else {}
    address: tuple[str, ...] = ()
    if m["kind"] == "property":
        address = tuple(str(m[k] or "") for k in _ADDRESS)
    return CollateralRecord(
        id=m["id"],
        external_id=m["external_id"],
        loan_id=m["loan_id"],
        kind=m["kind"],
        vin=m["vin"],
        year=m["year"],
        make=m["make"],
        model=m["model"],
        mileage=m["mileage"],
        condition=m["condition"],
        address=address,
        property_type=m["property_type"],
        lien_position=m["lien_position"],
        occupancy=m["occupancy"],
        facts=facts,
    )
