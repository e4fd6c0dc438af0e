"""The stages a repossession case passes through and the events that move it.

The happy path of an involuntary repossession (UCC 9-609 to 9-616, state cure statutes):

    eligible → cure_period → cure_expired → assigned → repossessed → notice_sent → sold
             → explained → closed

A voluntary surrender jumps to ``repossessed``; a case can also end ``cured`` (inside the cure
period), ``redeemed`` (9-623, before the sale), ``stopped`` (breach of the peace, 9-609(b)(2)),
``accepted`` (strict foreclosure, 9-620, where the 60% rule allows it) or ``withdrawn``.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    ELIGIBLE = "eligible"  # opened after default, nothing sent yet
    CURE_PERIOD = "cure_period"  # right-to-cure notice sent; the borrower may cure
    CURE_EXPIRED = "cure_expired"  # cure period over without a cure: repossession may be ordered
    ASSIGNED = "assigned"  # a repossession vendor has the order
    REPOSSESSED = "repossessed"  # the vehicle is in the secured party's possession
    NOTICE_SENT = "notice_sent"  # notice of disposition sent (9-611, 9-614)
    SOLD = "sold"  # disposed of; proceeds applied (9-615)
    EXPLAINED = "explained"  # explanation of surplus or deficiency sent (9-616)
    CLOSED = "closed"  # surplus paid, or the deficiency returned to collection or written off
    CURED = "cured"  # the default was cured inside the cure period
    REDEEMED = "redeemed"  # the borrower paid everything and took the vehicle back (9-623)
    STOPPED = "stopped"  # the vendor stopped on a breach of the peace (9-609(b)(2))
    ACCEPTED = "accepted"  # kept in satisfaction of the debt (strict foreclosure, 9-620)
    WITHDRAWN = "withdrawn"  # a person ended the case without a sale

    @property
    def open(self) -> bool:
        return self not in TERMINAL


TERMINAL: frozenset[Stage] = frozenset(
    {
        Stage.CLOSED,
        Stage.CURED,
        Stage.REDEEMED,
        Stage.ACCEPTED,
        Stage.WITHDRAWN,
    }
)


class Event(StrEnum):
    """What can happen to a case: transitions, and facts recorded along the way."""

    SEND_CURE_NOTICE = "send_cure_notice"
    END_CURE_PERIOD = "end_cure_period"  # a timer: the last day to cure has passed
    CURE = "cure"
    ASSIGN = "assign"
    STOP = "stop"  # breach of the peace reported by the vendor
    REPOSSESS = "repossess"
    SURRENDER = "surrender"  # voluntary surrender
    SEND_DISPOSITION_NOTICE = "send_disposition_notice"
    REDEEM = "redeem"
    SELL = "sell"
    ACCEPT = "accept"
    EXPLAIN = "explain"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    # facts that do not change the stage
    RECORD_COST = "record_cost"
    STORE = "store"  # where the vehicle is kept
    CONDITION_REPORT = "condition_report"
    RELEASE_PROPERTY = "release_property"  # personal property found in the vehicle given back
    LIEN_DEMAND = "lien_demand"  # a subordinate secured party's authenticated demand (9-615(a)(3))
    EXTEND_DISPOSAL = "extend_disposal"  # post-default agreement to a longer period (9-620(f))
    REVIEW = "review"  # a timer raised a review item for people
    BLOCKED = "blocked"  # a timer's step was refused (the rule is in the details)


#: Events that move a case from one stage to another, by the stages they may start from.
TRANSITIONS: dict[Event, dict[Stage, Stage]] = {
    Event.SEND_CURE_NOTICE: {Stage.ELIGIBLE: Stage.CURE_PERIOD},
    Event.END_CURE_PERIOD: {Stage.CURE_PERIOD: Stage.CURE_EXPIRED},
    Event.CURE: {Stage.CURE_PERIOD: Stage.CURED},
    Event.ASSIGN: {Stage.CURE_EXPIRED: Stage.ASSIGNED},
    Event.STOP: {Stage.ASSIGNED: Stage.STOPPED},
    Event.REPOSSESS: {Stage.ASSIGNED: Stage.REPOSSESSED},
    Event.SURRENDER: dict.fromkeys(
        (
            Stage.ELIGIBLE,
            Stage.CURE_PERIOD,
            Stage.CURE_EXPIRED,
            Stage.ASSIGNED,
            Stage.STOPPED,
        ),
        Stage.REPOSSESSED,
    ),
    Event.SEND_DISPOSITION_NOTICE: {Stage.REPOSSESSED: Stage.NOTICE_SENT},
    Event.REDEEM: {Stage.REPOSSESSED: Stage.REDEEMED, Stage.NOTICE_SENT: Stage.REDEEMED},
    Event.SELL: {Stage.NOTICE_SENT: Stage.SOLD},
    Event.ACCEPT: {Stage.REPOSSESSED: Stage.ACCEPTED, Stage.NOTICE_SENT: Stage.ACCEPTED},
    Event.EXPLAIN: {Stage.SOLD: Stage.EXPLAINED},
    Event.CLOSE: {Stage.EXPLAINED: Stage.CLOSED},
    Event.WITHDRAW: dict.fromkeys(
        (
            Stage.ELIGIBLE,
            Stage.CURE_PERIOD,
            Stage.CURE_EXPIRED,
            Stage.ASSIGNED,
            Stage.STOPPED,
            Stage.REPOSSESSED,
            Stage.NOTICE_SENT,
        ),
        Stage.WITHDRAWN,
    ),
}

_HELD = frozenset({Stage.REPOSSESSED, Stage.NOTICE_SENT})

#: Facts, by the stages in which they may be recorded.
FACTS: dict[Event, frozenset[Stage]] = {
    Event.RECORD_COST: frozenset({Stage.ASSIGNED, Stage.STOPPED}) | _HELD,
    Event.STORE: _HELD,
    Event.CONDITION_REPORT: _HELD,
    Event.RELEASE_PROPERTY: _HELD
    | {Stage.SOLD, Stage.EXPLAINED, Stage.CLOSED, Stage.REDEEMED, Stage.ACCEPTED, Stage.WITHDRAWN},
    Event.LIEN_DEMAND: _HELD,
    Event.EXTEND_DISPOSAL: _HELD,
    Event.REVIEW: frozenset(Stage),
    Event.BLOCKED: frozenset(Stage),
}
