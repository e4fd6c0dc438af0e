"""Opting out of emails: the opt-out every email offers works (12 CFR 1006.6(e)).

An opt-out arrives by the one-click link (the message's token), by a message to the
unsubscribe mailbox (``unsubscribe <token>``) or by a reply saying UNSUBSCRIBE. Each names an
outbox message; the address it went to is opted out of email — logged as ``opted_out`` in the
contact log, whose effect closes the address for email — and emails still queued to it are
blocked. The borrower is asked for nothing else, and doing it twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from arrears.compliance.model import Stage
from arrears.domain.clock import Clock
from arrears.domain.contact_log import Channel, ContactRecord, Direction, Outcome
from arrears.services.contacts import record_contact
from arrears.services.outbox import block
from arrears.services.ports import OutboxRecord, OutboxUnitOfWork

ACTOR = "email-opt-out"


def opt_out_email(
    uow: OutboxUnitOfWork,
    *,
    token: str | None = None,
    message_id: str | None = None,
    at: datetime,
    clock: Clock,
) -> bool:
    """Opt the address of the message named by ``token`` (or its ``Message-ID``) out of email;
    False when no email of ours matches. The caller commits."""
    record = _message(uow, token=token, message_id=message_id)
    if record is None or record.contact_point_id is None:
        return False
    point = record.contact_point_id
    record_contact(
        uow,
        ContactRecord(
            loan_id=record.loan_id, borrower_id=record.borrower_id, channel=Channel.EMAIL,
            direction=Direction.INBOUND, at=at, actor=ACTOR, outcome=Outcome.OPTED_OUT,
            contact_point_id=point, reference=f"email-opt-out:{point}",
        ),
        clock=clock,
    )  # fmt: skip
    uow.outbox.set_point(point, at=at, email_opted_out=True)
    reason = "the borrower opted out of emails to this address [12 CFR 1006.6(e)]"
    for queued in uow.outbox.queued_to_point(point, channel="email"):
        block(uow, queued, rules=["regf.email_opt_out"], reasons=[reason], at=at,
              stage=Stage.SEND)  # fmt: skip
    uow.audit.record(
        at=at, actor=ACTOR, action="email.opted_out", entity_type="contact_point",
        entity_id=str(point), details={"message": record.id},
    )  # fmt: skip
    return True


def _message(
    uow: OutboxUnitOfWork, *, token: str | None, message_id: str | None
) -> OutboxRecord | None:
    # Our tokens are short printable text (40 characters at most); anything else names no
    # email, and must not reach the database (PostgreSQL refuses NUL in text).
    plausible = token is not None and 0 < len(token) <= 40 and token.isprintable()
    found = uow.outbox.by_token(token) if token and plausible else None
    if found is None and message_id:
        found = uow.outbox.by_provider_id("email", message_id)
    return found if found is not None and found.channel == "email" else None
