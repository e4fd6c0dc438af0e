"""The borrower portal: signing in (account reference + date of birth + ZIP, or a one-time link
sent to a known email or phone), the borrower's own accounts and nothing else, disputes,
hardship, communication preferences, and the funnel events analytics counts.

Sign-in failures never say which detail was wrong, and asking for a link never says whether the
address is known (no account enumeration). Both are rate-limited.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from arrears.domain import geo
from arrears.domain.clock import Clock
from arrears.domain.contacts import is_email
from arrears.domain.holds import HoldKind
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services.account_view import AccountView, account_view, delinquency_of, itemize
from arrears.services.auth import Auth, AuthenticationFailed, Session, digest
from arrears.services.cycle import CycleSettings
from arrears.services.holds import HoldRequest, place_hold
from arrears.services.ports import PreferencesRecord, WebUnitOfWork

UowFactory = Callable[[], WebUnitOfWork]
HARDSHIP_DAYS = 30
CHANNELS = ("call", "sms", "email")
FUNNEL = frozenset(
    {
        "visit", "sign_in", "offer_viewed", "plan_chosen", "payment_started", "payment_made",
        "payment_declined", "dispute_opened", "hardship_reported", "preferences_saved",
        "offer_accepted",
    }
)  # fmt: skip
log = logging.getLogger("arrears.portal")


@dataclass(frozen=True)
class LinkMessage:
    borrower_id: int
    channel: str  # email | sms
    to: str
    url: str
    language: str


LinkSender = Callable[[LinkMessage], None]


def logged_link_sender(message: LinkMessage) -> None:
    """Demo mode only: the link goes to the console instead of a channel."""
    log.warning(
        "demo mode: portal sign-in link for borrower %s: %s", message.borrower_id, message.url
    )


def undelivered_link(message: LinkMessage) -> None:
    log.warning(
        "no channel delivers portal sign-in links yet; a %s link was not sent", message.channel
    )


def sign_in_with_reference(
    *, reference: str, dob: date, zip_code: str, address: str, previous: str | None, auth: Auth
) -> Session:
    ref = reference.strip()
    limits = auth.settings
    with auth.uow_factory() as uow:
        auth.check_rate(uow, scope="reference", subject=ref.upper(), limit=limits.per_account)
        auth.check_rate(uow, scope="address", subject=address, limit=limits.per_address)
        borrower_id = uow.sessions.borrower_for_sign_in(
            loan_ref=ref, dob_iso=dob.isoformat(), zip5=zip_code.strip()[:5]
        )
        if borrower_id is None:
            auth.failed(uow, scopes={"reference": ref.upper(), "address": address}, action="portal")
            raise AuthenticationFailed("we could not find an account with those details")
        auth.succeeded(uow, scope="reference", subject=ref.upper())
        return _start(uow, auth, borrower_id=borrower_id, previous=previous, how="reference")


def _start(
    uow: WebUnitOfWork, auth: Auth, *, borrower_id: int, previous: str | None, how: str
) -> Session:
    language = uow.portal.preferences(borrower_id).language
    session = auth.rotate(
        uow, previous=previous, kind="borrower", borrower_id=borrower_id, language=language
    )
    now = auth.clock.now()
    uow.audit.record(
        at=now, actor=f"borrower:{borrower_id}", action="portal.signed_in",
        entity_type="borrower", entity_id=str(borrower_id), details={"by": how},
    )  # fmt: skip
    uow.portal.record_event(
        borrower_id=borrower_id, loan_id=None, event="sign_in", at=now, details={"by": how}
    )
    uow.commit()
    return session


def request_link(
    destination: str, *, address: str, base_url: str, sender: LinkSender, auth: Auth
) -> None:
    """Send a one-time sign-in link to every borrower reachable at ``destination``. Says nothing
    about whether anyone was found."""
    value, channel, kinds = _destination(destination)
    limits = auth.settings
    with auth.uow_factory() as uow:
        auth.check_rate(uow, scope="link", subject=value, limit=limits.links_per_destination)
        auth.check_rate(uow, scope="address", subject=address, limit=limits.per_address)
        now = auth.clock.now()
        uow.sessions.record_attempt(scope="link", subject=value, at=now, succeeded=False)
        messages = []
        for borrower_id in uow.sessions.borrowers_reached_at(kinds=kinds, value=value):
            token = secrets.token_urlsafe(32)
            uow.sessions.add_link(
                token_hash=digest(token), borrower_id=borrower_id, channel=channel, at=now,
                expires_at=now + limits.link_life,
            )  # fmt: skip
            uow.audit.record(
                at=now, actor="anonymous", action="portal.link_sent", entity_type="borrower",
                entity_id=str(borrower_id), details={"channel": channel},
            )  # fmt: skip
            language = uow.portal.preferences(borrower_id).language
            url = f"{base_url.rstrip('/')}/portal/link/{token}"
            messages.append(LinkMessage(borrower_id, channel, value, url, language))
        uow.commit()
    for message in messages:
        sender(message)


def _destination(text: str) -> tuple[str, str, tuple[str, ...]]:
    value = text.strip()
    if is_email(value):
        return value.lower(), "email", ("personal_email", "work_email")
    if geo.is_us_phone(value):
        return geo.format_e164(value), "sms", ("mobile_phone",)
    raise RuleViolation("enter an email address or a mobile phone number", rule="portal.link")


def redeem_link(token: str, *, previous: str | None, auth: Auth) -> Session:
    with auth.uow_factory() as uow:
        borrower_id = uow.sessions.use_link(digest(token), at=auth.clock.now())
        if borrower_id is None:
            raise AuthenticationFailed("this link has expired or was already used")
        return _start(uow, auth, borrower_id=borrower_id, previous=previous, how="link")


def owned_loan_id(uow: WebUnitOfWork, borrower_id: int, ref: str) -> int:
    """The loan ``ref`` if this borrower owes it; otherwise it does not exist for them."""
    loan_id = uow.accounts.loan_id(ref)
    loan = uow.web.loan_header(loan_id) if loan_id is not None else None
    if loan is None or borrower_id not in (loan["borrower_id"], loan["co_borrower_id"]):
        raise NotFoundError(f"no account {ref!r}")
    assert loan_id is not None
    return loan_id


def my_accounts(
    borrower_id: int, *, uow_factory: UowFactory, clock: Clock, settings: CycleSettings
) -> list[dict[str, Any]]:
    with uow_factory() as uow:
        loans, _ = uow.web.loans_page(borrower_id=borrower_id, limit=100, offset=0)
        ids = [int(loan["id"]) for loan in loans]
        states = delinquency_of(uow, ids, clock.today(), settings) if ids else {}
        for loan in loans:
            loan["owed"] = itemize(uow.web.ledger_balances(loan["id"]), loan["currency"]).total
            loan["delinquency"] = states[loan["id"]]
    return loans


def portal_view(
    borrower_id: int, ref: str, *, uow_factory: UowFactory, clock: Clock, settings: CycleSettings,
    brief: bool = False,
) -> AccountView:  # fmt: skip
    """The borrower's own account as they see it; any other does not exist for them."""
    return account_view(
        ref, viewer=f"borrower:{borrower_id}", uow_factory=uow_factory, clock=clock,
        settings=settings, brief=brief, borrower=borrower_id,
    )  # fmt: skip


def open_dispute(
    borrower_id: int, ref: str, reason: str, *, uow_factory: UowFactory, clock: Clock
) -> int:
    """The borrower disputes the debt: a dispute hold stops collection until it is verified."""
    return _hold(
        borrower_id, ref, reason, kind=HoldKind.DISPUTE, ends_on=None, uow_factory=uow_factory,
        clock=clock,
    )  # fmt: skip


def report_hardship(
    borrower_id: int, ref: str, reason: str, *, uow_factory: UowFactory, clock: Clock
) -> int:
    """Collection pauses for ``HARDSHIP_DAYS`` days while the lender reviews the hardship."""
    ends = clock.today() + timedelta(days=HARDSHIP_DAYS)
    return _hold(
        borrower_id, ref, reason, kind=HoldKind.HARDSHIP, ends_on=ends, uow_factory=uow_factory,
        clock=clock,
    )  # fmt: skip


def _hold(
    borrower_id: int,
    ref: str,
    reason: str,
    *,
    kind: HoldKind,
    ends_on: date | None,
    uow_factory: UowFactory,
    clock: Clock,
) -> int:
    if not reason.strip():
        raise RuleViolation("tell us in a few words why", rule="portal.reason")
    with uow_factory() as uow:
        loan_id = owned_loan_id(uow, borrower_id, ref)
        for hold in uow.holds.for_loan(loan_id):
            if hold.kind is kind and hold.active_on(clock.today()):
                raise ConflictError(f"already in place since {hold.starts_on.isoformat()}")
    hold_id = place_hold(
        HoldRequest(
            kind=kind, reason=reason.strip(), set_by=f"borrower:{borrower_id}", loan=ref,
            ends_on=ends_on,
        ),
        uow_factory=uow_factory,
        clock=clock,
    )  # fmt: skip
    event = "dispute_opened" if kind is HoldKind.DISPUTE else "hardship_reported"
    record_event(
        borrower_id, ref, event, {"hold_id": hold_id}, uow_factory=uow_factory, clock=clock
    )
    return hold_id


def preferences(borrower_id: int, *, uow_factory: UowFactory) -> PreferencesRecord:
    with uow_factory() as uow:
        return uow.portal.preferences(borrower_id)


def save_preferences(
    borrower_id: int,
    *,
    language: str,
    start_hour: int | None,
    end_hour: int | None,
    opted_out: frozenset[str],
    uow_factory: UowFactory,
    clock: Clock,
) -> None:
    """Language, preferred hours (Reg F 1006.6(b)(1)) and channels opted out of (1006.6(e))."""
    if language not in ("en", "es"):
        raise RuleViolation("the language is English or Spanish", rule="portal.language")
    if (start_hour is None) != (end_hour is None) or (
        start_hour is not None and end_hour is not None and not 0 <= start_hour < end_hour <= 24
    ):
        raise RuleViolation("choose a start hour before the end hour", rule="portal.hours")
    unknown = opted_out - set(CHANNELS)
    if unknown:
        raise RuleViolation(f"unknown channel {sorted(unknown)[0]!r}", rule="portal.channels")
    now = clock.now()
    with uow_factory() as uow:
        uow.portal.save_preferences(
            borrower_id, language=language, start_hour=start_hour, end_hour=end_hour,
            opted_out=opted_out, at=now,
        )  # fmt: skip
        uow.audit.record(
            at=now, actor=f"borrower:{borrower_id}", action="portal.preferences_saved",
            entity_type="borrower", entity_id=str(borrower_id),
            details={"language": language, "hours": [start_hour, end_hour],
                     "opted_out": sorted(opted_out)},
        )  # fmt: skip
        uow.portal.record_event(
            borrower_id=borrower_id, loan_id=None, event="preferences_saved", at=now, details={}
        )
        uow.commit()


def record_event(
    borrower_id: int,
    ref: str | None,
    event: str,
    details: dict[str, Any],
    *,
    uow_factory: UowFactory,
    clock: Clock,
) -> None:
    if event not in FUNNEL:
        raise ValueError(f"unknown funnel event {event!r}")
    with uow_factory() as uow:
        loan_id = owned_loan_id(uow, borrower_id, ref) if ref else None
        uow.portal.record_event(
            borrower_id=borrower_id, loan_id=loan_id, event=event, at=clock.now(), details=details
        )
        uow.commit()


def require_owner(borrower_id: int, ref: str, *, uow_factory: UowFactory) -> int:
    """Refuse (as not found) any account that is not this borrower's."""
    with uow_factory() as uow:
        return owned_loan_id(uow, borrower_id, ref)
