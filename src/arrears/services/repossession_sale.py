"""From the held vehicle to the closed case: notice of disposition, redemption, sale,
application of the proceeds, the 9-616 explanation, and what becomes of a deficiency.

- The notice of disposition (9-611, 9-614 consumer-goods content) goes out at least the state's
  notice days before the sale and quotes the full amount to redeem (9-623) from the ledger.
- The sale charges its costs, distributes the proceeds in the 9-615(a) order
  (``domain.repossession.waterfall``) and books each share (``repossession_ledger``).
- The explanation (9-616) is ``repossession_explanation``'s.
- Closing returns the deficiency to collection or writes it off by policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from arrears.domain.credits import CreditKind
from arrears.domain.repossession.case import ExpenseKind, SaleMethod, Step
from arrears.domain.repossession.machine import apply
from arrears.domain.repossession.policy import DeficiencyPolicy
from arrears.domain.repossession.stages import Event
from arrears.domain.repossession.waterfall import apply_proceeds
from arrears.errors import RuleViolation
from arrears.services import repossession_ledger as ledger
from arrears.services.credits import record_credit
from arrears.services.outbox import Messaging
from arrears.services.ports import OutboxUnitOfWork, UnitOfWork
from arrears.services.repossession_cases import (
    LoadedCase,
    catch_up,
    clear,
    load_case,
    not_after_today,
    take_step,
)
from arrears.services.repossession_letters import obligor_names, send_letters, vehicle_details


def send_disposition_notice(
    uow: OutboxUnitOfWork,
    *,
    case_id: int,
    on: date,
    method: SaleMethod,
    sale_on: date,
    actor: str,
    at: datetime,
    as_of: date,
    messaging: Messaging,
    place: str = "",
    time: str = "",
) -> LoadedCase:
    """The 9-614 notice: public sale at a time and place, or private sale after a date."""
    case = catch_up(uow, load_case(uow, case_id), on=on, at=at)
    not_after_today(on, as_of=as_of)
    ledger.post_through(uow, case.loan_id, as_of=as_of, at=at)
    facts = {"method": method.value, "sale_on": sale_on.isoformat(), "place": place, "time": time}
    apply(case.state, Step(Event.SEND_DISPOSITION_NOTICE, on, facts))
    clear(uow, case, action="notice_of_disposition", on=on, at=at, actor=actor)
    collateral = uow.collateral.get(case.record.collateral_id)
    assert collateral is not None
    details = {
        "sale": facts,
        "vehicle": vehicle_details(collateral),
        "redeem": {"amount_minor": ledger.owed(uow, case.loan_id, on=on), "as_of": on.isoformat()},
        "obligors": obligor_names(uow, case.loan, on=on),
        "notice_days": case.state.header.rules.disposition_notice_days,
        "accounting_charge_minor": 0,
    }
    ids = send_letters(
        uow,
        loan=case.loan,
        template="notice_of_disposition",
        category="repossession",
        on=on,
        key=f"repo{case_id}:disposition",
        details=details,
        messaging=messaging,
        at=at,
    )
    step = Step(Event.SEND_DISPOSITION_NOTICE, on, {**facts, "message_ids": ids})
    return take_step(uow, case, step, actor=actor, at=at)


def redeem(
    uow: UnitOfWork,
    *,
    case_id: int,
    on: date,
    amount_minor: int,
    actor: str,
    at: datetime,
    as_of: date,
) -> LoadedCase:
    """The borrower pays everything owed, expenses included, before the sale (9-623)."""
    case = catch_up(uow, load_case(uow, case_id), on=on, at=at)
    not_after_today(on, as_of=as_of)
    ledger.post_through(uow, case.loan_id, as_of=as_of, at=at)
    quote = ledger.owed(uow, case.loan_id, on=on)
    step = Step(Event.REDEEM, on, {"amount_minor": amount_minor, "quote_minor": quote})
    apply(case.state, step)
    if amount_minor < quote:
        raise RuleViolation(
            f"redemption needs the full {quote} owed (not just the past-due payments), "
            f"{amount_minor} was tendered",
            rule="repossession.redemption_amount",
            source="UCC 9-623(b); 9-614(1) form",
        )
    record_credit(
        uow,
        loan_id=case.loan_id,
        kind=CreditKind.PAYMENT,
        amount_minor=amount_minor,
        effective_date=on,
        reason=f"repossession case {case_id}: redemption (UCC 9-623)",
        key=f"repo{case_id}-redemption",
        actor=actor,
        at=at,
        as_of=as_of,
    )
    return take_step(uow, case, step, actor=actor, at=at)


def record_sale(
    uow: UnitOfWork,
    *,
    case_id: int,
    on: date,
    price_minor: int,
    buyer: str,
    actor: str,
    at: datetime,
    as_of: date,
    costs: Sequence[tuple[ExpenseKind, int]] = (),
    related_buyer: bool = False,
) -> LoadedCase:
    """Record the sale, charge its costs and apply the proceeds in the 9-615(a) order."""
    case = catch_up(uow, load_case(uow, case_id), on=on, at=at)
    listed: list[dict[str, Any]] = [
        {"kind": kind.value, "amount_minor": amount} for kind, amount in costs
    ]
    probe = Step(Event.SELL, on, {"price_minor": price_minor, "buyer": buyer, "costs": listed})
    apply(case.state, probe)
    clear(uow, case, action="collateral_sale", on=on, at=at, actor=actor)
    not_after_today(on, as_of=as_of)
    ledger.post_through(uow, case.loan_id, as_of=as_of, at=at)
    seq = len(uow.collateral.steps(case_id)) + 1
    for n, cost in enumerate(listed):
        cost["charge_key"] = ledger.charge_expense(
            uow,
            loan_id=case.loan_id,
            case_id=case_id,
            seq=seq * 100 + n,
            kind=ExpenseKind(cost["kind"]),
            amount_minor=cost["amount_minor"],
            on=on,
            actor=actor,
            at=at,
            as_of=as_of,
        )
    sold = apply(case.state, Step(Event.SELL, on, {**probe.details, "costs": listed}))
    owed = ledger.owed(uow, case.loan_id, on=on)
    distribution = apply_proceeds(
        proceeds_minor=price_minor,
        expenses=sold.expenses,
        obligation_minor=max(owed - sold.expenses_minor, 0),
        demands=sold.liens,
        distributed_on=on,
    )
    credit_id = ledger.post_distribution(
        uow,
        loan_id=case.loan_id,
        case_id=case_id,
        distribution=distribution,
        on=on,
        actor=actor,
        at=at,
        as_of=as_of,
        currency=str(case.loan["currency"]),
    )
    details: dict[str, Any] = {
        **probe.details,
        "costs": listed,
        "related_buyer": related_buyer,
        "proceeds_credit_id": credit_id,
        "owed_before_minor": owed,
        "to_secured_party_minor": distribution.to_secured_party_minor,
        "to_subordinates": [[s.label, s.paid_minor] for s in distribution.subordinates],
        "surplus_minor": distribution.surplus_minor,
        "deficiency_minor": distribution.deficiency_minor,
    }
    case = take_step(uow, case, Step(Event.SELL, on, details), actor=actor, at=at)
    if related_buyer:
        uow.collateral.add_review(
            loan_id=case.loan_id,
            treatment="repossession_insider_sale",
            queue="repossession",
            category="repossession",
            due_on=on,
            priority=60,
            at=at,
            details={
                "case_id": case_id,
                "reason": "sold to the secured party or a related "
                "person: check the price against an arm's-length sale (UCC 9-615(f))",
            },
        )
    return case


def close_case(
    uow: UnitOfWork,
    *,
    case_id: int,
    on: date,
    actor: str,
    at: datetime,
    as_of: date,
    policy: DeficiencyPolicy | None = None,
    key: str | None = None,
) -> LoadedCase:
    """After the explanation: the deficiency returns to collection, or is written off."""
    case = load_case(uow, case_id)
    apply(case.state, Step(Event.CLOSE, on, {}))
    not_after_today(on, as_of=as_of)
    ledger.post_through(uow, case.loan_id, as_of=as_of, at=at)
    owed = ledger.owed(uow, case.loan_id, on=on)
    outcome = "settled"
    if owed > 0:
        outcome = "returned to collection"
        if (policy or DeficiencyPolicy()).writes_off(owed):
            ledger.write_off(
                uow,
                loan_id=case.loan_id,
                case_id=case_id,
                amount_minor=owed,
                on=on,
                actor=actor,
                at=at,
                as_of=as_of,
            )
            outcome = "written off"
    step = Step(Event.CLOSE, on, {"outcome": outcome, "owed_minor": owed})
    return take_step(uow, case, step, actor=actor, at=at, key=key)
