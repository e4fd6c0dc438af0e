"""The contact log: every attempt to reach a borrower and what came of it.

A record is one attempt or one inbound contact on one debt (loan), with the channel, the
direction, the instant (UTC), who made it, the contact point used and an outcome code. The
compliance rules read the log: Reg F counts outbound call attempts per person and debt in a
rolling 7-day window and locks calls for 7 days after a telephone conversation
(12 CFR 1006.14(b)(2)); the first communication starts the validation-notice clock
(1006.34(a)); a notice that did not bounce lets credit reporting start (1006.30(a)).
Outcomes also change what may be done next (``OUTCOME_EFFECTS``): a dispute opens a dispute
hold, a wrong number revokes that phone, a bounced email invalidates that address.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from arrears.domain.contacts import ContactKind, ContactStatus
from arrears.domain.holds import HoldKind


class Channel(StrEnum):
    """How a borrower is reached. A voicemail is a call that left a limited-content message."""

    CALL = "call"
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"
    VOICEMAIL = "voicemail"

    @property
    def is_telephone(self) -> bool:
        """Calls and voicemails: the media Reg F's call-frequency presumptions count."""
        return self in {Channel.CALL, Channel.VOICEMAIL}

    @property
    def is_electronic(self) -> bool:
        return self in {Channel.SMS, Channel.EMAIL}

    @property
    def uses_phone(self) -> bool:
        return self in {Channel.CALL, Channel.VOICEMAIL, Channel.SMS}


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Outcome(StrEnum):
    """What came of a contact attempt (agents pick one; channels record delivery results)."""

    RIGHT_PARTY_CONTACT = "right_party_contact"
    WRONG_PARTY = "wrong_party"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"  # a limited-content message was left (12 CFR 1006.2(j))
    REFUSED = "refused"  # spoke with the borrower, who refused to pay or to talk
    DISPUTE_RAISED = "dispute_raised"
    CEASE_REQUESTED = "cease_requested"
    PROMISE_MADE = "promise_made"
    PLAN_AGREED = "plan_agreed"
    HARDSHIP_REPORTED = "hardship_reported"
    WRONG_NUMBER = "wrong_number"
    DECEASED_REPORTED = "deceased_reported"
    OPTED_OUT = "opted_out"  # asked not to be contacted through this medium (1006.14(h))
    CALLBACK_REQUESTED = "callback_requested"  # direct prior consent to a call (1006.14(b)(3))
    NOT_CONNECTED = "not_connected"  # busy signal or network failure (1006.14(b)(3)(ii))
    SENT = "sent"  # a letter or message handed to the carrier or provider
    DELIVERED = "delivered"
    BOUNCED = "bounced"  # undeliverable: bounced email, failed SMS, returned mail

    @property
    def is_conversation(self) -> bool:
        """The borrower was spoken with about the debt (starts Reg F's 7-day call lock)."""
        return self in _CONVERSATIONS


_CONVERSATIONS: Final = frozenset(
    {
        Outcome.RIGHT_PARTY_CONTACT,
        Outcome.REFUSED,
        Outcome.DISPUTE_RAISED,
        Outcome.CEASE_REQUESTED,
        Outcome.PROMISE_MADE,
        Outcome.PLAN_AGREED,
        Outcome.HARDSHIP_REPORTED,
        Outcome.CALLBACK_REQUESTED,
    }
)


@dataclass(frozen=True, slots=True)
class OutcomeEffect:
    """What an outcome changes: a hold to place (on the loan or the borrower) and/or a new
    status for the contact point that was used."""

    hold: HoldKind | None = None
    hold_on_borrower: bool = False
    point_status: ContactStatus | None = None
    opt_out: bool = False
    reason: str = ""
    source: str = ""


OUTCOME_EFFECTS: Final[dict[Outcome, OutcomeEffect]] = {
    Outcome.DISPUTE_RAISED: OutcomeEffect(
        hold=HoldKind.DISPUTE,
        reason="the borrower disputes the debt: collection pauses until verification is sent",
        source="12 CFR 1006.38(d)(2); 15 U.S.C. 1692g(b)",
    ),
    Outcome.CEASE_REQUESTED: OutcomeEffect(
        hold=HoldKind.CEASE_COMMUNICATION,
        reason="the borrower asked that communication about the debt cease",
        source="12 CFR 1006.6(c); 15 U.S.C. 1692c(c)",
    ),
    Outcome.DECEASED_REPORTED: OutcomeEffect(
        hold=HoldKind.DECEASED,
        hold_on_borrower=True,
        reason="the borrower was reported deceased: deal only with the estate",
        source="12 CFR 1006.6(a)(4); comment 34(a)(1)-1",
    ),
    Outcome.HARDSHIP_REPORTED: OutcomeEffect(
        hold=HoldKind.HARDSHIP,
        reason="the borrower reported hardship: review before further collection",
        source="lender policy; CONC 7.3 / CCD2 Art. 35 forbearance",
    ),
    Outcome.WRONG_NUMBER: OutcomeEffect(
        point_status=ContactStatus.REVOKED,
        reason="the number does not reach the borrower",
        source="12 CFR 1006.6(d)(1) (no disclosure to third parties); 47 U.S.C. 227",
    ),
    Outcome.BOUNCED: OutcomeEffect(
        point_status=ContactStatus.INVALID,
        reason="the address or number is undeliverable",
        source="12 CFR 1006.30(a) comment 30(a)-2; 1006.42(a)",
    ),
    Outcome.OPTED_OUT: OutcomeEffect(
        opt_out=True,
        reason="the borrower asked not to be contacted through this medium",
        source="12 CFR 1006.14(h); 1006.6(e); 47 CFR 64.1200(a)(10)",
    ),
}
"""The automatic consequences of each outcome; outcomes not listed change nothing."""


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One contact attempt or inbound contact about one loan."""

    loan_id: int
    borrower_id: int
    channel: Channel
    direction: Direction
    at: datetime
    actor: str
    outcome: Outcome
    contact_point_id: int | None = None
    contact_point_kind: ContactKind | None = None
    template: str = ""
    notes: str = field(default="", repr=False)  # may hold personal details: never logged
    reference: str | None = None  # outbox message id, provider id: makes logging idempotent
    id: int | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a contact's time must be timezone-aware")

    def day(self, zone: str) -> date:
        """The calendar day of the contact in ``zone`` (Reg F counts days, not hours)."""
        return self.at.astimezone(ZoneInfo(zone)).date()

    @property
    def is_call_attempt(self) -> bool:
        """An outbound telephone call placed that Reg F counts: connected calls, answered or
        not (unanswered calls and voicemails count); calls that never connected are excluded
        (12 CFR 1006.14(b)(3)(ii))."""
        return (
            self.direction is Direction.OUTBOUND
            and self.channel.is_telephone
            and self.outcome is not Outcome.NOT_CONNECTED
        )

    @property
    def is_telephone_conversation(self) -> bool:
        """A telephone conversation with the borrower about the debt, whoever called
        (triggers the 7-day lock of 12 CFR 1006.14(b)(2)(i)(B))."""
        return self.channel is Channel.CALL and self.outcome.is_conversation

    @property
    def is_communication_attempt(self) -> bool:
        """An outbound attempt by any medium (state caps count these)."""
        return self.direction is Direction.OUTBOUND and self.outcome is not Outcome.NOT_CONNECTED


VALIDATION_TEMPLATE: Final = "validation_notice"
"""The template of the validation notice (12 CFR 1006.34, model form B-1)."""


def first_communication_on(records: Iterable[ContactRecord], *, zone: str) -> date | None:
    """The day of the first communication about the debt: a conversation, or an outbound
    letter or electronic message that was not returned (1006.34(b)(2)). Attempts that reached
    nobody (no answer, voicemail, wrong party) are not communications."""
    days = [
        record.day(zone)
        for record in records
        if record.is_telephone_conversation
        or (
            record.direction is Direction.OUTBOUND
            and record.channel in {Channel.LETTER, Channel.EMAIL, Channel.SMS}
            and record.outcome in {Outcome.SENT, Outcome.DELIVERED}
        )
    ]
    return min(days) if days else None


def validation_sent_on(records: Iterable[ContactRecord], *, zone: str) -> date | None:
    """The day the validation notice was first sent and not returned undeliverable."""
    notices = [r for r in records if r.template == VALIDATION_TEMPLATE]
    bounced = {r.reference for r in notices if r.outcome is Outcome.BOUNCED and r.reference}
    days = [
        r.day(zone)
        for r in notices
        if r.outcome in {Outcome.SENT, Outcome.DELIVERED}
        and not (r.reference and r.reference in bounced)
    ]
    return min(days) if days else None


def channels_opted_out(records: Iterable[ContactRecord]) -> frozenset[Channel]:
    """Media the borrower asked not to be used (1006.14(h)); a voicemail opt-out is a call one."""
    found = {r.channel for r in records if r.outcome is Outcome.OPTED_OUT}
    if Channel.CALL in found or Channel.VOICEMAIL in found:
        found |= {Channel.CALL, Channel.VOICEMAIL}
    return frozenset(found)
