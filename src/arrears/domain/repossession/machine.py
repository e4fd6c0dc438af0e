"""The repossession state machine: which step may follow which, and on what conditions.

``apply`` checks one step against the case so far and returns the new state, or raises
``RuleViolation`` naming the rule and its source — an illegal transition, a repossession inside
the cure period, a sale sooner than the notice allows, a redemption after the sale, a negative
amount. ``replay`` folds a whole history. The rules are UCC Article 9 (9-609 to 9-623) and the
state cure statutes (``state_rules``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import timedelta

from arrears.domain.repossession.case import (
    CaseHeader,
    CaseState,
    Expense,
    ExpenseKind,
    LienDemand,
    SaleMethod,
    Step,
)
from arrears.domain.repossession.checks import CHECKS, no_check
from arrears.domain.repossession.details import day, number, text
from arrears.domain.repossession.refusals import MACHINE, chronological, illegal, refusal
from arrears.domain.repossession.stages import FACTS, TRANSITIONS, Event
from arrears.errors import RuleViolation


def start(header: CaseHeader) -> CaseState:
    return CaseState(header=header, last_on=header.opened_on)


def replay(header: CaseHeader, steps: Iterable[Step]) -> CaseState:
    """The state a case's history adds up to (each step checked as when it was taken)."""
    case = start(header)
    for step in steps:
        case = apply(case, step)
    return case


def apply(case: CaseState, step: Step) -> CaseState:
    """The case after ``step``; raises ``RuleViolation`` when the step is not allowed."""
    if step.event in FACTS:
        if case.stage not in FACTS[step.event]:
            raise illegal(case, step)
        updated = _FACT_UPDATES.get(step.event, _same)(case, step)
        if step.event in {Event.REVIEW, Event.BLOCKED}:
            return updated
        chronological(case, step)
        return replace(updated, last_on=step.on)
    target = TRANSITIONS.get(step.event, {}).get(case.stage)
    if target is None:
        raise refusal(case, step)
    chronological(case, step)
    CHECKS.get(step.event, no_check)(case, step)
    updated = _UPDATES.get(step.event, _same)(case, step)
    return replace(updated, stage=target, last_on=step.on)


# -- what each step establishes -------------------------------------------------------------


def _same(case: CaseState, step: Step) -> CaseState:
    return case


def _cure_notice(case: CaseState, step: Step) -> CaseState:
    last = step.on + timedelta(days=case.header.rules.cure_days)
    return replace(case, cure_notice_on=step.on, cure_last_day=last)


def _assign(case: CaseState, step: Step) -> CaseState:
    return replace(case, vendor=text(step.details, "vendor"), assigned_on=step.on)


def _stop(case: CaseState, step: Step) -> CaseState:
    return replace(case, stopped_on=step.on)


def _possession(case: CaseState, step: Step) -> CaseState:
    items = tuple(str(item) for item in step.details.get("property_items", []))
    return replace(
        case,
        repossessed_on=step.on,
        voluntary=step.event is Event.SURRENDER,
        location=text(step.details, "location"),
        property_items=items,
        must_dispose=bool(step.details.get("must_dispose", False)),
    )


def _notice(case: CaseState, step: Step) -> CaseState:
    return replace(
        case,
        notice_on=step.on,
        sale_method=SaleMethod(text(step.details, "method")),
        planned_sale_on=day(step.details, "sale_on"),
        earliest_sale_on=step.on + timedelta(days=case.header.rules.disposition_notice_days),
    )


def _sell(case: CaseState, step: Step) -> CaseState:
    costs = tuple(
        Expense(
            ExpenseKind(text(c, "kind")), number(c, "amount_minor"), step.on, text(c, "charge_key")
        )
        for c in step.details.get("costs", [])
    )
    return replace(
        case,
        sold_on=step.on,
        sale_price_minor=number(step.details, "price_minor"),
        buyer=text(step.details, "buyer"),
        expenses=case.expenses + costs,
    )


def _explain(case: CaseState, step: Step) -> CaseState:
    return replace(case, explained_on=step.on)


def _close(case: CaseState, step: Step) -> CaseState:
    return replace(case, closed_on=step.on)


_UPDATES: dict[Event, Callable[[CaseState, Step], CaseState]] = {
    Event.SEND_CURE_NOTICE: _cure_notice,
    Event.ASSIGN: _assign,
    Event.STOP: _stop,
    Event.REPOSSESS: _possession,
    Event.SURRENDER: _possession,
    Event.SEND_DISPOSITION_NOTICE: _notice,
    Event.SELL: _sell,
    Event.EXPLAIN: _explain,
    Event.CLOSE: _close,
    Event.WITHDRAW: _close,
    Event.CURE: _close,
    Event.REDEEM: _close,
    Event.ACCEPT: _close,
}


# -- facts ----------------------------------------------------------------------------------


def _cost(case: CaseState, step: Step) -> CaseState:
    amount = number(step.details, "amount_minor")
    if amount <= 0:
        raise RuleViolation(
            f"a cost is a positive amount, not {amount}",
            rule="repossession.amount",
            source="UCC 9-615(a)(1)",
        )
    expense = Expense(
        ExpenseKind(text(step.details, "kind")), amount, step.on, text(step.details, "charge_key")
    )
    return replace(case, expenses=(*case.expenses, expense))


def _store(case: CaseState, step: Step) -> CaseState:
    return replace(case, location=text(step.details, "location"))


def _release(case: CaseState, step: Step) -> CaseState:
    if not case.property_items:
        raise RuleViolation(
            "no personal property was inventoried in the vehicle",
            rule="repossession.property",
            source=MACHINE,
        )
    return replace(case, property_released_on=step.on)


def _lien(case: CaseState, step: Step) -> CaseState:
    demand = LienDemand(
        holder=text(step.details, "holder"),
        amount_minor=number(step.details, "amount_minor"),
        rank=number(step.details, "rank"),
        demanded_on=step.on,
    )
    return replace(case, liens=(*case.liens, demand))


def _extend(case: CaseState, step: Step) -> CaseState:
    return replace(case, disposal_extended_until=day(step.details, "until"))


def _review(case: CaseState, step: Step) -> CaseState:
    return replace(case, reviews=case.reviews | {text(step.details, "key")})


_FACT_UPDATES: dict[Event, Callable[[CaseState, Step], CaseState]] = {
    Event.RECORD_COST: _cost,
    Event.STORE: _store,
    Event.RELEASE_PROPERTY: _release,
    Event.LIEN_DEMAND: _lien,
    Event.EXTEND_DISPOSAL: _extend,
    Event.REVIEW: _review,
    Event.BLOCKED: _review,
}
