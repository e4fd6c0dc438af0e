"""Repossession up to the vehicle being held: open, cure notice, vendor, repossession.

Each function is one step of ``domain.repossession``'s machine, run inside the caller's unit
of work: the case is caught up with its clocks, the step is checked against the machine (the
state cure statute, 9-609's breach-of-the-peace rule…), then against the compliance gate when
it acts on the borrower or the vehicle (a bankruptcy stay or SCRA protection refuses it), and
only then are letters queued, costs charged and the step recorded. A refused step changes
nothing. Expenses go to the ledger as they are incurred (``repossession_ledger``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from arrears.domain.repossession.case import ExpenseKind, Step
from arrears.domain.repossession.machine import apply
from arrears.domain.repossession.sixty_percent import SixtyPercentTest, sixty_percent_test
from arrears.domain.repossession.stages import Event, Stage
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services import repossession_ledger as ledger
from arrears.services.outbox import Messaging
from arrears.services.ports import CollateralRecord, OutboxUnitOfWork, UnitOfWork
from arrears.services.repossession_cases import (
    KIND,
    LoadedCase,
    catch_up,
    clear,
    load_case,
    not_after_today,
    take_step,
)
from arrears.services.repossession_letters import send_letters, vehicle_details


def register_vendor(
    uow: UnitOfWork,
    *,
    code: str,
    name: str,
    actor: str,
    at: datetime,
    phone: str = "",
    states: Sequence[str] = (),
) -> int:
    """Add a repossession vendor (an agent that retakes vehicles for the lender)."""
    if not code.strip() or not name.strip():
        raise RuleViolation(
            "a vendor needs a code and a name", rule="repossession.vendor", source=""
        )
    if uow.collateral.vendor(code) is not None:
        raise ConflictError(f"vendor {code!r} already exists")
    served = " ".join(state.upper() for state in states)
    vendor_id = uow.collateral.add_vendor(code=code, name=name, phone=phone, states=served, at=at)
    uow.audit.record(
        at=at,
        actor=actor,
        action="repossession.vendor",
        entity_type="vendor",
        entity_id=code,
        details={"name": name, "states": list(states)},
    )
    return vendor_id


def open_case(
    uow: UnitOfWork,
    *,
    loan_id: int,
    on: date,
    actor: str,
    at: datetime,
    collateral_id: int | None = None,
) -> int:
    """Open a repossession case on the loan's vehicle after default (UCC 9-609(a))."""
    loan = uow.collateral.loan_terms(loan_id)
    if loan is None:
        raise NotFoundError(f"no loan {loan_id}")
    vehicle = _vehicle(uow, loan_id, collateral_id)
    if uow.collateral.open_case_of(vehicle.id, kind=KIND) is not None:
        raise ConflictError(f"the vehicle of loan {loan['external_id']} already has an open case")
    dpd, _ = ledger.delinquency_on(uow, loan_id, on=on)
    if dpd < 1:
        raise RuleViolation(
            f"loan {loan['external_id']} is not in default on {on}",
            rule="repossession.default",
            source="UCC 9-609(a) (after default)",
        )
    case_id = uow.collateral.open_case(
        kind=KIND,
        loan_id=loan_id,
        collateral_id=vehicle.id,
        state=str(loan["contract_state"]),
        stage=Stage.ELIGIBLE.value,
        consumer_goods=bool(vehicle.facts.get("consumer_goods", True)),
        opened_on=on,
        opened_by=actor,
        at=at,
    )
    uow.audit.record(
        at=at,
        actor=actor,
        action="repossession.open",
        entity_type="loan",
        entity_id=str(loan_id),
        details={"case_id": case_id, "collateral_id": vehicle.id, "days_past_due": dpd},
    )
    return case_id


def send_cure_notice(
    uow: OutboxUnitOfWork,
    *,
    case_id: int,
    on: date,
    actor: str,
    at: datetime,
    as_of: date,
    messaging: Messaging,
) -> LoadedCase:
    """Send the right-to-cure notice; the cure period of the contract state starts."""
    case = catch_up(uow, load_case(uow, case_id), on=on, at=at)
    not_after_today(on, as_of=as_of)
    ledger.post_through(uow, case.loan_id, as_of=as_of, at=at)
    dpd, past_due = ledger.delinquency_on(uow, case.loan_id, on=on)
    rules = case.state.header.rules
    facts: dict[str, Any] = {
        "days_past_due": dpd,
        "amount_minor": past_due,
        "cure_days": rules.cure_days,
        "statute": rules.cure_statute,
    }
    after = apply(case.state, Step(Event.SEND_CURE_NOTICE, on, facts))
    clear(uow, case, action="right_to_cure_notice", on=on, at=at, actor=actor)
    assert after.cure_last_day is not None
    details = {
        "cure": {
            **facts,
            "last_day": after.cure_last_day.isoformat(),
            "state": rules.state,
            "balance_minor": ledger.owed(uow, case.loan_id, on=on),
            "sent_on": on.isoformat(),
            "verify": rules.verify,
        },
        "vehicle": vehicle_details(_collateral(uow, case)),
    }
    ids = send_letters(
        uow,
        loan=case.loan,
        template="right_to_cure_notice",
        category="repossession",
        on=on,
        key=f"repo{case_id}:cure",
        details=details,
        messaging=messaging,
        at=at,
    )
    step = Step(Event.SEND_CURE_NOTICE, on, {**facts, "message_ids": ids})
    return take_step(uow, case, step, actor=actor, at=at)


def assign_vendor(
    uow: UnitOfWork, *, case_id: int, vendor: str, on: date, actor: str, at: datetime
) -> LoadedCase:
    """Give the repossession order to a vendor (only after the cure period)."""
    found = uow.collateral.vendor(vendor)
    if found is None or not found["active"]:
        raise NotFoundError(f"no active repossession vendor {vendor!r}")
    case = catch_up(uow, load_case(uow, case_id), on=on, at=at)
    step = Step(Event.ASSIGN, on, {"vendor": vendor, "vendor_name": found["name"]})
    apply(case.state, step)
    clear(uow, case, action="repossession_order", on=on, at=at, actor=actor)
    return take_step(uow, case, step, actor=actor, at=at)


def record_breach_of_peace(
    uow: UnitOfWork, *, case_id: int, on: date, reason: str, actor: str, at: datetime
) -> LoadedCase:
    """The vendor stopped on a breach of the peace (UCC 9-609(b)(2)): the attempt ends."""
    case = load_case(uow, case_id)
    step = Step(Event.STOP, on, {"reason": reason})
    return take_step(uow, case, step, actor=actor, at=at)


def record_repossession(
    uow: UnitOfWork,
    *,
    case_id: int,
    on: date,
    location: str,
    actor: str,
    at: datetime,
    as_of: date,
    property_items: Sequence[str] = (),
    condition: str = "",
    mileage: int | None = None,
    retaking_cost_minor: int = 0,
    voluntary: bool = False,
) -> LoadedCase:
    """The vehicle is in the lender's possession (taken by the vendor, or surrendered)."""
    if retaking_cost_minor < 0:
        raise RuleViolation(
            f"the retaking cost cannot be negative ({retaking_cost_minor})",
            rule="repossession.amount",
            source="UCC 9-615(a)(1)",
        )
    case = catch_up(uow, load_case(uow, case_id), on=on, at=at)
    not_after_today(on, as_of=as_of)
    ledger.post_through(uow, case.loan_id, as_of=as_of, at=at)
    test = _sixty_percent(uow, case, on=on)
    details: dict[str, Any] = {
        "location": location,
        "property_items": list(property_items),
        "condition": condition,
        "mileage": mileage,
        "must_dispose": test.applies,
        "sixty_percent": test.explain(),
    }
    step = Step(Event.SURRENDER if voluntary else Event.REPOSSESS, on, details)
    apply(case.state, step)
    # Taking a surrendered vehicle is still taking possession: a stay or SCRA refuses it too.
    action = "voluntary_surrender" if voluntary else "repossession"
    clear(uow, case, action=action, on=on, at=at, actor=actor)
    case = take_step(uow, case, step, actor=actor, at=at)
    if retaking_cost_minor:
        case = record_cost(
            uow,
            case_id=case_id,
            kind=ExpenseKind.RETAKING,
            amount_minor=retaking_cost_minor,
            on=on,
            actor=actor,
            at=at,
            as_of=as_of,
        )
    return case


def record_cost(
    uow: UnitOfWork,
    *,
    case_id: int,
    kind: ExpenseKind,
    amount_minor: int,
    on: date,
    actor: str,
    at: datetime,
    as_of: date,
    note: str = "",
) -> LoadedCase:
    """An expense of retaking, storage, preparing… (9-615(a)(1)), charged to the loan."""
    case = load_case(uow, case_id)
    probe = Step(Event.RECORD_COST, on, {"kind": kind.value, "amount_minor": amount_minor})
    apply(case.state, probe)
    seq = len(uow.collateral.steps(case_id)) + 1
    key = ledger.charge_expense(
        uow,
        loan_id=case.loan_id,
        case_id=case_id,
        seq=seq,
        kind=kind,
        amount_minor=amount_minor,
        on=on,
        actor=actor,
        at=at,
        as_of=as_of,
    )
    details = {**probe.details, "charge_key": key, "note": note}
    return take_step(uow, case, Step(Event.RECORD_COST, on, details), actor=actor, at=at)


def record_fact(
    uow: UnitOfWork,
    *,
    case_id: int,
    event: Event,
    on: date,
    details: dict[str, Any],
    actor: str,
    at: datetime,
) -> LoadedCase:
    """Where the vehicle is kept, a condition report, personal property released, a junior's
    demand (9-615(a)(3)), an agreed longer disposal period (9-620(f)) — facts on the way."""
    allowed = {
        Event.STORE,
        Event.CONDITION_REPORT,
        Event.RELEASE_PROPERTY,
        Event.LIEN_DEMAND,
        Event.EXTEND_DISPOSAL,
    }
    if event not in allowed:
        raise RuleViolation(
            f"{event.value} is not a fact of a case", rule="repossession.fact", source=""
        )
    case = load_case(uow, case_id)
    return take_step(uow, case, Step(event, on, details), actor=actor, at=at)


def end_case(
    uow: UnitOfWork,
    *,
    case_id: int,
    event: Event,
    on: date,
    reason: str,
    actor: str,
    at: datetime,
    consent_on: date | None = None,
) -> LoadedCase:
    """Withdraw, record a cure, or keep the vehicle in satisfaction (9-620, with consent)."""
    if event not in {Event.WITHDRAW, Event.CURE, Event.ACCEPT}:
        raise RuleViolation(
            f"{event.value} does not end a case", rule="repossession.transition", source=""
        )
    case = load_case(uow, case_id)
    details: dict[str, Any] = {"reason": reason}
    if consent_on is not None:
        details["consent_on"] = consent_on.isoformat()
    return take_step(uow, case, Step(event, on, details), actor=actor, at=at)


def _vehicle(uow: UnitOfWork, loan_id: int, collateral_id: int | None) -> CollateralRecord:
    vehicles = [c for c in uow.collateral.of_loan(loan_id) if c.kind == "vehicle"]
    if collateral_id is not None:
        vehicles = [c for c in vehicles if c.id == collateral_id]
    if len(vehicles) != 1:
        raise RuleViolation(
            "repossession needs exactly one vehicle securing the loan "
            f"({len(vehicles)} found; name the collateral)",
            rule="repossession.collateral",
            source="UCC 9-609(a)",
        )
    return vehicles[0]


def _collateral(uow: UnitOfWork, case: LoadedCase) -> CollateralRecord:
    found = uow.collateral.get(case.record.collateral_id)
    assert found is not None
    return found


def _sixty_percent(uow: UnitOfWork, case: LoadedCase, *, on: date) -> SixtyPercentTest:
    facts = _collateral(uow, case).facts
    principal = int(case.loan["principal_minor"])
    return sixty_percent_test(
        consumer_goods=case.record.consumer_goods,
        purchase_money=bool(facts.get("purchase_money", True)),
        principal_minor=principal,
        principal_repaid_minor=max(
            ledger.principal_repaid(uow, case.loan_id, principal_minor=principal, on=on), 0
        ),
        cash_price_minor=facts.get("cash_price_minor"),
    )
