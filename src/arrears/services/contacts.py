"""Logging contacts and applying what their outcomes mean.

Agents log calls and their outcomes; channels log what they sent, delivered or got back. Each
entry is one transaction with its consequences (``arrears.domain.contact_log.OUTCOME_EFFECTS``):
a dispute opens a dispute hold, a cease request a cease-communication hold, a reported death a
deceased hold on the borrower, reported hardship a hardship hold for review (policy: 30 days),
a wrong number revokes that phone, a bounce invalidates that address, an opt-out closes that
medium. Holds are placed with the same rules and audit entry as ``services.holds.place_hold``,
inside the same transaction as the log entry, so neither exists without the other. Notes and
contact values never reach the audit trail or logs (personal data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from arrears.compliance.settings import DEFAULT_SETTINGS, ComplianceSettings
from arrears.domain.clock import Clock
from arrears.domain.contact_log import (
    OUTCOME_EFFECTS,
    Channel,
    ContactRecord,
    Direction,
    Outcome,
    OutcomeEffect,
)
from arrears.domain.holds import Hold, HoldKind
from arrears.errors import NotFoundError, RuleViolation
from arrears.services.ports import UnitOfWork

#: Days a hardship hold stays in force while the case is reviewed (None: no hold).
HARDSHIP_REVIEW_DAYS = 30


@dataclass(frozen=True)
class ContactEntry:
    """A contact as a person or a channel reports it; ``loan`` is the lender's loan id."""

    loan: str
    channel: Channel
    outcome: Outcome
    actor: str
    direction: Direction = Direction.OUTBOUND
    at: datetime | None = None  # default: now
    contact_point_id: int | None = None
    template: str = ""
    notes: str = ""
    reference: str | None = None


@dataclass(frozen=True)
class LoggedContact:
    contact_id: int
    duplicate: bool = False  # the same reference and outcome was already logged
    hold_ids: tuple[int, ...] = ()
    point_change: str | None = None


def log_contact(
    entry: ContactEntry,
    *,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    settings: ComplianceSettings = DEFAULT_SETTINGS,
    hardship_days: int | None = HARDSHIP_REVIEW_DAYS,
) -> LoggedContact:
    """Log ``entry`` and apply its outcome's effects, all in one transaction."""
    with uow_factory() as uow:
        loan_id = uow.accounts.loan_id(entry.loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {entry.loan!r}")
        profile = uow.gate.loan_profile(loan_id)
        assert profile is not None
        record = ContactRecord(
            loan_id=loan_id,
            borrower_id=profile.borrower_id,
            channel=entry.channel,
            direction=entry.direction,
            at=entry.at or clock.now(),
            actor=entry.actor,
            outcome=entry.outcome,
            contact_point_id=entry.contact_point_id,
            template=entry.template,
            notes=entry.notes,
            reference=entry.reference,
        )
        logged = record_contact(
            uow, record, clock=clock, settings=settings, hardship_days=hardship_days
        )
        uow.commit()
    return logged


def record_contact(
    uow: UnitOfWork,
    record: ContactRecord,
    *,
    clock: Clock,
    settings: ComplianceSettings = DEFAULT_SETTINGS,
    hardship_days: int | None = HARDSHIP_REVIEW_DAYS,
) -> LoggedContact:
    """Log ``record`` inside the caller's unit of work (the caller commits); channels call
    this when they send, deliver or see a bounce. Logging the same reference and outcome twice
    changes nothing."""
    if record.at > clock.now() + timedelta(minutes=5):
        raise RuleViolation("a contact cannot be logged in the future", rule="contact.at")
    record = _with_point_kind(uow, record)
    if record.reference is not None:
        existing = uow.contacts.find(record.reference, record.outcome)
        if existing is not None:
            return LoggedContact(existing, duplicate=True)
    contact_id = uow.contacts.add(record, created_at=clock.now(), details={})
    assert contact_id is not None
    uow.audit.record(
        at=clock.now(),
        actor=record.actor,
        action="contact.logged",
        entity_type="loan",
        entity_id=str(record.loan_id),
        details={
            "contact_id": contact_id,
            "channel": record.channel.value,
            "direction": record.direction.value,
            "outcome": record.outcome.value,
            "contact_point_id": record.contact_point_id,
            "template": record.template,
        },
    )
    effect = OUTCOME_EFFECTS.get(record.outcome)
    if effect is None:
        return LoggedContact(contact_id)
    holds = _place_hold(
        uow, record, effect, contact_id=contact_id, clock=clock, settings=settings,
        hardship_days=hardship_days,
    )  # fmt: skip
    change = _change_point(uow, record, effect, clock)
    return LoggedContact(contact_id, hold_ids=holds, point_change=change)


def _with_point_kind(uow: UnitOfWork, record: ContactRecord) -> ContactRecord:
    if record.contact_point_id is None:
        return record
    points = {p.id: p for p in uow.contacts.points_of(record.borrower_id)}
    point = points.get(record.contact_point_id)
    if point is None:
        raise RuleViolation(
            f"contact point {record.contact_point_id} is not the borrower's",
            rule="contact.point",
        )
    return replace(record, contact_point_kind=point.kind)


def _place_hold(
    uow: UnitOfWork,
    record: ContactRecord,
    effect: OutcomeEffect,
    *,
    contact_id: int,
    clock: Clock,
    settings: ComplianceSettings,
    hardship_days: int | None,
) -> tuple[int, ...]:
    hardship = effect.hold is HoldKind.HARDSHIP
    if effect.hold is None or (hardship and hardship_days is None):
        return ()
    starts_on = record.day(settings.day_zone)
    ends_on = None
    if hardship and hardship_days:
        ends_on = starts_on + timedelta(days=hardship_days - 1)
    hold = Hold(
        kind=effect.hold,
        starts_on=starts_on,
        ends_on=ends_on,
        set_by=record.actor,
        reason=f"{record.outcome.value} (contact {contact_id}): {effect.reason}",
        loan_id=None if effect.hold_on_borrower else record.loan_id,
        borrower_id=record.borrower_id if effect.hold_on_borrower else None,
        details={"contact_id": str(contact_id)},
    )
    hold_id = uow.holds.add(hold, created_at=clock.now())
    uow.audit.record(
        at=clock.now(),
        actor=record.actor,
        action="hold.placed",
        entity_type="borrower" if effect.hold_on_borrower else "loan",
        entity_id=str(record.borrower_id if effect.hold_on_borrower else record.loan_id),
        details={
            "hold_id": hold_id,
            "kind": effect.hold.value,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
            "reason": hold.reason,
            "source": effect.source,
            "contact_id": contact_id,
        },
    )
    return (hold_id,)


def _change_point(
    uow: UnitOfWork, record: ContactRecord, effect: OutcomeEffect, clock: Clock
) -> str | None:
    point_id = record.contact_point_id
    if point_id is None or (effect.point_status is None and not effect.opt_out):
        return None
    if effect.point_status is not None:
        uow.contacts.set_point_status(point_id, effect.point_status)
        change = effect.point_status.value
    else:
        uow.contacts.opt_out_point(point_id, record.channel, at=record.at)
        change = f"opted out of {record.channel.value}"
    uow.audit.record(
        at=clock.now(),
        actor=record.actor,
        action="contact_point.changed",
        entity_type="borrower",
        entity_id=str(record.borrower_id),
        details={"contact_point_id": point_id, "change": change, "source": effect.source},
    )
    return change


def set_preferred_hours(
    borrower: str,
    hours: tuple[int, int] | None,
    *,
    by: str,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
) -> None:
    """Record the hours the borrower said suit them (local at the address), or forget them
    (Reg F 1006.6(b)(1): a time the consumer says is inconvenient is inconvenient)."""
    if hours is not None and not (0 <= hours[0] < hours[1] <= 24):
        raise RuleViolation("hours are 0-24 with the start before the end", rule="contact.hours")
    with uow_factory() as uow:
        borrower_id = uow.accounts.borrower_id(borrower)
        if borrower_id is None:
            raise NotFoundError(f"no borrower {borrower!r}")
        uow.contacts.set_preferred_hours(borrower_id, hours, by=by, at=clock.now())
        uow.audit.record(
            at=clock.now(),
            actor=by,
            action="contact.preferences",
            entity_type="borrower",
            entity_id=str(borrower_id),
            details={"hours": list(hours) if hours else None},
        )
        uow.commit()


def contact_history(
    loan: str, *, uow_factory: Callable[[], UnitOfWork], limit: int = 50
) -> list[ContactRecord]:
    """The loan's latest contacts, oldest first."""
    with uow_factory() as uow:
        loan_id = uow.accounts.loan_id(loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {loan!r}")
        return uow.contacts.for_loan(loan_id, limit=limit)
