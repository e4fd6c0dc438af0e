"""The SMS provider's webhook: replies from borrowers and delivery receipts.

A request is handled only when its signature verifies (a forged "STOP" could silence a
borrower's texts, a forged receipt could fake a delivery). Each event is recorded once by the
provider's event id, so a webhook delivered twice changes nothing the second time.

A reply that is an opt-out word revokes consent to texts at that number **at once** — TCPA
consent may be revoked by any reasonable means, and "stop", "quit", "end", "revoke", "opt out",
"cancel" and "unsubscribe" always revoke (FCC 24-18, 47 CFR 64.1200(a)(10)); we add STOPALL and
the Spanish words borrowers use (PARA, ALTO, BAJA, CANCELAR…). Texts still queued for the number
are blocked, and one confirmation text (no marketing, nothing about the debt) is queued — at
most one per revocation. The opt-out is logged in the contact log, whose effects close the
number for texts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from arrears.compliance.model import Stage
from arrears.domain import geo
from arrears.domain.clock import Clock
from arrears.domain.contact_log import Channel, ContactRecord, Direction, Outcome
from arrears.domain.holds import ActionCategory
from arrears.errors import ArrearsError
from arrears.services.contacts import record_contact
from arrears.services.deliveries import apply_receipt
from arrears.services.outbox import MessageRequest, Messaging, block, enqueue_message
from arrears.services.ports import OutboxUnitOfWork, WebhookVerifier
from arrears.services.webhook_events import parse_event

ACTOR = "sms-webhook"
CONFIRMATION_TEMPLATE = "sms_opt_out_confirmation"

#: A reply that is one of these (case, accents and punctuation ignored) revokes consent.
OPT_OUT_WORDS = frozenset(
    {
        "STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
        "OPT OUT", "OPTOUT", "OPT-OUT",
        "PARA", "PARAR", "ALTO", "BAJA", "DETENER", "CANCELAR", "FIN", "SALIR", "NO MAS",
        "DARSE DE BAJA", "NO ENVIAR",
    }
)  # fmt: skip
#: A reply that starts with one of these revokes too ("Stop texting me", "PARA por favor").
_LEADING = ("STOP", "STOPALL", "UNSUBSCRIBE", "REVOKE", "PARA", "ALTO", "BAJA")
_STATUSES = {"delivered": "delivered", "undelivered": "bounced", "failed": "failed"}


class BadSignature(ArrearsError):
    """A webhook request whose signature does not verify: refused, nothing recorded."""

    exit_code = 7


def is_opt_out(text: str) -> bool:
    """Whether a reply revokes consent to texts (FCC 24-18 per se words and equivalents)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Za-z\- ]+", " ", plain).upper().split()
    if not words:
        return False
    return " ".join(words) in OPT_OUT_WORDS or words[0] in _LEADING


@dataclass(frozen=True)
class WebhookResult:
    kind: str  # inbound | receipt | duplicate | ignored
    opted_out: bool = False
    message_id: int | None = None


def receive_webhook(
    body: bytes,
    signature: str | None,
    *,
    verifier: WebhookVerifier,
    uow_factory: Callable[[], OutboxUnitOfWork],
    messaging: Messaging,
    clock: Clock,
) -> WebhookResult:
    """Verify, then handle one webhook event in one transaction. Raises ``BadSignature``."""
    now = clock.now()
    if not verifier.verify(body, signature, now=now):
        raise BadSignature("the webhook signature does not verify")
    event, event_id, kind = parse_event(body)
    with uow_factory() as uow:
        details = {"type": kind, "status": event.get("status"), "message": event.get("message_id")}
        if not uow.outbox.add_event(
            message_id=None, kind="webhook", at=now, details=details, provider_event_id=event_id
        ):
            return WebhookResult("duplicate")
        if kind == "message.status":
            result = _receipt(uow, event, now=now, clock=clock)
        elif kind == "message.inbound":
            result = _inbound(uow, event, event_id=event_id, now=now, clock=clock,
                              messaging=messaging)  # fmt: skip
        else:
            result = WebhookResult("ignored")
        uow.commit()
    return result


def _receipt(
    uow: OutboxUnitOfWork, event: dict[str, Any], *, now: datetime, clock: Clock
) -> WebhookResult:
    status = _STATUSES.get(str(event.get("status", "")))
    if status is None:
        return WebhookResult("ignored")
    message_id = apply_receipt(
        uow, channel="sms", provider_message_id=str(event.get("message_id", "")), status=status,
        at=now, clock=clock, error=str(event.get("error", ""))[:200],
    )  # fmt: skip
    return WebhookResult("receipt", message_id=message_id)


def _inbound(
    uow: OutboxUnitOfWork, event: dict[str, Any], *, event_id: str, now: datetime, clock: Clock,
    messaging: Messaging,
) -> WebhookResult:  # fmt: skip
    text = str(event.get("text", ""))
    number = geo.format_e164(str(event.get("from", "")))
    if not is_opt_out(text):
        return WebhookResult("inbound")
    for point in uow.outbox.phone_points(number):
        assert point.id is not None
        newly = point.sms_opted_out_at is None
        borrower_id = uow.outbox.point_borrower(point.id)
        for loan_id in uow.outbox.loans_of(borrower_id):
            record_contact(
                uow,
                ContactRecord(
                    loan_id=loan_id, borrower_id=borrower_id, channel=Channel.SMS,
                    direction=Direction.INBOUND, at=now, actor=ACTOR, outcome=Outcome.OPTED_OUT,
                    contact_point_id=point.id, reference=f"sms:{event_id}:{loan_id}",
                ),
                clock=clock,
            )  # fmt: skip
        uow.outbox.set_point(point.id, at=now, sms_opted_out=True)
        for queued in uow.outbox.queued_to_point(point.id, channel="sms"):
            block(uow, queued, rules=["tcpa.revoked"], at=now, stage=Stage.SEND,
                  reasons=["consent to texts was revoked by an opt-out reply "
                           "[47 U.S.C. 227; FCC 24-18]"])  # fmt: skip
        uow.audit.record(
            at=now, actor=ACTOR, action="sms.opted_out", entity_type="contact_point",
            entity_id=str(point.id), details={"event_id": event_id, "new": newly},
        )  # fmt: skip
        if newly:
            _confirm(uow, borrower_id=borrower_id, point_id=point.id, now=now, event_id=event_id,
                     messaging=messaging, today=clock.today())  # fmt: skip
    return WebhookResult("inbound", opted_out=True)


def _confirm(
    uow: OutboxUnitOfWork, *, borrower_id: int, point_id: int, now: datetime, event_id: str,
    messaging: Messaging, today: date,
) -> None:  # fmt: skip
    """Queue the one confirmation text of this revocation (the gate still decides)."""
    loans = uow.outbox.loans_of(borrower_id)
    if not loans:
        return
    enqueue_message(
        uow,
        MessageRequest(
            loan_id=loans[0], borrower_id=borrower_id, channel="sms",
            template=CONFIRMATION_TEMPLATE, category=ActionCategory.NOTICE.value,
            as_of=today, idempotency_key=f"sms-opt-out:{point_id}:{event_id}",
            contact_point_id=point_id,
        ),
        at=now,
        messaging=messaging,
    )  # fmt: skip
