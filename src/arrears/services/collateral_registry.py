"""The collateral registry: vehicles and real property, their facts and values over time.

Vehicles are registered only with a VIN whose check digit is right (49 CFR 565.15); facts the
import does not carry (title and lien, insurance, where a vehicle is, what the 60% rule of UCC
9-620(e) needs) are kept beside the import's rows; every valuation is dated and sourced. The
value on any date is the latest valuation on or before it — for a vehicle carried forward by
the default depreciation curve (data) — and gives LTV and equity against the ledger's balance.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from arrears.domain.collateral import ValuationSource
from arrears.domain.collateral_registry.depreciation import estimate
from arrears.domain.collateral_registry.equity import Position
from arrears.domain.collateral_registry.facts import (
    InsuranceFacts,
    SaleFacts,
    TitleFacts,
    vehicle_problems,
)
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services import repossession_ledger as ledger
from arrears.services.ports import CaseRecord, CollateralRecord, UnitOfWork


@dataclass(frozen=True)
class CollateralView:
    """One piece of collateral on a date: what it is, what it is worth, what is owed on it."""

    record: CollateralRecord
    as_of: date
    value_minor: int | None
    value_basis: str  # e.g. "appraisal of 2026-06-01" or "… carried forward by the curve"
    position: Position
    valuations: list[dict[str, Any]]
    cases: list[CaseRecord]

    @property
    def ltv(self) -> Decimal | None:
        return self.position.ltv

    @property
    def equity_minor(self) -> int | None:
        return self.position.equity_minor


def register_vehicle(
    uow: UnitOfWork,
    *,
    loan_id: int,
    external_id: str,
    vin: str,
    year: int,
    make: str,
    model: str,
    actor: str,
    at: datetime,
    as_of: date,
    mileage: int | None = None,
    condition: str = "",
) -> int:
    """Add a vehicle securing ``loan_id``; refused (nothing written) when its VIN, year or
    mileage is wrong, every problem named."""
    vin = vin.strip().upper()
    problems = vehicle_problems(
        vin=vin, year=year, mileage=mileage, as_of=as_of, condition=condition
    )
    if problems:
        rule = "collateral.vin" if any("VIN" in p for p in problems) else "collateral.vehicle"
        raise RuleViolation("; ".join(problems), rule=rule, source="49 CFR 565.15")
    fields = {
        "vin": vin,
        "year": year,
        "make": make,
        "model": model,
        "mileage": mileage,
        "condition": condition or None,
    }
    return _add(
        uow,
        loan_id=loan_id,
        external_id=external_id,
        kind="vehicle",
        fields=fields,
        actor=actor,
        at=at,
    )


def register_property(
    uow: UnitOfWork,
    *,
    loan_id: int,
    external_id: str,
    address: tuple[str, str, str, str, str],
    actor: str,
    at: datetime,
    property_type: str = "single_family",
    lien_position: int = 1,
    occupancy: str = "owner",
) -> int:
    """Add real property securing ``loan_id`` (address line 1, line 2, city, state, ZIP)."""
    line1, line2, city, state, zip_code = address
    if not (line1 and city and len(state) == 2 and zip_code) or lien_position < 1:
        raise RuleViolation(
            "a property needs its street, city, state, ZIP and a lien position of 1 or more",
            rule="collateral.property",
            source="",
        )
    fields = {
        "address_line1": line1,
        "address_line2": line2 or None,
        "city": city,
        "state": state.upper(),
        "zip": zip_code,
        "property_type": property_type,
        "lien_position": lien_position,
        "occupancy": occupancy,
    }
    return _add(
        uow,
        loan_id=loan_id,
        external_id=external_id,
        kind="property",
        fields=fields,
        actor=actor,
        at=at,
    )


def record_facts(
    uow: UnitOfWork,
    *,
    collateral_id: int,
    actor: str,
    at: datetime,
    title: TitleFacts | None = None,
    insurance: InsuranceFacts | None = None,
    sale: SaleFacts | None = None,
    location: str | None = None,
    senior_liens_minor: int | None = None,
) -> dict[str, Any]:
    """Record title, lien, insurance, location and 60%-rule facts; returns them all."""
    record = _get(uow, collateral_id)
    stamps = {"updated_by", "updated_at"}
    facts = {k: v for k, v in (_defaults() | record.facts).items() if k not in stamps}
    if title is not None:
        facts.update(
            title_status=title.status.value,
            lien_status=title.lien_status.value,
            title_state=title.title_state,
            title_number=title.title_number,
            lienholder=title.lienholder,
        )
    if insurance is not None:
        facts.update(
            insurance_coverage=insurance.coverage.value,
            insurance_carrier=insurance.carrier,
            insurance_policy=insurance.policy_number,
            insurance_expires_on=insurance.expires_on,
            lender_is_loss_payee=insurance.lender_is_loss_payee,
        )
    if sale is not None:
        if sale.cash_price_minor is not None and sale.cash_price_minor <= 0:
            raise RuleViolation(
                "a cash price is a positive amount", rule="collateral.amount", source="UCC 9-620(e)"
            )
        facts.update(asdict(sale))
    if location is not None:
        facts["location"] = location
    if senior_liens_minor is not None:
        if senior_liens_minor < 0:
            raise RuleViolation(
                "senior liens cannot be negative", rule="collateral.amount", source=""
            )
        facts["senior_liens_minor"] = senior_liens_minor
    uow.collateral.save_facts(collateral_id, facts, by=actor, at=at)
    uow.audit.record(
        at=at,
        actor=actor,
        action="collateral.facts",
        entity_type="loan",
        entity_id=str(record.loan_id),
        details={"collateral_id": collateral_id, **facts},
    )
    return facts


def add_valuation(
    uow: UnitOfWork,
    *,
    collateral_id: int,
    valued_on: date,
    amount_minor: int,
    source: ValuationSource,
    actor: str,
    at: datetime,
    valued_by: str = "",
    mileage: int | None = None,
    note: str = "",
) -> int:
    """Add a dated, sourced valuation; refused if not positive or already recorded."""
    record = _get(uow, collateral_id)
    if amount_minor <= 0:
        raise RuleViolation(
            f"a valuation is a positive amount, not {amount_minor}",
            rule="collateral.amount",
            source="",
        )
    if mileage is not None and mileage < 0:
        raise RuleViolation("mileage cannot be negative", rule="collateral.vehicle", source="")
    valuation_id = uow.collateral.add_valuation(
        collateral_id,
        valued_on=valued_on,
        amount_minor=amount_minor,
        source=source.value,
        valued_by=valued_by,
        mileage=mileage,
        note=note,
        at=at,
    )
    if valuation_id is None:
        raise ConflictError(f"a {source.value} valuation of {valued_on} is already recorded")
    uow.audit.record(
        at=at,
        actor=actor,
        action="collateral.valued",
        entity_type="loan",
        entity_id=str(record.loan_id),
        details={
            "collateral_id": collateral_id,
            "valued_on": valued_on.isoformat(),
            "amount_minor": amount_minor,
            "source": source.value,
        },
    )
    return valuation_id


def collateral_views(uow: UnitOfWork, *, loan_id: int, as_of: date) -> list[CollateralView]:
    """Every piece of collateral of the loan with its value, LTV and equity on ``as_of``."""
    owed = ledger.owed(uow, loan_id, on=as_of)
    cases = uow.collateral.cases_of_loan(loan_id)
    views = []
    for record in uow.collateral.of_loan(loan_id):
        valuations = uow.collateral.valuations(record.id)
        value, basis = value_on(record, valuations, as_of=as_of)
        senior = int(record.facts.get("senior_liens_minor") or 0)
        views.append(
            CollateralView(
                record,
                as_of,
                value,
                basis,
                Position(value, owed, senior),
                valuations,
                [c for c in cases if c.collateral_id == record.id],
            )
        )
    return views


def value_on(
    record: CollateralRecord, valuations: list[dict[str, Any]], *, as_of: date
) -> tuple[int | None, str]:
    """The value on ``as_of`` and how it was arrived at."""
    known = [v for v in valuations if _day(v["valued_on"]) <= as_of]
    if not known:
        return None, "no valuation on or before this date"
    latest = max(known, key=lambda v: (_day(v["valued_on"]), v["id"]))
    valued_on = _day(latest["valued_on"])
    basis = f"{latest['source']} of {valued_on}"
    if record.kind != "vehicle" or record.year is None or valued_on == as_of:
        return int(latest["amount_minor"]), basis
    value = estimate(
        value_minor=int(latest["amount_minor"]),
        valued_on=valued_on,
        as_of=as_of,
        model_year=record.year,
    )
    return value, f"{basis}, carried forward by the default depreciation curve"


def _add(
    uow: UnitOfWork,
    *,
    loan_id: int,
    external_id: str,
    kind: str,
    fields: dict[str, Any],
    actor: str,
    at: datetime,
) -> int:
    if uow.collateral.loan_terms(loan_id) is None:
        raise NotFoundError(f"no loan {loan_id}")
    if uow.collateral.by_external_id(external_id) is not None:
        raise ConflictError(f"collateral {external_id!r} is already registered")
    collateral_id = uow.collateral.add(
        external_id=external_id, loan_id=loan_id, kind=kind, fields=fields, at=at
    )
    uow.collateral.save_facts(collateral_id, _defaults(), by=actor, at=at)
    uow.audit.record(
        at=at,
        actor=actor,
        action="collateral.registered",
        entity_type="loan",
        entity_id=str(loan_id),
        details={"collateral_id": collateral_id, "kind": kind, **fields},
    )
    return collateral_id


def _defaults() -> dict[str, Any]:
    title, insurance, sale = TitleFacts(), InsuranceFacts(), SaleFacts()
    return {
        "title_status": title.status.value,
        "lien_status": title.lien_status.value,
        "title_state": "",
        "title_number": "",
        "lienholder": "",
        "location": "",
        "insurance_coverage": insurance.coverage.value,
        "insurance_carrier": "",
        "insurance_policy": "",
        "insurance_expires_on": None,
        "lender_is_loss_payee": False,
        "consumer_goods": sale.consumer_goods,
        "purchase_money": sale.purchase_money,
        "cash_price_minor": None,
        "senior_liens_minor": None,
    }


def _get(uow: UnitOfWork, collateral_id: int) -> CollateralRecord:
    record = uow.collateral.get(collateral_id)
    if record is None:
        raise NotFoundError(f"no collateral {collateral_id}")
    return record


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
