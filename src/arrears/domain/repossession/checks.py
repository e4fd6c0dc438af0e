"""The conditions of each transition: cure periods, notice days, sale dates, amounts.

Each check raises ``RuleViolation`` with the rule id and its source (the state statute from
``state_rules``, UCC 9-609 to 9-620) and returns nothing when the step may be taken.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from arrears.domain.repossession.case import CaseState, SaleMethod, Step
from arrears.domain.repossession.details import day, number, optional_day, text
from arrears.domain.repossession.refusals import MACHINE, NOTICE_SOURCE
from arrears.domain.repossession.sixty_percent import disposal_deadline
from arrears.domain.repossession.stages import Event
from arrears.errors import RuleViolation


def _not_in_cure_period(case: CaseState, on: date, what: str) -> None:
    if case.cure_last_day is not None and on <= case.cure_last_day:
        raise RuleViolation(
            f"{what} on {on} is inside the cure period (it runs until {case.cure_last_day})",
            rule="repossession.cure_period",
            source=case.header.rules.cure_statute,
        )


def _positive(amount: int, *, what: str, source: str) -> None:
    if amount < 0:
        raise RuleViolation(
            f"{what} cannot be negative ({amount})", rule="repossession.amount", source=source
        )


def _check_cure_notice(case: CaseState, step: Step) -> None:
    rules = case.header.rules
    dpd = number(step.details, "days_past_due")
    if dpd < max(rules.min_days_in_default, 1):
        raise RuleViolation(
            f"{rules.state} allows the cure notice after {max(rules.min_days_in_default, 1)} "
            f"day(s) in default; the loan is {dpd} day(s) past due",
            rule="repossession.days_in_default",
            source=rules.cure_statute,
        )


def _check_cure(case: CaseState, step: Step) -> None:
    if case.cure_last_day is not None and step.on > case.cure_last_day:
        raise RuleViolation(
            f"the cure period ended on {case.cure_last_day}",
            rule="repossession.cure_period",
            source=case.header.rules.cure_statute,
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
            source=f"{NOTICE_SOURCE}; {case.header.rules.notice_statute}",
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
            source=f"{NOTICE_SOURCE}; {case.header.rules.notice_statute}",
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


def no_check(case: CaseState, step: Step) -> None:
    return None


CHECKS: dict[Event, Callable[[CaseState, Step], None]] = {
    Event.SEND_CURE_NOTICE: _check_cure_notice,
    Event.CURE: _check_reason,
    Event.ASSIGN: _check_assign,
    Event.REPOSSESS: _check_repossess,
    Event.SEND_DISPOSITION_NOTICE: _check_notice,
    Event.SELL: _check_sell,
    Event.ACCEPT: _check_accept,
    Event.WITHDRAW: _check_reason,
}
