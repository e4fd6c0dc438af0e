"""Enqueueing: planned messages become rendered, gate-checked outbox messages.

The transactional outbox: the cycle and the web app never talk to a channel; they only write
outbox messages in their own transaction, and the sender (``arrears.services.sending``)
delivers them later. Enqueueing a message: choose the recipient → ask the compliance gate
(stage ``queue``) → render the template → queue it. Anything that stops it — no recipient, a
blocking rule, a template that fails — stores the message as ``blocked`` with the rule ids and
reasons (DESIGN §5: blocked, never dropped) and the rest of the batch goes on. Each message has
an idempotency key (``action:<id>`` for the cycle's actions), so enqueueing twice finds the
first message and changes nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from arrears.compliance.model import Notice, Proposal, Stage
from arrears.compliance.packs import default_packs
from arrears.domain.clock import Clock
from arrears.domain.contact_log import Channel
from arrears.domain.contacts import ContactStatus
from arrears.domain.holds import ActionCategory
from arrears.errors import ConflictError, NotFoundError
from arrears.services.messages import (
    DERIVED_TEMPLATES,
    Identity,
    message_context,
    message_language,
    postal_lines,
    template_details,
)
from arrears.services.ports import (
    ContactGate,
    MessageFacts,
    MessageRenderer,
    NewOutboxMessage,
    OutboxRecord,
    OutboxUnitOfWork,
    RenderedMessage,
    TemplateFailure,
)
from arrears.services.recipients import NoRecipient, choose_recipient

log = logging.getLogger("arrears.outbox")
ACTOR = "outbox"


@dataclass(frozen=True)
class Messaging:
    """What enqueueing and sending need besides the database: templates, the gate, identity."""

    renderer: MessageRenderer
    gate: ContactGate
    identity: Identity


@dataclass(frozen=True)
class MessageRequest:
    """A message someone wants sent about one loan (the cycle's action, a confirmation…)."""

    loan_id: int
    borrower_id: int
    channel: str
    template: str
    category: str
    as_of: date
    idempotency_key: str
    action_id: int | None = None
    treatment: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    contact_point_id: int | None = None


@dataclass(frozen=True)
class Enqueued:
    message_id: int
    status: str  # queued | blocked (or the existing message's status)
    created: bool
    reasons: tuple[str, ...] = ()


@dataclass
class EnqueueReport:
    queued: int = 0
    blocked: int = 0
    already: int = 0
    blocked_by_rule: Counter[str] = field(default_factory=Counter)


def enqueue_actions(
    uow: OutboxUnitOfWork,
    *,
    run_id: int | None = None,
    action_ids: Sequence[int] | None = None,
    at: datetime,
    messaging: Messaging,
) -> EnqueueReport:
    """Turn pending message actions (of a cycle run, or by id) into outbox messages.

    Idempotent per action: an action already in the outbox is not pending any more. The caller
    commits (the cycle partition's or the request's transaction).
    """
    report = EnqueueReport()
    ids = list(action_ids) if action_ids is not None else None
    for action in uow.outbox.pending_actions(run_id=run_id, action_ids=ids):
        request = MessageRequest(
            loan_id=action.loan_id, borrower_id=action.borrower_id, channel=action.channel,
            template=action.template, category=action.category, as_of=action.due_on,
            idempotency_key=f"action:{action.id}", action_id=action.id,
            treatment=action.treatment,
        )  # fmt: skip
        outcome = enqueue_message(uow, request, at=at, messaging=messaging)
        uow.outbox.set_action_status(action.id, status=outcome.status, at=at)
        _count(report, uow, outcome)
    return report


def enqueue_message(
    uow: OutboxUnitOfWork, request: MessageRequest, *, at: datetime, messaging: Messaging
) -> Enqueued:
    """Write one message to the outbox, queued or blocked with its reasons (caller commits)."""
    new = NewOutboxMessage(
        idempotency_key=request.idempotency_key, loan_id=request.loan_id,
        borrower_id=request.borrower_id, channel=request.channel, category=request.category,
        template=request.template, language="en", action_id=request.action_id,
        treatment=request.treatment, context={"details": request.details},
    )  # fmt: skip
    message_id, created = uow.outbox.add(new, at=at)
    if not created:
        existing = uow.outbox.get(message_id)
        assert existing is not None
        return Enqueued(message_id, existing.status, False, existing.blocked_reasons)
    blocked = _prepare(uow, message_id, request, at=at, messaging=messaging)
    if blocked is not None:
        rules, reasons = blocked
        block(uow, message_id, rules=rules, reasons=reasons, at=at, stage=Stage.QUEUE)
        return Enqueued(message_id, "blocked", True, tuple(reasons))
    uow.audit.record(
        at=at, actor=ACTOR, action="outbox.queued", entity_type="outbox_message",
        entity_id=str(message_id),
        details={"loan_id": request.loan_id, "channel": request.channel,
                 "template": request.template, "action_id": request.action_id},
    )  # fmt: skip
    return Enqueued(message_id, "queued", True)


def _prepare(
    uow: OutboxUnitOfWork, message_id: int, request: MessageRequest, *, at: datetime,
    messaging: Messaging,
) -> tuple[list[str], list[str]] | None:  # fmt: skip
    """Recipient → gate → render → queue; the (rules, reasons) that stopped it, if anything."""
    facts = uow.outbox.facts(loan_id=request.loan_id, borrower_id=request.borrower_id,
                             as_of=request.as_of)  # fmt: skip
    if facts is None:
        return ["outbox.unknown_account"], [f"no loan {request.loan_id} of that borrower"]
    recipient = choose_recipient(
        request.channel, facts.contact_points, postal=postal_lines(facts),
        point_id=request.contact_point_id,
    )  # fmt: skip
    if isinstance(recipient, NoRecipient):
        for point_id in recipient.invalid_points:
            flag_invalid(uow, point_id, at=at, reason="not a well-formed address or number")
        return [recipient.rule], [recipient.reason]
    record = uow.outbox.get(message_id)
    assert record is not None
    decision = ask_gate(uow, messaging, record, point_id=recipient.point_id, stage=Stage.QUEUE,
                        at=at)  # fmt: skip
    if not decision.allowed and not decision.waits:
        return list(decision.rules), list(decision.reasons)
    try:
        details = request.details or _derived_details(uow, request, facts)
        rendered, context = render_for(
            uow, messaging, record, today=request.as_of, disclosures=decision.disclosures,
            facts=facts, details=details,
        )  # fmt: skip
    except TemplateFailure as failure:
        return ["template.render"], [str(failure)]
    uow.outbox.set_content(
        message_id, rendered=rendered, recipient=recipient.address,
        contact_point_id=recipient.point_id, context=context, at=at,
    )  # fmt: skip
    print_date = (
        messaging.identity.calendar.next_business_day(request.as_of)
        if request.channel == "letter"
        else None
    )
    uow.outbox.queue(message_id, at=at, print_date=print_date)
    return None


def _derived_details(
    uow: OutboxUnitOfWork, request: MessageRequest, facts: MessageFacts
) -> dict[str, Any]:
    """The facts a template needs when the caller gave none (the cycle's actions): the next
    promised payment, the next plan installment, the standard plan offered."""
    if request.template not in DERIVED_TEMPLATES:
        return {}
    return template_details(
        request.template, promises=uow.promises.for_loan(request.loan_id),
        plans=uow.plans.for_loan(request.loan_id), facts=facts, as_of=request.as_of,
    )  # fmt: skip


#: Checks whose block only means "not now": quiet hours and the frequency caps pass with time.
WAITING_CHECKS = frozenset({"quiet_hours", "contact_cap", "call_frequency", "conversation_lock"})


@cache
def _check_of() -> dict[str, str]:
    return {rule.id: rule.check for pack in default_packs() for rule in pack.rules}


def only_waiting(rules: Sequence[str]) -> bool:
    """Whether every blocking rule is one that passes with time (inconvenient hours, 12 CFR
    1006.6(b)(1); call and contact frequency, 1006.14(b) and state caps): such a message waits
    in the queue instead of being blocked for good."""
    checks = _check_of()
    return bool(rules) and all(checks.get(rule) in WAITING_CHECKS for rule in rules)


@dataclass(frozen=True)
class Verdict:
    """A gate decision as the outbox keeps it: allowed or not, why, the recorded id, and the
    notices the message must carry (rendered in the message's language)."""

    allowed: bool
    decision_ref: str
    rules: tuple[str, ...]
    reasons: tuple[str, ...]
    disclosures: tuple[Notice | str, ...]

    @property
    def waits(self) -> bool:
        """Not now, but later: only rules that pass with time block it."""
        return not self.allowed and only_waiting(self.rules)


def ask_gate(
    uow: OutboxUnitOfWork, messaging: Messaging, record: OutboxRecord, *, point_id: int | None,
    stage: Stage, at: datetime,
) -> Verdict:  # fmt: skip
    """Ask the compliance gate about a message and keep the id of the decision it recorded.

    The gate returns the id of the ``gate_decisions`` row it wrote (``decision_id``); the
    message keeps exactly that decision. A decision the gate did not record counts as no
    decision: the message cannot go out (DESIGN §5), so it is reported as blocked by
    ``gate.unrecorded``.
    """
    reference = f"outbox:{record.id}"
    proposal = Proposal(
        loan_id=record.loan_id, channel=Channel(record.channel),
        category=ActionCategory(record.category), template=record.template,
        contact_point_id=point_id, treatment=record.treatment, reference=reference,
    )  # fmt: skip
    decision = messaging.gate(uow, proposal, at=at, stage=stage)
    if decision.decision_id is None:
        return Verdict(False, "", ("gate.unrecorded",), ("the gate recorded no decision",), ())
    ref = f"gate_decisions:{decision.decision_id}"
    uow.outbox.add_decision(record.id, ref)
    return Verdict(
        allowed=decision.allowed,
        decision_ref=ref,
        rules=decision.rule_ids,
        reasons=tuple(f"{hit.reason} [{hit.source}]" for hit in decision.blocked_by),
        disclosures=tuple(
            hit.notice if hit.notice is not None else hit.reason for hit in decision.disclosures
        ),
    )


def disclosure_texts(disclosures: Sequence[Notice | str], language: str) -> list[str]:
    """The disclosures' words in ``language`` (a notice without that language: English)."""
    return [d.text(language) if isinstance(d, Notice) else d for d in disclosures]


def render_for(
    uow: OutboxUnitOfWork, messaging: Messaging, record: OutboxRecord, *, today: date,
    disclosures: Sequence[Notice | str], facts: MessageFacts | None = None,
    details: dict[str, Any] | None = None,
) -> tuple[RenderedMessage, dict[str, Any]]:  # fmt: skip
    """Render ``record`` with the facts as of ``today`` and the gate's disclosures in the
    borrower's language; returns (rendered message, context). ``details`` replaces the
    record's own. Raises ``TemplateFailure``."""
    if facts is None:
        facts = uow.outbox.facts(
            loan_id=record.loan_id, borrower_id=record.borrower_id, as_of=today
        )
    if facts is None:
        raise TemplateFailure(f"no loan {record.loan_id} of borrower {record.borrower_id}")
    language = message_language(facts)
    context = message_context(
        facts, identity=messaging.identity, template=record.template, today=today,
        disclosures=disclosure_texts(disclosures, language),
        details=dict(record.context.get("details", {}) if details is None else details),
    )  # fmt: skip
    rendered = messaging.renderer.render(
        template=record.template, channel=record.channel, language=language, context=context
    )
    return rendered, context


def block(
    uow: OutboxUnitOfWork, message_id: int, *, rules: list[str], reasons: list[str],
    at: datetime, stage: Stage,
) -> None:  # fmt: skip
    """Store a message as blocked with every rule and reason; recorded in the audit trail."""
    uow.outbox.block(message_id, at=at, rules=rules, reasons=reasons)
    uow.outbox.add_event(
        message_id=message_id, kind="blocked", at=at,
        details={"stage": stage.value, "rules": rules, "reasons": reasons},
    )  # fmt: skip
    uow.audit.record(
        at=at, actor=ACTOR, action="outbox.blocked", entity_type="outbox_message",
        entity_id=str(message_id), details={"stage": stage.value, "rules": rules},
    )  # fmt: skip
    log.info("outbox message %s blocked at %s by %s", message_id, stage.value, rules)


def flag_invalid(uow: OutboxUnitOfWork, point_id: int, *, at: datetime, reason: str) -> None:
    """Mark a contact point invalid so it is never contacted again (and say why)."""
    uow.outbox.set_point(point_id, at=at, status=ContactStatus.INVALID.value)
    uow.audit.record(
        at=at, actor=ACTOR, action="contact_point.invalid", entity_type="contact_point",
        entity_id=str(point_id), details={"reason": reason},
    )  # fmt: skip


def retry_message(uow: OutboxUnitOfWork, message_id: int, *, at: datetime, by: str) -> None:
    """Hand a failed message to the sender again (an operator's decision, e.g. after an
    in-doubt send was checked with the provider). The gate is asked again before it goes."""
    record = uow.outbox.get(message_id)
    if record is None:
        raise NotFoundError(f"no outbox message {message_id}")
    if record.status != "failed":
        raise ConflictError(f"message {message_id} is {record.status}: only failed ones retry")
    uow.outbox.requeue(message_id, at=at, next_attempt_at=at, error=record.last_error)
    uow.outbox.add_event(message_id=message_id, kind="retry", at=at, details={"by": by})
    uow.audit.record(
        at=at, actor=by, action="outbox.retry", entity_type="outbox_message",
        entity_id=str(message_id), details={},
    )  # fmt: skip


def _count(report: EnqueueReport, uow: OutboxUnitOfWork, outcome: Enqueued) -> None:
    if not outcome.created:
        report.already += 1
    elif outcome.status == "queued":
        report.queued += 1
    else:
        report.blocked += 1
        record = uow.outbox.get(outcome.message_id)
        for rule in record.blocked_rules if record else ():
            report.blocked_by_rule[rule] += 1


def enqueue_day(
    *,
    as_of: date,
    uow_factory: Callable[[], OutboxUnitOfWork],
    messaging: Messaging,
    clock: Clock,
) -> EnqueueReport:
    """Enqueue the message actions of the cycle run for ``as_of`` (``arrears outbox enqueue``)."""
    with uow_factory() as uow:
        run = uow.cycle.run_for(as_of)
        if run is None:
            raise NotFoundError(f"no cycle run for {as_of}: run `arrears cycle --as-of {as_of}`")
        report = enqueue_actions(uow, run_id=run.id, at=clock.now(), messaging=messaging)
        uow.commit()
    return report


def outbox_listing(
    *, statuses: list[str], limit: int, uow_factory: Callable[[], OutboxUnitOfWork]
) -> list[OutboxRecord]:
    """The latest outbox messages (newest first), optionally only some statuses."""
    with uow_factory() as uow:
        return uow.outbox.listing(statuses=statuses, limit=limit)
