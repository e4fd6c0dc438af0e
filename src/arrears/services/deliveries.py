"""What became of a sent message: delivered, bounced, failed — recorded where the rules read it.

Every outcome goes to the outbox (status and event) and to the contact log
(``arrears.services.contacts.record_contact``), because the compliance rules count from the
log: a letter or electronic message sent and not returned is the first communication and may
start the validation-notice clock (12 CFR 1006.34(a)); a validation notice that bounced does
not count (1006.30(a) comment 30(a)-2); a bounce makes the address invalid so it is never used
again. Receipts arrive late and sometimes twice; applying one twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from arrears.domain.clock import Clock
from arrears.domain.contact_log import Channel, ContactRecord, Direction, Outcome
from arrears.services.contacts import record_contact
from arrears.services.ports import OutboxUnitOfWork

ACTOR = "outbox"
_OUTCOMES = {"sent": Outcome.SENT, "delivered": Outcome.DELIVERED, "bounced": Outcome.BOUNCED}
#: Which receipts may move a message on: a late "delivered" never undoes a bounce.
_FROM = {
    "delivered": ("sent",),
    "bounced": ("sent", "delivered"),
    "failed": ("sent",),
}


def record_delivery(
    uow: OutboxUnitOfWork, message_id: int, *, outcome: str, at: datetime, clock: Clock
) -> None:
    """Log ``outcome`` (sent, delivered or bounced) of a message in the contact log; the log's
    effects follow (a bounce invalidates the address). The caller commits."""
    record = uow.outbox.get(message_id)
    if record is None or outcome not in _OUTCOMES:
        return
    record_contact(
        uow,
        ContactRecord(
            loan_id=record.loan_id, borrower_id=record.borrower_id,
            channel=Channel(record.channel), direction=Direction.OUTBOUND, at=at, actor=ACTOR,
            outcome=_OUTCOMES[outcome], contact_point_id=record.contact_point_id,
            template=record.template, reference=f"outbox:{record.id}",
        ),
        clock=clock,
    )  # fmt: skip


def apply_receipt(
    uow: OutboxUnitOfWork,
    *,
    channel: str,
    provider_message_id: str,
    status: str,
    at: datetime,
    clock: Clock,
    error: str = "",
) -> int | None:
    """A provider's delivery receipt (``delivered``, ``bounced`` or ``failed``) for the
    message it knows as ``provider_message_id``; returns the message id, or None when the
    receipt is for no message of ours or does not move it (already bounced…)."""
    record = uow.outbox.by_provider_id(channel, provider_message_id)
    if record is None or record.status not in _FROM.get(status, ()):
        return None
    uow.outbox.finish(record.id, status=status, at=at, error=error)
    if status in _OUTCOMES:
        record_delivery(uow, record.id, outcome=status, at=at, clock=clock)
    uow.audit.record(
        at=at, actor=ACTOR, action=f"outbox.{status}", entity_type="outbox_message",
        entity_id=str(record.id), details={"channel": channel, "error": error[:200]},
    )  # fmt: skip
    return record.id


def record_bounces(
    uow: OutboxUnitOfWork, bounces: list[tuple[str, str]], *, at: datetime, clock: Clock
) -> list[int]:
    """Hard bounces reported later by the mail system, as (Message-ID, reason): each moves its
    message to ``bounced`` and invalidates the address; returns the messages found."""
    found = []
    for message_id, reason in bounces:
        moved = apply_receipt(
            uow, channel="email", provider_message_id=message_id, status="bounced", at=at,
            clock=clock, error=reason,
        )  # fmt: skip
        if moved is not None:
            found.append(moved)
    return found
