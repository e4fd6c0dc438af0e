"""Why a repossession step is refused: the most specific rule for each illegal transition."""

from __future__ import annotations

from datetime import date, timedelta

from arrears.domain.repossession.case import CaseState, Step
from arrears.domain.repossession.stages import Event, Stage
from arrears.errors import RuleViolation

MACHINE = "arrears repossession state machine (docs/collateral.md)"
NOTICE_SOURCE = "UCC 9-611(b), 9-612, 9-614"


def illegal(case: CaseState, step: Step) -> RuleViolation:
    return RuleViolation(
        f"cannot {step.event.value.replace('_', ' ')} a case that is {case.stage.value}",
        rule="repossession.transition",
        source=MACHINE,
    )


def refusal(case: CaseState, step: Step) -> RuleViolation:
    """The most specific reason a transition is refused from the case's stage."""
    event, stage = step.event, case.stage
    rules = case.header.rules
    if event in {Event.ASSIGN, Event.REPOSSESS} and stage is Stage.CURE_PERIOD:
        return RuleViolation(
            f"the cure period runs until {case.cure_last_day}: no repossession before "
            f"{_after(case.cure_last_day)}",
            rule="repossession.cure_period",
            source=rules.cure_statute,
        )
    if event in {Event.ASSIGN, Event.REPOSSESS} and stage is Stage.ELIGIBLE:
        return RuleViolation(
            "send the right-to-cure notice and let its period pass before any repossession "
            "(a voluntary surrender is the exception)",
            rule="repossession.cure_notice",
            source=rules.cure_statute,
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
    return illegal(case, step)


def chronological(case: CaseState, step: Step) -> None:
    if case.last_on is not None and step.on < case.last_on:
        raise RuleViolation(
            f"{step.event.value} on {step.on} is earlier than the case's last step "
            f"({case.last_on})",
            rule="repossession.dates",
            source=MACHINE,
        )


def _after(last_day: date | None) -> date | None:
    return last_day + timedelta(days=1) if last_day else None
