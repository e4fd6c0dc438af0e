"""The explanation of a surplus or deficiency (UCC 9-616), from the ledger, and sending it.

The figures are read from the loan's journal (``repossession_ledger.figures``) as of the day of
possession (9-616(c)(1)(A)), laid out in the order 9-616(c) requires, and checked to tie to
the ledger before anything is sent: the deficiency is what the borrower owes after the sale;
a surplus is what the subordinate lienholders and the borrower were paid. The explanation goes
out with the surplus payment or with the first written demand for the deficiency.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from arrears.domain.repossession.case import ExpenseKind, Step
from arrears.domain.repossession.explanation import Explanation, explain
from arrears.domain.repossession.machine import apply
from arrears.domain.repossession.stages import Event
from arrears.errors import ArrearsError
from arrears.services import repossession_ledger as ledger
from arrears.services.outbox import Messaging
from arrears.services.ports import OutboxUnitOfWork, UnitOfWork
from arrears.services.repossession_cases import (
    LoadedCase,
    clear,
    load_case,
    not_after_today,
    take_step,
)
from arrears.services.repossession_letters import send_letters, vehicle_details

DEMAND_DAYS = 30


def explanation_of(uow: UnitOfWork, case: LoadedCase) -> Explanation:
    """The 9-616 explanation of a sold case, from the journal, checked to tie to it."""
    state = case.state
    assert state.sold_on
    assert state.repossessed_on
    assert state.sale_price_minor is not None
    sale = _sale_details(uow, case)
    figures = ledger.figures(
        uow,
        loan_id=case.loan_id,
        calculated_on=state.repossessed_on,
        sold_on=state.sold_on,
        expense_keys={e.charge_key for e in state.expenses if e.charge_key},
        proceeds_credit_id=sale.get("proceeds_credit_id"),
        case_id=case.id,
    )
    by_kind = {
        kind: sum(e.amount_minor for e in state.expenses if e.kind is kind) for kind in ExpenseKind
    }
    result = explain(
        calculated_on=state.repossessed_on,
        possession_on=state.repossessed_on,
        obligation_minor=figures.obligation_minor,
        proceeds_minor=state.sale_price_minor,
        expenses=by_kind,
        later_charges_minor=figures.later_charges_minor,
        credits={"payments and credits received after the calculation date": figures.credits_minor},
    )
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
    uow: OutboxUnitOfWork,
    *,
    case_id: int,
    on: date,
    actor: str,
    at: datetime,
    as_of: date,
    messaging: Messaging,
) -> LoadedCase:
    """Send the 9-616 explanation with the surplus, or with the first demand for the
    deficiency (the deficiency letter)."""
    case = load_case(uow, case_id)
    not_after_today(on, as_of=as_of)
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
        uow,
        loan=case.loan,
        template="surplus_deficiency_explanation",
        category="repossession",
        on=on,
        key=f"repo{case_id}:explanation",
        details=details,
        messaging=messaging,
        at=at,
    )
    if result.deficiency_minor:
        respond_by = (on + timedelta(days=DEMAND_DAYS)).isoformat()
        amount = details["owed_today_minor"]
        demand = {**details, "demand": {"amount_minor": amount, "respond_by": respond_by}}
        ids += send_letters(
            uow,
            loan=case.loan,
            template="deficiency_letter",
            category="repossession",
            on=on,
            key=f"repo{case_id}:deficiency",
            details=demand,
            messaging=messaging,
            at=at,
        )
    if to_you:
        ledger.pay_surplus(
            uow,
            loan_id=case.loan_id,
            case_id=case_id,
            amount_minor=to_you,
            on=on,
            actor=actor,
            at=at,
            currency=str(case.loan["currency"]),
        )
    step = Step(
        Event.EXPLAIN,
        on,
        {
            "result": details["explanation"]["result"],
            "amount_minor": abs(result.result_minor),
            "surplus_paid_minor": to_you,
            "message_ids": ids,
        },
    )
    return take_step(uow, case, step, actor=actor, at=at)


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
            "lines": [
                {"step": ln.step, "key": ln.key, "amount_minor": ln.amount_minor}
                for ln in result.lines()
            ],
            "result": kind,
            "amount_minor": abs(result.result_minor),
        },
        "sale": {
            "on": case.state.sold_on.isoformat() if case.state.sold_on else "",
            "price_minor": case.state.sale_price_minor,
            "buyer": case.state.buyer,
        },
        "to_subordinates": [
            {"holder": h, "amount_minor": a} for h, a in sale.get("to_subordinates", []) if a
        ],
        "surplus_to_you_minor": int(sale.get("surplus_minor", 0)),
        "owed_today_minor": owed,
    }
