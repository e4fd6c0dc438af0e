"""Asking the compliance gate before an outbound contact, and recording every answer.

``check_contact`` is called by the outbox before it queues and again before it sends, and by
the web app before an agent places a call. It gathers the facts from the database, asks the
pure gate (``arrears.compliance.gate.evaluate``) and records the decision — allowed or blocked,
with its rule ids — in ``gate_decisions`` inside the caller's unit of work (the caller
commits, so the decision and what it allowed are written together). The decision it returns
carries the id of that row (``GateDecision.decision_id``), so callers keep exactly the decision
that was recorded. An exemption the gate applied (e.g. the one opt-out confirmation text, 47
CFR 64.1200(a)(12)) is also written to the audit trail with its source. ``check_furnishing`` is
the same for a credit-bureau record (12 CFR 1006.30(a)).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from arrears.compliance.facts import ContactFacts
from arrears.compliance.furnishing import may_furnish
from arrears.compliance.gate import evaluate
from arrears.compliance.localities import locality_of
from arrears.compliance.model import GateDecision, Proposal, Stage
from arrears.compliance.settings import DEFAULT_SETTINGS, ComplianceSettings
from arrears.compliance.sol import SolStatus, sol_status
from arrears.domain.allocation import DEFAULT_POLICY
from arrears.domain.clock import Clock
from arrears.domain.contact_log import (
    Channel,
    ContactRecord,
    Outcome,
    channels_opted_out,
    first_communication_on,
    validation_sent_on,
)
from arrears.domain.contacts import ContactPoint
from arrears.domain.holds import ActionCategory, Hold
from arrears.domain.loans import ContractType
from arrears.errors import NotFoundError
from arrears.services.loan_state import LoanState, loan_state
from arrears.services.ports import LoanProfile, UnitOfWork

DEFAULT_TEMPLATES = {
    Channel.CALL: "collection_call",
    Channel.VOICEMAIL: "limited_content_message",
    Channel.SMS: "payment_reminder",
    Channel.EMAIL: "payment_reminder",
    Channel.LETTER: "payment_reminder",
}


def check_contact(
    uow: UnitOfWork,
    proposal: Proposal,
    *,
    at: datetime,
    stage: Stage = Stage.SEND,
    actor: str = "system",
    settings: ComplianceSettings = DEFAULT_SETTINGS,
) -> GateDecision:
    """The gate's decision on ``proposal`` at ``at`` (UTC), recorded in ``gate_decisions``;
    its ``decision_id`` is the id of the recorded row."""
    profile = _profile(uow, proposal.loan_id)
    facts = gather_facts(uow, profile, at=at, settings=settings)
    decision = evaluate(proposal, facts, at=at, settings=settings)
    decision_id = uow.gate.record(
        proposal, decision, borrower_id=profile.borrower_id, at=at, stage=stage.value, actor=actor
    )
    for exemption in decision.exempted:
        uow.audit.record(
            at=at, actor=actor, action="compliance.exemption", entity_type="gate_decision",
            entity_id=str(decision_id),
            details={"loan_id": proposal.loan_id, "exemption": exemption.rule_id,
                     "template": proposal.template, "reason": exemption.reason,
                     "source": exemption.source},
        )  # fmt: skip
    return replace(decision, decision_id=int(decision_id))


def check_furnishing(
    uow: UnitOfWork,
    loan_id: int,
    *,
    as_of: date,
    settings: ComplianceSettings = DEFAULT_SETTINGS,
) -> GateDecision:
    """May the loan be reported to the bureaus on ``as_of``? (contact first, no fraud hold)"""
    _profile(uow, loan_id)
    return may_furnish(
        uow.contacts.for_loan(loan_id),
        as_of=as_of,
        holds=uow.holds.for_loan(loan_id),
        settings=settings,
    )


@dataclass(frozen=True)
class ReadForLoan:
    """What a caller read for a loan in its own transaction that the gate would read again:
    the holds covering the loan (its own and its borrowers'), the loan's whole contact log
    (oldest first) and the borrower's contact points (by id). A look at the gate (an account
    page) passes them; a decision to send never does, so what it judges it reads itself."""

    holds: Sequence[Hold]
    contacts: Sequence[ContactRecord]
    contact_points: Sequence[ContactPoint]


def gather_facts(
    uow: UnitOfWork,
    profile: LoanProfile,
    *,
    at: datetime,
    settings: ComplianceSettings,
    state: LoanState | None = None,
    read: ReadForLoan | None = None,
) -> ContactFacts:
    """Everything the gate judges, read for one loan and its borrower at ``at``. What the
    caller read in the same transaction for the same loan (an account view's ``state``, and in
    ``read`` its holds, contact log and contact points) is used instead of reading or computing
    it again."""
    zone = settings.day_zone
    day = at.astimezone(ZoneInfo(zone)).date()
    contacts = read.contacts if read else uow.contacts.for_loan(profile.loan_id)
    history = tuple(r for r in contacts if r.borrower_id == profile.borrower_id and r.at <= at)
    consents = [r.day(zone) for r in history if r.outcome is Outcome.CALLBACK_REQUESTED]
    return ContactFacts(
        loan_id=profile.loan_id,
        borrower_id=profile.borrower_id,
        borrower_state=profile.borrower_state,
        contract_state=profile.contract_state,
        address_time_zone=profile.address_time_zone,
        locality=locality_of(profile.zip_code),
        contact_points=tuple(
            read.contact_points if read else uow.contacts.points_of(profile.borrower_id)
        ),
        holds=tuple(read.holds if read else uow.holds.for_loan(profile.loan_id)),
        history=history,
        channels_opted_out=channels_opted_out(history),
        preferred_hours=uow.contacts.preferred_hours(profile.borrower_id),
        first_communication_on=first_communication_on(history, zone=zone),
        validation_sent_on=validation_sent_on(history, zone=zone),
        call_consent_on=max(consents, default=None),
        time_barred=limitation_status(uow, profile, as_of=day, state=state),
    )


def limitation_status(
    uow: UnitOfWork, profile: LoanProfile, *, as_of: date, state: LoanState | None = None
) -> SolStatus | None:
    """The loan's statute-of-limitations status: accrued at its first uncured missed payment
    (DOFD, else the oldest unpaid due date), restarted by later good payments where the
    contract state allows (``compliance.sol``). None while nothing is past due. ``state`` is
    used when it was computed for the same date under the default waterfall."""
    if state is None or state.as_of != as_of or state.policy != DEFAULT_POLICY:
        state = loan_state(uow, profile.loan_id, as_of=as_of)
    owed = state.delinquency
    accrued = owed.dofd or owed.oldest_unpaid_due_date
    if not owed.dpd or accrued is None:
        return None
    return sol_status(
        state=profile.contract_state,
        contract_type=ContractType(profile.contract_type),
        accrued_on=accrued,
        payments=state.good_payment_dates,
        as_of=as_of,
    )


def check_loan_contact(
    loan: str,
    channel: Channel,
    *,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    at: datetime | None = None,
    template: str | None = None,
    category: ActionCategory = ActionCategory.CONTACT,
    contact_point_id: int | None = None,
    actor: str = "cli",
    settings: ComplianceSettings = DEFAULT_SETTINGS,
) -> tuple[Proposal, GateDecision]:
    """Ask (and record) whether ``loan``'s borrower may be contacted by ``channel`` now or at
    ``at``; without a contact point the borrower's first usable one for the channel is used."""
    with uow_factory() as uow:
        loan_id = uow.accounts.loan_id(loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {loan!r}")
        profile = _profile(uow, loan_id)
        if contact_point_id is None and channel is not Channel.LETTER:
            contact_point_id = _first_point(uow, profile.borrower_id, channel)
        proposal = Proposal(
            loan_id=loan_id,
            channel=channel,
            category=category,
            template=template or DEFAULT_TEMPLATES[channel],
            contact_point_id=contact_point_id,
        )
        decision = check_contact(
            uow, proposal, at=at or clock.now(), stage=Stage.CHECK, actor=actor, settings=settings
        )
        uow.commit()
    return proposal, decision


def _first_point(uow: UnitOfWork, borrower_id: int, channel: Channel) -> int | None:
    points = [p for p in uow.contacts.points_of(borrower_id) if p.usable]
    wanted = [
        p
        for p in points
        if (channel.uses_phone and p.kind.is_phone)
        or (channel is Channel.EMAIL and p.kind.is_email)
    ]
    wanted.sort(key=lambda p: (p.kind.value == "work_email", p.kind.value != "mobile_phone"))
    return wanted[0].id if wanted else None


def _profile(uow: UnitOfWork, loan_id: int) -> LoanProfile:
    profile = uow.gate.loan_profile(loan_id)
    if profile is None:
        raise NotFoundError(f"no loan with id {loan_id}")
    return profile
