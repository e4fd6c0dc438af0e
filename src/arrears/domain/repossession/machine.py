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
from datetime import date, timedelta

from arrears.domain.repossession.case import (
    CaseHeader,
    CaseState,
    Expense,
    ExpenseKind,
    LienDemand,
    SaleMethod,
    Step,
)
from arrears.domain.repossession.details import day, number, optional_day, text
from arrears.domain.repossession.sixty_percent import disposal_deadline
from arrears.domain.repossession.stages import FACTS, TRANSITIONS, Event, Stage
from arrears.errors import RuleViolation

MACHINE = "arrears repossession state machine (docs/collateral.md)"
NOTICE_SOURCE = "UCC 9-611(b), 9-612, 9-614"


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
            raise _illegal(case, step)
        updated = _FACT_UPDATES.get(step.event, _same)(case, step)
        if step.event in {Event.REVIEW, Event.BLOCKED}:
            return updated
        _chronological(case, step)
        return replace(updated, last_on=step.on)
    target = TRANSITIONS.get(step.event, {}).get(case.stage)
    if target is None:
        raise _refusal(case, step)
    _chronological(case, step)
    _CHECKS.get(step.event, _no_check)(case, step)
    updated = _UPDATES.get(step.event, _same)(case, step)
    return replace(updated, stage=target, last_on=step.on)


# -- refusals -----------------------------------------------------------------------------------


def _illegal(case: CaseState, step: Step) -> RuleViolation:
    return RuleViolation(
        f"cannot {step.event.value.replace('_', ' ')} a case that is {case.stage.value}",
        rule="repossession.transition",
        source=MACHINE,
    )


def _refusal(case: CaseState, step: Step) -> RuleViolation:
    """The most specific reason a transition is refused from the case's stage."""
    event, stage = step.event, case.stage
    rules = case.header.rules
    if event in {Event.ASSIGN, Event.REPOSSESS} and stage is Stage.CURE_PERIOD:
        return RuleViolation(
            f"the cure period runs until {case.cure_last_day}: no repossession before "
            f"{_after(case.cure_last_day)}",
            rule="repossession.cure_period",
            source=rules.statute,
        )
    if event in {Event.ASSIGN, Event.REPOSSESS} and stage is Stage.ELIGIBLE:
        return RuleViolation(
            "send the right-to-cure notice and let its period pass before any repossession "
            "(a voluntary surrender is the exception)",
            rule="repossession.cure_notice",
            source=rules.statute,
        )
    if event in {Event.ASSIGN, Event.REPOSSESS} and stage is Stage.STOPPED:
        return RuleViolation(
            f"the vendor stopped on a breach of the peace on {case.stopped_on}: self-help "
            "repossession has ended; only a voluntary surrender or judicial process remains",
            rule="repossession.breach_of_peace",
            source="UCC 9-609(b)(2)",
        )
    if event is Event.SELL and stage is Stage.REPOSSESSED:
        return RuleViolation(
            "send the notice of disposition before the sale",
            rule="repossession.disposition_notice",
            source=NOTICE_SOURCE,
        )
    if event is Event.REDEEM and stage in {Stage.SOLD, Stage.EXPLAINED, Stage.CLOSED}:
        return RuleViolation(
            f"the vehicle was sold on {case.sold_on}: the right to redeem ended with the sale",
            rule="repossession.redemption",
            source="UCC 9-623(c)",
        )
    return _illegal(case, step)


def _chronological(case: CaseState, step: Step) -> None:
    if case.last_on is not None and step.on < case.last_on:
        raise RuleViolation(
            f"{step.event.value} on {step.on} is earlier than the case's last step "
            f"({case.last_on})",
            rule="repossession.dates",
            source=MACHINE,
        )


def _after(last_day: date | None) -> date | None:
    return last_day + timedelta(days=1) if last_day else None


def _not_in_cure_period(case: CaseState, on: date, what: str) -> None:
    if case.cure_last_day is not None and on <= case.cure_last_day:
        raise RuleViolation(
            f"{what} on {on} is inside the cure period (it runs until {case.cure_last_day})",
            rule="repossession.cure_period",
            source=case.header.rules.statute,
        )


def _positive(amount: int, *, what: str, source: str) -> None:
    if amount < 0:
        raise RuleViolation(
            f"{what} cannot be negative ({amount})", rule="repossession.amount", source=source
        )


# -- checks per transition ----------------------------------------------------------------------


def _check_cure_notice(case: CaseState, step: Step) -> None:
    rules = case.header.rules
    dpd = number(step.details, "days_past_due")
    if dpd < max(rules.min_days_in_default, 1):
        raise RuleViolation(
            f"{rules.state} allows the cure notice after {max(rules.min_days_in_default, 1)} "
            f"day(s) in default; the loan is {dpd} day(s) past due",
            rule="repossession.days_in_default",
            source=rules.statute,
        )


def _check_cure(case: CaseState, step: Step) -> None:
    if case.cure_last_day is not None and step.on > case.cure_last_day:
        raise RuleViolation(
            f"the cure period ended on {case.cure_last_day}",
            rule="repossession.cure_period",
            source=case.header.rules.statute,
        )


def _check_assign(case: CaseState, step: Step) -> None:
    if not text(step.details, "vendor"):
        raise RuleViolation(
            "name the repossession vendor", rule="repossession.vendor", source=MACHINE
        )
    _not_in_cure_period(case, step.on, "a repossession order")


def _check_repossess(case: CaseState, step: Step) -> None:
    _not_in_cure_period(case, step.on, "a repossession")


def _check_notice(case: CaseState, step: Step) -> None:
    method = SaleMethod(text(step.details, "method"))
    sale_on = day(step.details, "sale_on")
    earliest = step.on + timedelta(days=case.header.rules.disposition_notice_days)
    if sale_on < earliest:
        raise RuleViolation(
            f"a notice sent on {step.on} allows a sale on or after {earliest} "
            f"({case.header.rules.disposition_notice_days} days), not {sale_on}",
            rule="repossession.disposition_notice",
            source=f"{NOTICE_SOURCE}; {case.header.rules.statute}",
        )
    if method is SaleMethod.PUBLIC and not text(step.details, "place"):
        raise RuleViolation(
            "a public sale notice states the time and place of the sale",
            rule="repossession.public_sale_notice",
            source="UCC 9-613(1)(E), 9-614(1)",
        )
    if case.must_dispose and case.repossessed_on is not None:
        deadline = disposal_deadline(
            repossessed_on=case.repossessed_on, extended_until=case.disposal_extended_until
        )
        if sale_on > deadline:
            raise RuleViolation(
                f"60% or more was paid: the vehicle must be disposed of by {deadline}, "
                f"not {sale_on}",
                rule="repossession.sixty_percent",
                source="UCC 9-620(e), (f)",
            )


def _check_sell(case: CaseState, step: Step) -> None:
    _not_in_cure_period(case, step.on, "a sale")
    if case.earliest_sale_on is not None and step.on < case.earliest_sale_on:
        raise RuleViolation(
            f"the notice of disposition was sent on {case.notice_on}: no sale before "
            f"{case.earliest_sale_on}",
            rule="repossession.disposition_notice",
            source=f"{NOTICE_SOURCE}; {case.header.rules.statute}",
        )
    if case.sale_method is SaleMethod.PUBLIC and step.on != case.planned_sale_on:
        raise RuleViolation(
            f"the public sale was noticed for {case.planned_sale_on}: a sale on another day "
            "needs a new notice",
            rule="repossession.public_sale_notice",
            source="UCC 9-613(1)(E), 9-614(1)",
        )
    _positive(number(step.details, "price_minor"), what="the sale price", source="UCC 9-615(a)")
    for cost in step.details.get("costs", []):
        _positive(number(cost, "amount_minor"), what="a cost of sale", source="UCC 9-615(a)(1)")


def _check_accept(case: CaseState, step: Step) -> None:
    if case.must_dispose:
        raise RuleViolation(
            "60% or more of the price or principal was paid on consumer goods: the vehicle "
            "must be sold, it cannot be kept in satisfaction of the debt",
            rule="repossession.sixty_percent",
            source="UCC 9-620(e)",
        )
    if optional_day(step.details, "consent_on") is None:
        raise RuleViolation(
            "keeping the vehicle in satisfaction needs the debtor's consent after default",
            rule="repossession.acceptance_consent",
            source="UCC 9-620(a)(1), (c)",
        )


def _check_reason(case: CaseState, step: Step) -> None:
    if not text(step.details, "reason"):
        raise RuleViolation(
            f"say why the case is {step.event.value}d", rule="repossession.reason", source=MACHINE
        )
    if step.event is Event.CURE:
        _check_cure(case, step)


def _no_check(case: CaseState, step: Step) -> None:
    return None


_CHECKS: dict[Event, Callable[[CaseState, Step], None]] = {
    Event.SEND_CURE_NOTICE: _check_cure_notice,
    Event.CURE: _check_reason,
    Event.ASSIGN: _check_assign,
    Event.REPOSSESS: _check_repossess,
    Event.SEND_DISPOSITION_NOTICE: _check_notice,
    Event.SELL: _check_sell,
    Event.ACCEPT: _check_accept,
    Event.WITHDRAW: _check_reason,
}


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
