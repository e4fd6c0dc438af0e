"""One account as people see it: what is owed by component (from the ledger), the schedule,
payments, delinquency and DOFD, holds, the cycle's decisions with their reasons, collateral,
who is working it, and whether the borrower may be contacted now (the compliance panel).

Viewing an account shows personal data, so every view is written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from arrears.batch.delinquency import delinquency
from arrears.batch.installments import installments_for
from arrears.batch.items import due_items
from arrears.domain.borrowers import mask_ssn
from arrears.domain.clock import Clock
from arrears.domain.holds import ActionCategory, Hold, blocking_holds
from arrears.domain.money import Money
from arrears.errors import NotFoundError
from arrears.services.cycle import CycleSettings
from arrears.services.ports import LockRecord, WebUnitOfWork

COMPONENTS = ("principal", "interest", "fees", "penalties", "costs")
#: Reg F presumes calls before 8 a.m. or after 9 p.m. local time inconvenient.
CALL_HOURS = (8, 21)
CALL_HOURS_SOURCE = "12 CFR 1006.6(b)(1)(i)"


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
    contact_points: list[dict[str, Any]]


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
    note: str = ""
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
    schedule: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    holds: list[tuple[Hold, bool]]
    decisions: list[dict[str, Any]]
    collateral: list[dict[str, Any]]
    lock: LockRecord | None
    compliance: CompliancePanel
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return str(self.loan["currency"])

    @property
    def borrower_id(self) -> int:
        return int(self.loan["borrower_id"])


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
) -> AccountView:
    """Everything about account ``ref`` as of today; the view is audited."""
    today, now = clock.today(), clock.now()
    with uow_factory() as uow:
        loan_id = loan_id_of(uow, ref)
        loan = uow.web.loan_header(loan_id)
        assert loan is not None
        parties = [
            _party(uow, loan[column], relation)
            for column, relation in (("borrower_id", "borrower"), ("co_borrower_id", "co-borrower"))
            if loan[column] is not None
        ]
        holds = uow.holds.for_loan(loan_id)
        lock = uow.web.lock(loan_id)
        preferences = uow.portal.preferences(int(loan["borrower_id"]))
        view = AccountView(
            loan_id=loan_id,
            ref=ref,
            loan=loan,
            as_of=today,
            parties=parties,
            itemization=itemize(uow.web.ledger_balances(loan_id), loan["currency"]),
            delinquency=delinquency_of(uow, [loan_id], today, settings)[loan_id],
            schedule=[],
            payments=uow.web.payment_history(loan_id),
            holds=[(hold, hold.active_on(today)) for hold in holds],
            decisions=uow.cycle.decisions_for(loan_id, limit=10),
            collateral=uow.web.collateral(loan_id),
            lock=lock if lock is not None and lock.expires_at > now else None,
            compliance=compliance_panel(
                parties[0] if parties else None,
                holds,
                now=now,
                today=today,
                hours=(preferences.preferred_start_hour, preferences.preferred_end_hour),
            ),
        )
        view.schedule.extend(_schedule(uow, loan_id, view.delinquency, today, loan["currency"]))
        uow.audit.record(
            at=now, actor=viewer, action="account.viewed", entity_type="loan",
            entity_id=str(loan_id), details={"ref": ref},
        )  # fmt: skip
        uow.commit()
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


def _schedule(
    uow: WebUnitOfWork, loan_id: int, state: Delinquency, today: date, currency: str
) -> list[dict[str, Any]]:
    frame = installments_for(uow.reads.loans([loan_id]), uow.reads.stored_installments([loan_id]))
    rows = []
    for row in frame.with_columns(
        (pl.col("principal_minor") + pl.col("interest_minor") + pl.col("fees_minor")).alias("t")
    ).iter_rows(named=True):
        due: date = row["due_date"]
        if due > today:
            status = "upcoming"
        elif state.oldest_unpaid is None or due < state.oldest_unpaid:
            status = "paid"
        else:
            status = "due today" if due == today else "past due"
        rows.append(
            {
                "seq": row["seq"],
                "due_date": due,
                "principal": Money(row["principal_minor"], currency),
                "interest": Money(row["interest_minor"], currency),
                "fees": Money(row["fees_minor"], currency),
                "total": Money(row["t"], currency),
                "status": status,
            }
        )
    return rows


def _party(uow: WebUnitOfWork, borrower_id: int, relation: str) -> Party:
    found = uow.web.borrower(borrower_id)
    assert found is not None
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
    party: Party | None,
    holds: Iterable[Hold],
    *,
    now: datetime,
    today: date,
    hours: tuple[int | None, int | None] = (None, None),
) -> CompliancePanel:
    """May the borrower be called now, in every time zone they may be in, and by which channel.

    Calls are allowed only when it is between 8 a.m. and 9 p.m. (or inside the borrower's own
    preferred hours) in *every* zone, and no hold blocks contact.
    """
    blocked = blocking_holds(list(holds), ActionCategory.CONTACT, today)
    reasons = [f"{b.hold.kind.value} hold: {b.reason} ({b.source})" for b in blocked]
    if party is None:
        return CompliancePanel(False, [], {}, reasons or ["no borrower on file"], None)
    start, end = hours[0] if hours[0] is not None else CALL_HOURS[0], hours[1] or CALL_HOURS[1]
    zones = sorted(_zones(party))
    times = []
    for zone in zones:
        local = now.astimezone(ZoneInfo(zone))
        times.append(ZoneTime(zone, local, start <= local.hour < end))
    channels = _channels(party.contact_points, held=bool(blocked))
    may_call = bool(times) and all(t.allowed for t in times) and channels["call"] == "allowed"
    return CompliancePanel(
        may_call_now=may_call,
        zones=times,
        channels=channels,
        blocked_by=reasons,
        calls_left=None,
        note="calls in the 7-day window are counted once contacts are logged",
    )


def _zones(party: Party) -> set[str]:
    zones = {party.time_zone} if party.time_zone else set()
    for point in party.contact_points:
        if point["status"] == "active" and str(point["kind"]).endswith("_phone"):
            zones.update(z for z in str(point["time_zones"] or "").split(",") if z)
    return zones


def _channels(points: list[dict[str, Any]], *, held: bool) -> dict[str, str]:
    active = [p for p in points if p["status"] == "active"]
    phones = [p for p in active if str(p["kind"]).endswith("_phone")]
    mobiles = [p for p in phones if p["kind"] == "mobile_phone"]
    emails = [p for p in active if str(p["kind"]).endswith("_email")]
    found = {
        "call": _first_reason(phones, "call_opted_out_at", "no phone on file"),
        "sms": _sms(mobiles),
        "email": _first_reason(emails, "email_opted_out_at", "no email on file"),
        "letter": "allowed",
    }
    if held:
        return dict.fromkeys(found, "a hold stops contact")
    return found


def _first_reason(points: list[dict[str, Any]], opted_out: str, missing: str) -> str:
    if not points:
        return missing
    if all(p[opted_out] is not None for p in points):
        return "opted out"
    return "allowed"


def _sms(mobiles: list[dict[str, Any]]) -> str:
    if not mobiles:
        return "no mobile on file"
    usable = [p for p in mobiles if p["sms_opted_out_at"] is None]
    if not usable:
        return "opted out"
    if not any(p["sms_consent_at"] is not None for p in usable):
        return "no consent to texts (47 U.S.C. 227)"
    return "allowed"


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
        party = _party(uow, borrower_id, "borrower")
        loans, _ = uow.web.loans_page(borrower_id=borrower_id, limit=1000, offset=0)
        uow.audit.record(
            at=clock.now(), actor=viewer, action="borrower.viewed", entity_type="borrower",
            entity_id=str(borrower_id), details={"ref": ref},
        )  # fmt: skip
        uow.commit()
    return party, [str(loan["external_id"]) for loan in loans]
