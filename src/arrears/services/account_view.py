"""One account as people see it: what is owed by component (from the ledger), the schedule,
payments, delinquency and DOFD, holds, the cycle's decisions with their reasons, collateral,
who is working it, and whether the borrower may be contacted now (the compliance panel).

Viewing an account shows personal data, so every view is written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from arrears.batch.delinquency import delinquency
from arrears.batch.installments import installments_for
from arrears.batch.items import due_items
from arrears.compliance.facts import ContactFacts
from arrears.compliance.gate import evaluate
from arrears.compliance.model import Proposal
from arrears.compliance.settings import DEFAULT_SETTINGS
from arrears.domain.borrowers import mask_ssn
from arrears.domain.clock import Clock
from arrears.domain.contact_log import Channel, ContactRecord
from arrears.domain.contacts import ContactKind, ContactPoint
from arrears.domain.delinquency import Delinquency as DomainDelinquency
from arrears.domain.holds import ActionCategory, Hold
from arrears.domain.money import Money
from arrears.domain.schedules import Installment
from arrears.errors import NotFoundError
from arrears.services.compliance import DEFAULT_TEMPLATES, ReadForLoan, gather_facts
from arrears.services.cycle import CycleSettings
from arrears.services.loan_state import LoanState, loan_state
from arrears.services.ports import LoanProfile, LockRecord, WebUnitOfWork
from arrears.services.recovery_panel import RecoveryPanel, recovery_in

COMPONENTS = ("principal", "interest", "fees", "penalties", "costs")
#: Reg F presumes calls before 8 a.m. or after 9 p.m. local time inconvenient.
CALL_HOURS = (8, 21)
CALL_HOURS_SOURCE = "12 CFR 1006.6(b)(1)(i)"
CALLS_PER_WEEK = 7
CHANNELS = (Channel.CALL, Channel.SMS, Channel.EMAIL, Channel.LETTER)


@dataclass(frozen=True)
class Itemization:
    """What is owed by component; ``suspense`` is money held for the borrower, not yet applied."""

    lines: list[tuple[str, Money]]
    suspense: Money
    total: Money


@dataclass(frozen=True)
class Delinquency:
    dpd: int
    bucket: str
    past_due: Money
    oldest_unpaid: date | None
    dofd: date | None
    cured_on: date | None


VIEW_DECISIONS = 10
"""The latest decisions a collector's view lists."""
RECENT_PAID = 3
"""Paid installments an account page lists by default, the most recent."""
NEXT_UPCOMING = 12
"""Upcoming installments an account page lists by default, the soonest."""


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """An installment as the account view lists it. A class, not a dict: a page reads seven
    fields of every row of a 360-month schedule, and a template's ``row.seq`` on a dict first
    fails as an attribute (an exception per field) before it is looked up as a key."""

    seq: int
    due_date: date
    principal: Money
    interest: Money
    fees: Money
    total: Money
    status: str  # paid | past due | due today | upcoming


@dataclass(frozen=True)
class Party:
    """A borrower of the account with sensitive fields already masked."""

    id: int
    external_id: str
    name: str
    relation: str  # borrower | co-borrower
    masked_ssn: str
    has_dob: bool
    address: list[str]
    time_zone: str
    language: str
    contact_points: list[ContactPoint]


@dataclass(frozen=True)
class ZoneTime:
    zone: str
    local: datetime
    allowed: bool


@dataclass(frozen=True)
class CompliancePanel:
    may_call_now: bool
    zones: list[ZoneTime]
    channels: dict[str, str]  # channel -> "allowed" or why not
    blocked_by: list[str]
    calls_left: int | None
    note: str = "Reg F presumes more than 7 calls in 7 days harassment (12 CFR 1006.14(b)(2))"
    source: str = CALL_HOURS_SOURCE


@dataclass(frozen=True)
class AccountView:
    loan_id: int
    ref: str
    loan: dict[str, Any]
    as_of: date
    parties: list[Party]
    itemization: Itemization
    delinquency: Delinquency
    schedule: list[ScheduleRow]
    payments: list[dict[str, Any]]
    holds: list[tuple[Hold, bool]]
    decisions: list[dict[str, Any]]
    collateral: list[dict[str, Any]]
    lock: LockRecord | None
    compliance: CompliancePanel | None  # None in a brief view
    recovery: RecoveryPanel | None = None  # when asked for
    contacts: list[ContactRecord] = field(default_factory=list)
    """The loan's contact log, oldest first (a collector's view; empty in the others)."""
    good_payments: list[tuple[date, int]] = field(default_factory=list)
    """(effective date, minor units) of each payment not returned, in the order received."""

    @property
    def currency(self) -> str:
        return str(self.loan["currency"])

    @property
    def borrower_id(self) -> int:
        return int(self.loan["borrower_id"])

    def schedule_shown(self, *, whole: bool = False) -> list[ScheduleRow]:
        """The schedule rows a page lists: all with ``whole``; otherwise those a collector works
        from — every one past due or due today, the last ``RECENT_PAID`` paid and the next
        ``NEXT_UPCOMING``, in order. A 30-year mortgage's 360 rows took 3.4 ms to render, a
        third of its page's CPU, in a section most views never open."""
        if whole:
            return self.schedule
        paid = [i for i, row in enumerate(self.schedule) if row.status == "paid"]
        upcoming = [i for i, row in enumerate(self.schedule) if row.status == "upcoming"]
        hidden = set(paid[: max(len(paid) - RECENT_PAID, 0)]) | set(upcoming[NEXT_UPCOMING:])
        return [row for i, row in enumerate(self.schedule) if i not in hidden]


def loan_id_of(uow: WebUnitOfWork, ref: str) -> int:
    loan_id = uow.accounts.loan_id(ref)
    if loan_id is None:
        raise NotFoundError(f"no account {ref!r}")
    return loan_id


def account_view(
    ref: str,
    *,
    viewer: str,
    uow_factory: Callable[[], WebUnitOfWork],
    clock: Clock,
    settings: CycleSettings,
    brief: bool = False,
    borrower: int | None = None,
    recovery: bool = False,
) -> AccountView:
    """Everything about account ``ref`` as of today, read in one transaction; the view is
    audited (``account_view_in``), and answered without waiting for the disk (ADR 0014)."""
    with uow_factory() as uow:
        view = account_view_in(
            uow, ref, viewer=viewer, clock=clock, settings=settings, brief=brief,
            borrower=borrower, recovery=recovery,
        )  # fmt: skip
        uow.commit(durable=False)
    return view


def account_view_in(
    uow: WebUnitOfWork,
    ref: str,
    *,
    viewer: str,
    clock: Clock,
    settings: CycleSettings,
    brief: bool = False,
    borrower: int | None = None,
    recovery: bool = False,
    page: bool = False,
) -> AccountView:
    """Account ``ref`` read in the caller's transaction, its viewing recorded in the audit
    trail (written when the caller commits). A ``brief`` view (the API's account summary)
    leaves out the compliance panel, decisions, payments, schedule and collateral, which are
    most of the work. The loan's schedule, payments and delinquency are read and computed once
    (``services.loan_state``), and shared with the compliance panel.

    ``borrower``: the signed-in borrower, who sees only accounts they owe (any other does not
    exist for them) and not the collector's side (compliance panel, decisions, collateral).
    ``recovery``: also the loan's legal cases, placements and collateral cases (``recovery``).
    ``page``: the caller, an account page, then reads the loan's plans and offers (and a
    collector's page its promises) before it writes anything: they are sent with the view's
    own reads (ADR 0016).
    """
    today, now = clock.today(), clock.now()
    collector = borrower is None and not brief
    loan = uow.web.loan_header_by_ref(ref)
    if loan is None or (
        borrower is not None and borrower not in (loan["borrower_id"], loan["co_borrower_id"])
    ):
        raise NotFoundError(f"no account {ref!r}")
    loan_id = int(loan["id"])
    uow.web.prefetch_view(
        loan, brief=brief, recovery=recovery, collector=collector, page=page,
        decisions=VIEW_DECISIONS,
    )  # fmt: skip
    borrowers = uow.web.borrowers(list(_relations(loan)))
    parties = _parties(loan, borrowers)
    payments = None if brief else uow.web.payment_history(loan_id)
    owed = loan_state(
        uow, loan_id, as_of=today, policy=settings.policy, buckets=settings.buckets, row=loan,
        payments=payments, brief=brief,
    )  # fmt: skip
    currency = str(loan["currency"])
    state = _delinquency_from(owed.delinquency, currency)
    holds = uow.holds.for_loan(loan_id, borrower_ids=[party.id for party in parties])
    lock = uow.web.lock(loan_id)
    contacts = uow.contacts.for_loan(loan_id) if collector else []
    compliance = None
    if collector:
        compliance = compliance_panel(
            uow, loan_id, now=now, state=owed, profile=gate_profile(loan, borrowers),
            read=ReadForLoan(
                holds=holds, contacts=contacts,
                contact_points=borrowers[int(loan["borrower_id"])]["contact_points"],
            ),
        )  # fmt: skip
    view = AccountView(
        loan_id=loan_id,
        ref=ref,
        loan=loan,
        as_of=today,
        parties=parties,
        itemization=itemize(uow.web.ledger_balances(loan_id), currency),
        delinquency=state,
        schedule=[] if brief else _schedule(owed.installments, state, today),
        payments=payments or [],
        holds=[(hold, hold.active_on(today)) for hold in holds],
        decisions=uow.cycle.decisions_for(loan_id, limit=VIEW_DECISIONS) if collector else [],
        collateral=uow.web.collateral(loan_id) if collector else [],
        lock=lock if lock is not None and lock.expires_at > now else None,
        compliance=compliance,
        contacts=contacts,
        recovery=recovery_in(uow, loan_id, as_of=today) if recovery else None,
        good_payments=owed.good_payments,
    )
    uow.audit.record(
        at=now, actor=viewer, action="account.viewed", entity_type="loan",
        entity_id=str(loan_id), details={"ref": ref},
    )  # fmt: skip
    return view


def itemize(balances: dict[str, int], currency: str) -> Itemization:
    lines = [(name, Money(balances.get(name, 0), currency)) for name in COMPONENTS]
    suspense = Money(-balances.get("suspense", 0), currency)
    total = Money(sum(balances.get(name, 0) for name in (*COMPONENTS, "suspense")), currency)
    return Itemization(lines=lines, suspense=suspense, total=total)


def delinquency_of(
    uow: WebUnitOfWork, loan_ids: list[int], as_of: date, settings: CycleSettings
) -> dict[int, Delinquency]:
    """Delinquency of each loan on ``as_of`` (the batch functions, on a handful of loans)."""
    reads = uow.reads
    loans = reads.loans(loan_ids)
    items = due_items(
        installments_for(loans, reads.stored_installments(loan_ids, due_by=as_of), due_by=as_of),
        reads.charges(loan_ids),
        policy=settings.policy,
    )
    state = delinquency(
        items, reads.payments(loan_ids), loans, as_of=as_of, policy=settings.policy,
        buckets=settings.buckets,
    )  # fmt: skip
    currencies = dict(zip(loans["loan_id"].to_list(), loans["currency"].to_list(), strict=True))
    return _delinquency_rows(state, currencies)


def _delinquency_rows(state: pl.DataFrame, currencies: dict[int, str]) -> dict[int, Delinquency]:
    return {
        int(row["loan_id"]): Delinquency(
            dpd=int(row["dpd"]),
            bucket=str(row["bucket"]),
            past_due=Money(int(row["amount_past_due_minor"]), currencies[row["loan_id"]]),
            oldest_unpaid=row["oldest_unpaid_due_date"],
            dofd=row["dofd"],
            cured_on=row["cured_on"],
        )
        for row in state.iter_rows(named=True)
    }


def _delinquency_from(owed: DomainDelinquency, currency: str) -> Delinquency:
    return Delinquency(
        dpd=owed.dpd,
        bucket=owed.bucket,
        past_due=Money(owed.amount_past_due_minor, currency),
        oldest_unpaid=owed.oldest_unpaid_due_date,
        dofd=owed.dofd,
        cured_on=owed.cured_on,
    )


def _schedule(
    installments: list[Installment], state: Delinquency, today: date
) -> list[ScheduleRow]:
    """Each installment with its status; its amounts are already in the loan's currency."""
    rows = []
    for installment in installments:
        due = installment.due_date
        if due > today:
            status = "upcoming"
        elif state.oldest_unpaid is None or due < state.oldest_unpaid:
            status = "paid"
        else:
            status = "due today" if due == today else "past due"
        rows.append(
            ScheduleRow(
                seq=installment.seq,
                due_date=due,
                principal=installment.principal,
                interest=installment.interest,
                fees=installment.fees,
                total=installment.amount,
                status=status,
            )
        )
    return rows


def _relations(loan: dict[str, Any]) -> dict[int, str]:
    """The loan's borrower and co-borrower by id (read together)."""
    return {
        int(loan[column]): relation
        for column, relation in (("borrower_id", "borrower"), ("co_borrower_id", "co-borrower"))
        if loan[column] is not None
    }


def _parties(loan: dict[str, Any], found: dict[int, dict[str, Any]]) -> list[Party]:
    return [_party(found[party], relation) for party, relation in _relations(loan).items()]


def gate_profile(loan: dict[str, Any], borrowers: dict[int, dict[str, Any]]) -> LoanProfile:
    """What the gate knows of the loan (``GateStore.loan_profile``), from the rows the view
    has read already: the loan and its borrower's address."""
    borrower = borrowers[int(loan["borrower_id"])]
    return LoanProfile(
        loan_id=int(loan["id"]), external_id=loan["external_id"],
        borrower_id=int(loan["borrower_id"]), currency=loan["currency"],
        product=loan["product"], contract_state=loan["contract_state"],
        contract_type=loan["contract_type"], borrower_state=borrower["state"],
        zip_code=borrower["zip"], address_time_zone=borrower["address_time_zone"],
    )  # fmt: skip


def _party(found: dict[str, Any], relation: str) -> Party:
    borrower_id = int(found["id"])
    name = " ".join(
        part
        for part in (found["first_name"], found["middle_name"], found["last_name"], found["suffix"])
        if part
    )
    address = [found["address_line1"], found["address_line2"]]
    address.append(f"{found['city']}, {found['state']} {found['zip']}")
    return Party(
        id=borrower_id,
        external_id=found["external_id"],
        name=name,
        relation=relation,
        masked_ssn=mask_ssn(found["ssn_last4"]) if found["ssn_last4"] else "not on file",
        has_dob=found["has_dob"],
        address=[line for line in address if line],
        time_zone=found["address_time_zone"],
        language=found["language"],
        contact_points=found["contact_points"],
    )


def compliance_panel(
    uow: WebUnitOfWork,
    loan_id: int,
    *,
    now: datetime,
    state: LoanState | None = None,
    profile: LoanProfile | None = None,
    read: ReadForLoan | None = None,
) -> CompliancePanel:
    """May the borrower be contacted now, by each channel, as the compliance gate judges it:
    quiet hours in every zone they may be in, holds, opt-outs, consent and call frequency.
    A look, not an action: nothing is recorded (the gate records when something is sent), so
    what the view read in the same transaction (``profile``, ``read``) serves the gate too."""
    profile = profile or uow.gate.loan_profile(loan_id)
    assert profile is not None
    facts = gather_facts(uow, profile, at=now, settings=DEFAULT_SETTINGS, state=state, read=read)
    channels: dict[str, str] = {}
    blocked: list[str] = []
    for channel in CHANNELS:
        proposal = Proposal(
            loan_id=loan_id, channel=channel, category=ActionCategory.CONTACT,
            template=DEFAULT_TEMPLATES[channel], contact_point_id=_point_for(facts, channel),
        )  # fmt: skip
        decision = evaluate(proposal, facts, at=now, settings=DEFAULT_SETTINGS)
        hits = decision.blocked_by
        channels[channel.value] = "allowed" if not hits else "; ".join(h.reason for h in hits)
        if channel is Channel.CALL:
            blocked = [f"{h.reason} ({h.source})" for h in hits]
    start, end = facts.preferred_hours or CALL_HOURS
    zones = []
    for zone in sorted(facts.time_zones()):
        local = now.astimezone(ZoneInfo(zone))
        zones.append(ZoneTime(zone, local, start <= local.hour < end))
    day = now.astimezone(ZoneInfo(DEFAULT_SETTINGS.day_zone)).date()
    placed = sum(
        1
        for r in facts.history
        if r.is_call_attempt and day - timedelta(days=6) <= r.day(DEFAULT_SETTINGS.day_zone)
    )
    return CompliancePanel(
        may_call_now=channels[Channel.CALL.value] == "allowed",
        zones=zones,
        channels=channels,
        blocked_by=blocked,
        calls_left=max(0, CALLS_PER_WEEK - placed),
    )


def _point_for(facts: ContactFacts, channel: Channel) -> int | None:
    """The contact point a channel would use: a mobile first for calls, a personal email."""
    usable = [p for p in facts.contact_points if p.usable]
    if channel is Channel.SMS:
        usable = [p for p in usable if p.kind is ContactKind.MOBILE_PHONE]
    elif channel.uses_phone:
        usable = sorted((p for p in usable if p.kind.is_phone), key=lambda p: p.kind.value)
    elif channel is Channel.EMAIL:
        usable = sorted((p for p in usable if p.kind.is_email), key=lambda p: p.kind.value)
    else:
        return None
    return usable[0].id if usable else None


def verify_date_of_birth(
    ref: str,
    borrower_id: int,
    dob: date,
    *,
    viewer: str,
    uow_factory: Callable[[], WebUnitOfWork],
    clock: Clock,
) -> bool:
    """Whether a caller's date of birth matches the one on file (compared by blind index, so
    the date on file is never shown); every check is audited."""
    with uow_factory() as uow:
        loan_id = loan_id_of(uow, ref)
        loan = uow.web.loan_header(loan_id)
        assert loan is not None
        if borrower_id not in (loan["borrower_id"], loan["co_borrower_id"]):
            raise NotFoundError(f"no such borrower on account {ref!r}")
        matched = uow.sessions.dob_matches(borrower_id, dob.isoformat())
        uow.audit.record(
            at=clock.now(), actor=viewer, action="identity.dob_checked", entity_type="borrower",
            entity_id=str(borrower_id), details={"ref": ref, "matched": matched},
        )  # fmt: skip
        uow.commit()
    return matched


def loan_currency(ref: str, *, uow_factory: Callable[[], WebUnitOfWork]) -> str:
    with uow_factory() as uow:
        loan = uow.web.loan_header(loan_id_of(uow, ref))
    assert loan is not None
    return str(loan["currency"])


def borrower_view(
    ref: str, *, viewer: str, uow_factory: Callable[[], WebUnitOfWork], clock: Clock
) -> tuple[Party, list[str]]:
    """A borrower (masked) and the references of their loans; the view is audited."""
    with uow_factory() as uow:
        borrower_id = uow.accounts.borrower_id(ref)
        if borrower_id is None:
            raise NotFoundError(f"no borrower {ref!r}")
        found = uow.web.borrower(borrower_id)
        assert found is not None
        party = _party(found, "borrower")
        loans, _ = uow.web.loans_page(borrower_id=borrower_id, limit=1000, offset=0)
        uow.audit.record(
            at=clock.now(), actor=viewer, action="borrower.viewed", entity_type="borrower",
            entity_id=str(borrower_id), details={"ref": ref},
        )  # fmt: skip
        uow.commit(durable=False)  # a view (ADR 0014)
    return party, [str(loan["external_id"]) for loan in loans]
