"""The sender: delivers due outbox messages through their channels, at most once each.

For each due message, three steps in their own transactions:

1. **claim** — the gate is asked again (stage ``send``: a hold placed since queueing blocks
   it), and ``queued → sending`` is committed only if the message is still queued, so two
   senders never take the same message;
2. **deliver** — outside any transaction, with the cleared message (the recorded decision id);
3. **record** — ``sent`` with the provider's message id, or back to ``queued`` with an
   exponentially growing, jittered delay (``failed`` after the last try), or ``bounced`` /
   ``failed`` when a retry cannot help.

If the process dies between 2 and 3 the message stays ``sending``. After the claim timeout it
is looked at again: channels that de-duplicate (SMS by idempotency key, letters by file name)
get it again; email, which cannot, marks it ``failed`` as *in doubt* instead of risking a
second email — an operator checks the mail server log and may retry it. Nothing is lost and
nothing is sent twice.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from arrears.compliance.model import Notice, Stage
from arrears.domain.clock import Clock
from arrears.services.deliveries import record_delivery
from arrears.services.outbox import (
    ACTOR,
    Messaging,
    ask_gate,
    block,
    disclosure_texts,
    render_for,
)
from arrears.services.ports import (
    ClearedMessage,
    DeliveryFailed,
    DeliveryReceipt,
    MessageChannel,
    OutboundMessage,
    OutboxRecord,
    OutboxUnitOfWork,
    TemplateFailure,
)

log = logging.getLogger("arrears.outbox")


@dataclass(frozen=True)
class SenderSettings:
    max_attempts: int = 8
    backoff_seconds: float = 60.0
    backoff_max_seconds: float = 6 * 3600.0
    batch: int = 200
    claim_timeout_seconds: float = 900.0
    #: How long a message held back by the hour or a frequency cap waits before it is tried.
    wait_seconds: float = 1800.0


@dataclass(frozen=True)
class Sender:
    """Everything the sender works with; ``rng`` jitters the backoff (seed it in tests)."""

    uow_factory: Callable[[], OutboxUnitOfWork]
    channels: Mapping[str, MessageChannel]
    messaging: Messaging
    clock: Clock
    settings: SenderSettings
    rng: random.Random


def backoff_delay(attempt: int, *, settings: SenderSettings, rng: random.Random) -> timedelta:
    """Delay before try ``attempt + 1``: base · 2^(attempt−1), capped, with "equal jitter"
    (half fixed, half random) so that retries of many messages spread out."""
    ceiling = min(settings.backoff_max_seconds, settings.backoff_seconds * 2 ** (attempt - 1))
    return timedelta(seconds=ceiling / 2 + rng.uniform(0, ceiling / 2))


def send_due(sender: Sender, *, limit: int | None = None) -> Counter[str]:
    """Deliver every message due now (up to ``limit``); counts of what became of them."""
    outcomes: Counter[str] = Counter()
    outcomes.update(recover_stale(sender))
    now = sender.clock.now()
    with sender.uow_factory() as uow:
        due = uow.outbox.due(
            now=now, channels=sorted(sender.channels), limit=limit or sender.settings.batch
        )
    for message_id in due:
        outcomes[send_one(sender, message_id)] += 1
    return outcomes


def send_one(sender: Sender, message_id: int) -> str:
    """Claim, deliver and record one message; returns what became of it."""
    claimed = _claim(sender, message_id)
    if isinstance(claimed, str):
        return claimed
    message, decision_ref = claimed
    channel = sender.channels[message.channel]
    try:
        receipt = channel.deliver(ClearedMessage(message, decision_ref, allowed=True))
    except DeliveryFailed as failure:
        return _record_failure(sender, message, failure)
    return _record_sent(sender, message, receipt)


def run_sender(
    sender: Sender,
    *,
    stop: threading.Event,
    poll_seconds: float = 15.0,
    wait: Callable[[float], object] | None = None,
) -> None:
    """Deliver due messages until ``stop`` is set (``arrears serve`` runs this in a thread).

    Sleeps ``poll_seconds`` between rounds that found nothing to do; an unexpected error in a
    round is logged and the loop goes on (the messages stay in the outbox).
    """
    pause = wait or stop.wait
    while not stop.is_set():
        try:
            done = sum(send_due(sender).values())
        except Exception:
            log.exception("outbox round failed; retrying after the poll interval")
            done = 0
        if not done:
            pause(poll_seconds)


def _claim(sender: Sender, message_id: int) -> tuple[OutboundMessage, str] | str:
    now = sender.clock.now()
    with sender.uow_factory() as uow:
        record = uow.outbox.get(message_id)
        if record is None or record.status != "queued":
            return "skipped"
        verdict = ask_gate(
            uow, sender.messaging, record, point_id=record.contact_point_id, stage=Stage.SEND,
            at=now,
        )  # fmt: skip
        if verdict.waits:
            _wait(uow, sender, record, rules=verdict.rules, now=now)
            uow.commit()
            return "waiting"
        if not verdict.allowed:
            block(uow, message_id, rules=list(verdict.rules), reasons=list(verdict.reasons),
                  at=now, stage=Stage.SEND)  # fmt: skip
            uow.commit()
            return "blocked"
        print_date = _print_date(sender, record)
        try:
            record = _refresh(
                uow,
                sender,
                record,
                print_date=print_date,
                disclosures=verdict.disclosures,
                now=now,
            )
        except TemplateFailure as failure:
            block(uow, message_id, rules=["template.render"], reasons=[str(failure)], at=now,
                  stage=Stage.SEND)  # fmt: skip
            uow.commit()
            return "blocked"
        if not uow.outbox.claim(message_id, at=now):
            uow.rollback()
            return "skipped"
        uow.outbox.add_event(
            message_id=message_id, kind="sending", at=now,
            details={"attempt": record.attempts + 1, "decision": verdict.decision_ref},
        )  # fmt: skip
        uow.commit()
    return _outbound(record, print_date), verdict.decision_ref


def _wait(
    uow: OutboxUnitOfWork, sender: Sender, record: OutboxRecord, *, rules: tuple[str, ...],
    now: datetime,
) -> None:  # fmt: skip
    """Keep a message queued for a later look when only time-bound rules stop it now (an
    inconvenient hour, a frequency cap); it is not a try, so no attempt is counted."""
    later = now + timedelta(seconds=sender.settings.wait_seconds)
    uow.outbox.requeue(record.id, at=now, next_attempt_at=later,
                       error=f"waiting: {', '.join(rules)}")  # fmt: skip
    uow.outbox.add_event(message_id=record.id, kind="waiting", at=now,
                         details={"rules": list(rules)})  # fmt: skip


def _refresh(
    uow: OutboxUnitOfWork, sender: Sender, record: OutboxRecord, *, print_date: date | None,
    disclosures: tuple[Notice | str, ...], now: datetime,
) -> OutboxRecord:  # fmt: skip
    """Render again when what the message must say changed since it was queued: a letter
    mailed on another day than planned (its date and validation period move), or disclosures
    the gate now requires (in the message's language) that the rendered text lacks."""
    redate = print_date is not None and print_date != record.print_date
    wanted = disclosure_texts(disclosures, record.language)
    if not redate and list(record.context.get("disclosures", ())) == wanted:
        return record
    today = print_date or sender.clock.today()
    rendered, context = render_for(
        uow, sender.messaging, record, today=today, disclosures=disclosures
    )
    uow.outbox.set_content(
        record.id, rendered=rendered, recipient=record.recipient,
        contact_point_id=record.contact_point_id, context=context, at=now,
    )  # fmt: skip
    refreshed = uow.outbox.get(record.id)
    assert refreshed is not None
    return refreshed


def _record_sent(sender: Sender, message: OutboundMessage, receipt: DeliveryReceipt) -> str:
    now = sender.clock.now()
    with sender.uow_factory() as uow:
        uow.outbox.finish(
            message.id, status="sent", at=now, provider_message_id=receipt.provider_message_id,
            details=receipt.details,
        )  # fmt: skip
        uow.outbox.add_event(
            message_id=message.id, kind="sent", at=now,
            details={k: v for k, v in receipt.details.items() if k != "print_date"},
        )  # fmt: skip
        record_delivery(uow, message.id, outcome="sent", at=now, clock=sender.clock)
        uow.audit.record(
            at=now, actor=ACTOR, action="outbox.sent", entity_type="outbox_message",
            entity_id=str(message.id),
            details={"channel": message.channel, "template": message.template},
        )  # fmt: skip
        uow.commit()
    log.info("outbox message %s sent by %s", message.id, message.channel)
    return "sent"


def _record_failure(sender: Sender, message: OutboundMessage, failure: DeliveryFailed) -> str:
    now = sender.clock.now()
    reason = str(failure)
    with sender.uow_factory() as uow:
        record = uow.outbox.get(message.id)
        assert record is not None
        if failure.bounced:
            outcome = "bounced"
            uow.outbox.finish(message.id, status="bounced", at=now, error=reason)
            record_delivery(uow, message.id, outcome="bounced", at=now, clock=sender.clock)
        elif failure.permanent or record.attempts >= sender.settings.max_attempts:
            outcome = "failed"
            uow.outbox.finish(message.id, status="failed", at=now, error=reason)
        else:
            outcome = "retry"
            delay = backoff_delay(record.attempts, settings=sender.settings, rng=sender.rng)
            uow.outbox.requeue(message.id, at=now, next_attempt_at=now + delay, error=reason)
        uow.outbox.add_event(
            message_id=message.id, kind=outcome, at=now,
            details={"attempt": record.attempts, "error": reason},
        )  # fmt: skip
        if outcome != "retry":
            uow.audit.record(
                at=now, actor=ACTOR, action=f"outbox.{outcome}", entity_type="outbox_message",
                entity_id=str(message.id), details={"error": reason},
            )  # fmt: skip
        uow.commit()
    log.info("outbox message %s: %s (%s)", message.id, outcome, reason)
    return outcome


def recover_stale(sender: Sender) -> Counter[str]:
    """Messages left ``sending`` by a sender that stopped: hand them over again where the
    channel de-duplicates, else mark them failed as in doubt (never a second email)."""
    now = sender.clock.now()
    outcomes: Counter[str] = Counter()
    cutoff = now - timedelta(seconds=sender.settings.claim_timeout_seconds)
    with sender.uow_factory() as uow:
        for message_id in uow.outbox.stale(claimed_before=cutoff):
            record = uow.outbox.get(message_id)
            assert record is not None
            channel = sender.channels.get(record.channel)
            if channel is None:
                continue  # another sender delivers this channel
            if channel.idempotent:
                uow.outbox.requeue(
                    message_id,
                    at=now,
                    next_attempt_at=now,
                    error="the sender stopped while delivering; handed over again",
                )
                kind = "recovered"
            else:
                uow.outbox.finish(
                    message_id, status="failed", at=now,
                    error="in doubt: the sender stopped while delivering; not resent "
                    "automatically (check the provider, then `arrears outbox retry`)",
                )  # fmt: skip
                kind = "in_doubt"
            uow.outbox.add_event(message_id=message_id, kind=kind, at=now, details={})
            uow.audit.record(
                at=now, actor=ACTOR, action=f"outbox.{kind}", entity_type="outbox_message",
                entity_id=str(message_id), details={},
            )  # fmt: skip
            outcomes[kind] += 1
        uow.commit()
    return outcomes


def _print_date(sender: Sender, record: OutboxRecord) -> date | None:
    if record.channel != "letter":
        return None
    today = sender.clock.today()
    planned = record.print_date
    if planned is not None and planned >= today:
        return planned
    return sender.messaging.identity.calendar.next_business_day(today)


def _outbound(record: OutboxRecord, print_date: date | None) -> OutboundMessage:
    return OutboundMessage(
        id=record.id, idempotency_key=record.idempotency_key, token=record.token,
        channel=record.channel, recipient=record.recipient, subject=record.subject,
        text=record.body_text, html=record.body_html, template=record.template,
        language=record.language, print_date=print_date,
    )  # fmt: skip
