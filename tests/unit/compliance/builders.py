"""Hand-made facts for the gate's tests: a borrower in Pennsylvania (no state overlay) with a
mobile, a home phone, a work phone, a personal and a work email, and helpers for history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from arrears.compliance.facts import ContactFacts
from arrears.compliance.model import Proposal
from arrears.domain.contact_log import Channel, ContactRecord, Direction, Outcome
from arrears.domain.contacts import ContactKind, ContactPoint
from arrears.domain.holds import ActionCategory, Hold, HoldKind

#: Friday 27 November 2026, 12:00 in New York (the day zone of the default settings).
NOW = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)

MOBILE, HOME, WORK_PHONE, EMAIL, WORK_EMAIL = 1, 2, 3, 4, 5

POINTS = (
    replace(
        ContactPoint.phone(ContactKind.MOBILE_PHONE, "215-555-0101"),
        id=MOBILE,
        sms_consent_at=NOW - timedelta(days=400),
    ),
    replace(ContactPoint.phone(ContactKind.HOME_PHONE, "215-555-0102"), id=HOME),
    replace(ContactPoint.phone(ContactKind.WORK_PHONE, "215-555-0103"), id=WORK_PHONE),
    ContactPoint(ContactKind.PERSONAL_EMAIL, "pat@example.com", id=EMAIL),
    ContactPoint(ContactKind.WORK_EMAIL, "pat@employer.example", id=WORK_EMAIL),
)

KIND_OF = {p.id: p.kind for p in POINTS}


def facts(**changes: Any) -> ContactFacts:
    base = ContactFacts(
        loan_id=10,
        borrower_id=20,
        borrower_state="PA",
        contract_state="PA",
        address_time_zone="America/New_York",
        contact_points=POINTS,
        first_communication_on=TODAY - timedelta(days=40),
        validation_sent_on=TODAY - timedelta(days=40),
    )
    return replace(base, **changes)


def proposal(
    channel: str = "call",
    *,
    category: str = "contact",
    template: str = "collection_call",
    point: int | None = MOBILE,
) -> Proposal:
    return Proposal(
        loan_id=10,
        channel=Channel(channel),
        category=ActionCategory(category),
        template=template,
        contact_point_id=point,
    )


def contact(
    days_ago: int,
    *,
    channel: str = "call",
    outcome: str = "no_answer",
    direction: str = "outbound",
    point: int | None = MOBILE,
    template: str = "",
    hour_utc: int = 16,
) -> ContactRecord:
    """A contact ``days_ago`` days before NOW's day, at ``hour_utc`` (11:00 New York)."""
    day = TODAY - timedelta(days=days_ago)
    return ContactRecord(
        loan_id=10,
        borrower_id=20,
        channel=Channel(channel),
        direction=Direction(direction),
        at=datetime(day.year, day.month, day.day, hour_utc, tzinfo=UTC),
        actor="agent1",
        outcome=Outcome(outcome),
        contact_point_id=point,
        contact_point_kind=KIND_OF.get(point) if point else None,
        template=template,
    )


def hold(kind: HoldKind, *, days_ago: int) -> Hold:
    return Hold(
        kind=kind,
        starts_on=TODAY - timedelta(days=days_ago),
        set_by="agent1",
        reason="test",
        loan_id=10,
        id=7,
    )
