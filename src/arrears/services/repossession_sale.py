"""From the held vehicle to the closed case: notice of disposition, redemption, sale,
application of the proceeds, the 9-616 explanation, and what becomes of a deficiency.

- The notice of disposition (9-611, 9-614 consumer-goods content) goes out at least the state's
  notice days before the sale and quotes the full amount to redeem (9-623) from the ledger.
- The sale charges its costs, distributes the proceeds in the 9-615(a) order
  (``domain.repossession.waterfall``) and books each share (``repossession_ledger``).
- The explanation (9-616) is computed from the journal in the statute's order, checked to tie to
  the ledger, and sent with the surplus payment or the deficiency letter.
- Closing returns the deficiency to collection or writes it off by policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from arrears.domain.credits import CreditKind
from arrears.domain.repossession.case import ExpenseKind, SaleMethod, Step
from arrears.domain.repossession.explanation import Explanation, explain
from arrears.domain.repossession.machine import apply
from arrears.domain.repossession.policy import DeficiencyPolicy
from arrears.domain.repossession.stages import Event
from arrears.domain.repossession.waterfall import apply_proceeds
from arrears.errors import ArrearsError, RuleViolation
from arrears.services import repossession_ledger as ledger
from arrears.services.credits import record_credit
from arrears.services.outbox import Messaging
from arrears.services.ports import OutboxUnitOfWork, UnitOfWork
from arrears.services.repossession_cases import LoadedCase, catch_up, clear, load_case, take_step
from arrears.services.repossession_letters import obligor_names, send_letters, vehicle_details

DEMAND_DAYS = 30


def send_disposition_notice(
    uow: OutboxUnitOfWork, *, case_id: int, on: date, method: SaleMethod, sale_on: date,
    actor: str, at: datetime, as_of: date, messaging: Messaging, place: str = "",
    time: str = "",
) -> LoadedCase:  # fmt: skip
    """The 9-614 notice: public sale at a time and place, or private sale after a date."""
    case = catch_up(uow, load_case(uow, case_id), on=on, at=at)
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
        uow, loan=case.loan, template="notice_of_disposition", category="repossession", on=on,
        key=f"repo{case_id}:disposition", details=details, messaging=messaging, at=at,
    )  # fmt: skip
    step = Step(Event.SEND_DISPOSITION_NOTICE, on, {**facts, "message_ids": ids})
    return take_step(uow, case, step, actor=actor, at=at)


def redeem(
    uow: UnitOfWork, *, case_id: int, on: date, amount_minor: int, actor: str, at: datetime,
    as_of: date,
) -> LoadedCase:  # fmt: skip
    """The borrower pays everything owed, expenses included, before the sale (9-623)."""
    case = catch_up(uow, load_case(uow, case_id), on=on, at=at)
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
        uow, loan_id=case.loan_id, kind=CreditKind.PAYMENT, amount_minor=amount_minor,
        effective_date=on, reason=f"repossession case {case_id}: redemption (UCC 9-623)",
        key=f"repo{case_id}-redemption", actor=actor, at=at, as_of=as_of,
    )  # fmt: skip
    return take_step(uow, case, step, actor=actor, at=at)


def record_sale(
    uow: UnitOfWork, *, case_id: int, on: date, price_minor: int, buyer: str, actor: str,
    at: datetime, as_of: date, costs: Sequence[tuple[ExpenseKind, int]] = (),
    related_buyer: bool = False,
) -> LoadedCase:  # fmt: skip
    """Record the sale, charge its costs and apply the proceeds in the 9-615(a) order."""
    case = catch_up(uow, load_case(uow, case_id), on=on, at=at)
    listed: list[dict[str, Any]] = [
        {"kind": kind.value, "amount_minor": amount} for kind, amount in costs
    ]
    probe = Step(Event.SELL, on, {"price_minor": price_minor, "buyer": buyer, "costs": listed})
    apply(case.state, probe)
    clear(uow, case, action="collateral_sale", on=on, at=at, actor=actor)
    ledger.post_through(uow, case.loan_id, as_of=as_of, at=at)
    seq = len(uow.collateral.steps(case_id)) + 1
    for n, cost in enumerate(listed):
        cost["charge_key"] = ledger.charge_expense(
            uow, loan_id=case.loan_id, case_id=case_id, seq=seq * 100 + n,
            kind=ExpenseKind(cost["kind"]), amount_minor=cost["amount_minor"], on=on,
            actor=actor, at=at, as_of=as_of,
        )  # fmt: skip
    sold = apply(case.state, Step(Event.SELL, on, {**probe.details, "costs": listed}))
    owed = ledger.owed(uow, case.loan_id, on=on)
    distribution = apply_proceeds(
        proceeds_minor=price_minor, expenses=sold.expenses,
        obligation_minor=max(owed - sold.expenses_minor, 0), demands=sold.liens,
        distributed_on=on,
    )  # fmt: skip
    credit_id = ledger.post_distribution(
        uow, loan_id=case.loan_id, case_id=case_id, distribution=distribution, on=on,
        actor=actor, at=at, as_of=as_of, currency=str(case.loan["currency"]),
    )  # fmt: skip
    details: dict[str, Any] = {
        **probe.details, "costs": listed, "related_buyer": related_buyer,
        "proceeds_credit_id": credit_id, "owed_before_minor": owed,
        "to_secured_party_minor": distribution.to_secured_party_minor,
        "to_subordinates": [[s.label, s.paid_minor] for s in distribution.subordinates],
        "surplus_minor": distribution.surplus_minor,
        "deficiency_minor": distribution.deficiency_minor,
    }  # fmt: skip
    case = take_step(uow, case, Step(Event.SELL, on, details), actor=actor, at=at)
    if related_buyer:
        uow.collateral.add_review(
            loan_id=case.loan_id, treatment="repossession_insider_sale", queue="repossession",
            category="repossession", due_on=on, priority=60, at=at,
            details={"case_id": case_id, "reason": "sold to the secured party or a related "
                     "person: check the price against an arm's-length sale (UCC 9-615(f))"},
        )  # fmt: skip
    return case


def explanation_of(uow: UnitOfWork, case: LoadedCase) -> Explanation:
    """The 9-616 explanation of a sold case, from the journal, checked to tie to it."""
    state = case.state
    assert state.sold_on
    assert state.repossessed_on
    assert state.sale_price_minor is not None
    sale = _sale_details(uow, case)
    figures = ledger.figures(
        uow, loan_id=case.loan_id, calculated_on=state.repossessed_on, sold_on=state.sold_on,
        expense_keys={e.charge_key for e in state.expenses if e.charge_key},
        proceeds_credit_id=sale.get("proceeds_credit_id"), case_id=case.id,
    )  # fmt: skip
    by_kind = {kind: sum(e.amount_minor for e in state.expenses if e.kind is kind)
               for kind in ExpenseKind}  # fmt: skip
    result = explain(
        calculated_on=state.repossessed_on, possession_on=state.repossessed_on,
        obligation_minor=figures.obligation_minor, proceeds_minor=state.sale_price_minor,
        expenses=by_kind, later_charges_minor=figures.later_charges_minor,
        credits={"payments and credits received after the calculation date":
                 figures.credits_minor},
    )  # fmt: skip
    juniors = sum(int(paid) for _, paid in sale.get("to_subordinates", []))
    ties = (
        figures.expenses_minor == state.expenses_minor
        and result.deficiency_minor == max(figures.balance_after_sale_minor, 0)
        and result.surplus_minor == juniors + max(-figures.balance_after_sale_minor, 0)
    )
    if not ties:
        raise ArrearsError(
            f"case {case.id}: the 9-616 figures do not tie to the ledger ({figures}, {result})"
        )
    return result


def send_explanation(
    uow: OutboxUnitOfWork, *, case_id: int, on: date, actor: str, at: datetime, as_of: date,
    messaging: Messaging,
) -> LoadedCase:  # fmt: skip
    """Send the 9-616 explanation with the surplus, or with the first demand for the
    deficiency (the deficiency letter)."""
    case = load_case(uow, case_id)
    ledger.post_through(uow, case.loan_id, as_of=as_of, at=at)
    apply(case.state, Step(Event.EXPLAIN, on, {}))
    result = explanation_of(uow, case)
    clear(uow, case, action="surplus_deficiency_explanation", on=on, at=at, actor=actor)
    sale = _sale_details(uow, case)
    to_you = int(sale.get("surplus_minor", 0))
    details = _explanation_details(result, case, sale, owed=ledger.owed(uow, case.loan_id, on=on))
    collateral = uow.collateral.get(case.record.collateral_id)
    assert collateral is not None
    details["vehicle"] = vehicle_details(collateral)
    ids = send_letters(
        uow, loan=case.loan, template="surplus_deficiency_explanation", category="repossession",
        on=on, key=f"repo{case_id}:explanation", details=details, messaging=messaging, at=at,
    )  # fmt: skip
    if result.deficiency_minor:
        respond_by = (on + timedelta(days=DEMAND_DAYS)).isoformat()
        amount = details["owed_today_minor"]
        demand = {**details, "demand": {"amount_minor": amount, "respond_by": respond_by}}
        ids += send_letters(
            uow, loan=case.loan, template="deficiency_letter", category="repossession", on=on,
            key=f"repo{case_id}:deficiency", details=demand, messaging=messaging, at=at,
        )  # fmt: skip
    if to_you:
        ledger.pay_surplus(
            uow, loan_id=case.loan_id, case_id=case_id, amount_minor=to_you, on=on, actor=actor,
            at=at, currency=str(case.loan["currency"]),
        )  # fmt: skip
    step = Step(Event.EXPLAIN, on, {"result": details["explanation"]["result"],
                                     "amount_minor": abs(result.result_minor),
                                     "surplus_paid_minor": to_you, "message_ids": ids})  # fmt: skip
    return take_step(uow, case, step, actor=actor, at=at)


def close_case(
    uow: UnitOfWork, *, case_id: int, on: date, actor: str, at: datetime, as_of: date,
    policy: DeficiencyPolicy | None = None, key: str | None = None,
) -> LoadedCase:  # fmt: skip
    """After the explanation: the deficiency returns to collection, or is written off."""
    case = load_case(uow, case_id)
    apply(case.state, Step(Event.CLOSE, on, {}))
    ledger.post_through(uow, case.loan_id, as_of=as_of, at=at)
    owed = ledger.owed(uow, case.loan_id, on=on)
    outcome = "settled"
    if owed > 0:
        outcome = "returned to collection"
        if (policy or DeficiencyPolicy()).writes_off(owed):
            ledger.write_off(uow, loan_id=case.loan_id, case_id=case_id, amount_minor=owed,
                             on=on, actor=actor, at=at, as_of=as_of)  # fmt: skip
            outcome = "written off"
    step = Step(Event.CLOSE, on, {"outcome": outcome, "owed_minor": owed})
    return take_step(uow, case, step, actor=actor, at=at, key=key)


def _sale_details(uow: UnitOfWork, case: LoadedCase) -> dict[str, Any]:
    sells = [s for s in uow.collateral.steps(case.id) if s.event == Event.SELL.value]
    return dict(sells[-1].details) if sells else {}


def _explanation_details(
    result: Explanation, case: LoadedCase, sale: dict[str, Any], *, owed: int
) -> dict[str, Any]:
    kind = "deficiency" if result.result_minor >= 0 else "surplus"
    return {
        "explanation": {
            "calculated_on": result.calculated_on.isoformat(),
            "rebate_note": result.rebate_note,
            "lines": [{"step": ln.step, "key": ln.key, "amount_minor": ln.amount_minor}
                      for ln in result.lines()],
            "result": kind,
            "amount_minor": abs(result.result_minor),
        },
        "sale": {"on": case.state.sold_on.isoformat() if case.state.sold_on else "",
                 "price_minor": case.state.sale_price_minor, "buyer": case.state.buyer},
        "to_subordinates": [{"holder": h, "amount_minor": a}
                            for h, a in sale.get("to_subordinates", []) if a],
        "surplus_to_you_minor": int(sale.get("surplus_minor", 0)),
        "owed_today_minor": owed,
    }  # fmt: skip
