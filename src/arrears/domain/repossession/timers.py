"""The clocks of a repossession case, and what is due when they run out.

- The cure period (state statute or lender policy): the day after its last day the case moves
  on by itself (``END_CURE_PERIOD``) and a person is asked to assign a vendor.
- The notice of disposition: once the vehicle is held, a person is asked to send it; once its
  days have passed (9-612), to hold the sale.
- The 60% rule (9-620(e)): a warning ``warn_days`` before the 90-day disposal deadline and an
  alert the day after it.
- After the sale the 9-616 explanation is due; once sent, the case closes by policy (the
  deficiency goes back to collection or is written off).

``due`` is pure: the same case and date always give the same list, and each item carries a key
the case records once, so moving cases along their timers twice on a date changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from arrears.domain.repossession.case import CaseState
from arrears.domain.repossession.sixty_percent import disposal_deadline
from arrears.domain.repossession.stages import Event, Stage

STALE_ASSIGNMENT_DAYS = 30


@dataclass(frozen=True, slots=True)
class Due:
    """Something a case's clocks make due: an automatic step, or a review for people."""

    key: str
    on: date
    event: Event  # END_CURE_PERIOD or CLOSE (automatic) or REVIEW
    reason: str
    source: str

    @property
    def automatic(self) -> bool:
        return self.event is not Event.REVIEW


def due(case: CaseState, *, as_of: date, warn_days: int = 15) -> list[Due]:
    """What the case's clocks make due on or before ``as_of`` and is not done yet."""
    found = [item for item in _candidates(case, warn_days=warn_days) if item.on <= as_of]
    return [item for item in found if item.automatic or item.key not in case.reviews]


def _candidates(case: CaseState, *, warn_days: int) -> list[Due]:
    statute = case.header.rules.cure_statute
    stage = case.stage
    items: list[Due] = []
    if stage is Stage.CURE_PERIOD and case.cure_last_day is not None:
        items.append(
            Due(
                "cure_period_end",
                case.cure_last_day + timedelta(days=1),
                Event.END_CURE_PERIOD,
                f"the cure period ended on {case.cure_last_day} without a cure",
                statute,
            )
        )
    if stage is Stage.CURE_EXPIRED and case.cure_last_day is not None:
        items.append(
            Due(
                "assign_vendor",
                case.cure_last_day + timedelta(days=1),
                Event.REVIEW,
                "the cure period is over: assign a repossession vendor or withdraw",
                statute,
            )
        )
    if stage is Stage.ASSIGNED and case.assigned_on is not None:
        items.append(
            Due(
                "assignment_stale",
                case.assigned_on + timedelta(days=STALE_ASSIGNMENT_DAYS),
                Event.REVIEW,
                f"assigned to {case.vendor} {STALE_ASSIGNMENT_DAYS} days ago "
                "without a repossession",
                "lender policy",
            )
        )
    if stage is Stage.STOPPED and case.stopped_on is not None:
        items.append(
            Due(
                "breach_of_peace",
                case.stopped_on,
                Event.REVIEW,
                "the vendor stopped on a breach of the peace: decide on a voluntary surrender, "
                "judicial process or withdrawal",
                "UCC 9-609(b)(2)",
            )
        )
    items += _while_held(case, warn_days=warn_days)
    if stage is Stage.SOLD and case.sold_on is not None:
        items.append(
            Due(
                "explanation_due",
                case.sold_on,
                Event.REVIEW,
                "send the explanation of the surplus or deficiency before paying a surplus or "
                "demanding a deficiency",
                "UCC 9-616(b)",
            )
        )
    if stage is Stage.EXPLAINED and case.explained_on is not None:
        items.append(
            Due(
                "close",
                case.explained_on,
                Event.CLOSE,
                "explanation sent: the surplus is paid or the deficiency goes back to "
                "collection (or is written off by policy)",
                "UCC 9-615(d), 9-616",
            )
        )
    return items


def _while_held(case: CaseState, *, warn_days: int) -> list[Due]:
    if case.stage not in {Stage.REPOSSESSED, Stage.NOTICE_SENT} or case.repossessed_on is None:
        return []
    items: list[Due] = []
    if case.stage is Stage.REPOSSESSED:
        items.append(
            Due(
                "disposition_notice_due",
                case.repossessed_on,
                Event.REVIEW,
                "the vehicle is held: send the notice of disposition (public or private sale)",
                "UCC 9-611(b), 9-614",
            )
        )
    if case.stage is Stage.NOTICE_SENT and case.earliest_sale_on is not None:
        items.append(
            Due(
                "sale_ready",
                case.earliest_sale_on,
                Event.REVIEW,
                f"the notice period is over: the sale may take place from {case.earliest_sale_on}",
                "UCC 9-612",
            )
        )
    if case.must_dispose:
        deadline = disposal_deadline(
            repossessed_on=case.repossessed_on, extended_until=case.disposal_extended_until
        )
        items.append(
            Due(
                "dispose_by",
                deadline - timedelta(days=warn_days),
                Event.REVIEW,
                f"60% or more was paid: the vehicle must be disposed of by {deadline}",
                "UCC 9-620(e)",
            )
        )
        items.append(
            Due(
                "disposal_overdue",
                deadline + timedelta(days=1),
                Event.REVIEW,
                f"the 9-620(e) disposal deadline {deadline} has passed without a sale: "
                "escalate to compliance",
                "UCC 9-620(e), 9-625",
            )
        )
    return items
