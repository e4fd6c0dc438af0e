"""Signing in and the borrower portal: server-side sessions, login attempts (for rate limits),
one-time portal links, the lookups a borrower signs in with (date of birth compared by its blind
index, never read), and the portal's preferences, funnel events and card payments."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from arrears.adapters.db import schema
from arrears.adapters.db.prebuilt import Prebuilt
from arrears.adapters.db.schema_web import (
    card_payments,
    funnel_events,
    login_attempts,
    portal_links,
    portal_preferences,
    web_sessions,
)
from arrears.adapters.field_crypto import FieldCipher
from arrears.errors import ConflictError
from arrears.services.ports import CardPaymentRecord, PreferencesRecord, SessionRecord

_OPT_OUT_COLUMNS = {
    "call": ("call_opted_out_at", ("mobile_phone", "home_phone", "work_phone")),
    "sms": ("sms_opted_out_at", ("mobile_phone",)),
    "email": ("email_opted_out_at", ("personal_email", "work_email")),
}


_SESSION = Prebuilt(select(web_sessions).where(web_sessions.c.id_hash == bindparam("id_hash")))
"""Every signed-in page and form reads its session: built once."""


class SqlSessions:
    def __init__(self, connection: Connection, *, cipher: FieldCipher) -> None:
        self.connection = connection
        self.cipher = cipher

    # -- sessions -------------------------------------------------------------------------------

    def add(self, record: SessionRecord) -> None:
        self.connection.execute(
            insert(web_sessions).values(
                id_hash=record.id_hash,
                kind=record.kind,
                user_id=record.user_id,
                borrower_id=record.borrower_id,
                csrf_token=record.csrf_token,
                language=record.language,
                created_at=record.created_at,
                last_seen_at=record.last_seen_at,
                idle_until=record.idle_until,
                expires_at=record.expires_at,
            )
        )

    def get(self, id_hash: str) -> SessionRecord | None:
        row = _SESSION.one(self.connection, {"id_hash": id_hash})
        return _session(row) if row else None

    def touch(self, id_hash: str, *, at: datetime, idle_until: datetime) -> None:
        self.connection.execute(
            update(web_sessions)
            .where(web_sessions.c.id_hash == id_hash)
            .values(last_seen_at=at, idle_until=idle_until)
        )

    def set_language(self, id_hash: str, language: str) -> None:
        self.connection.execute(
            update(web_sessions).where(web_sessions.c.id_hash == id_hash).values(language=language)
        )

    def end(self, id_hash: str, *, at: datetime) -> None:
        self.connection.execute(
            update(web_sessions)
            .where(web_sessions.c.id_hash == id_hash, web_sessions.c.ended_at.is_(None))
            .values(ended_at=at)
        )

    def end_for_user(self, user_id: int, *, at: datetime) -> int:
        result = self.connection.execute(
            update(web_sessions)
            .where(web_sessions.c.user_id == user_id, web_sessions.c.ended_at.is_(None))
            .values(ended_at=at)
        )
        return result.rowcount

    def purge(self, *, before: datetime) -> int:
        """Forget sessions that ended or expired, and login attempts made, before ``before``
        (the rate limits look back minutes, not days)."""
        result = self.connection.execute(
            delete(web_sessions).where(
                or_(web_sessions.c.expires_at < before, web_sessions.c.ended_at < before)
            )
        )
        self.connection.execute(delete(login_attempts).where(login_attempts.c.at < before))
        return result.rowcount

    # -- login attempts -------------------------------------------------------------------------

    def record_attempt(self, *, scope: str, subject: str, at: datetime, succeeded: bool) -> None:
        self.connection.execute(
            insert(login_attempts).values(scope=scope, subject=subject, at=at, succeeded=succeeded)
        )

    def failures(self, *, scope: str, subject: str, since: datetime) -> int:
        """Failed attempts since ``since`` and after the last success."""
        mine = (login_attempts.c.scope == scope, login_attempts.c.subject == subject)
        last_ok = self.connection.execute(
            select(func.max(login_attempts.c.at)).where(*mine, login_attempts.c.succeeded)
        ).scalar_one_or_none()
        start = max(since, last_ok) if last_ok is not None else since
        count = self.connection.execute(
            select(func.count()).where(
                *mine, login_attempts.c.at > start, login_attempts.c.succeeded.is_(False)
            )
        ).scalar_one()
        return int(count)

    # -- one-time portal links ------------------------------------------------------------------

    def add_link(
        self,
        *,
        token_hash: str,
        borrower_id: int,
        channel: str,
        at: datetime,
        expires_at: datetime,
    ) -> None:
        self.connection.execute(
            insert(portal_links).values(
                token_hash=token_hash,
                borrower_id=borrower_id,
                channel=channel,
                created_at=at,
                expires_at=expires_at,
            )
        )

    def use_link(self, token_hash: str, *, at: datetime) -> int | None:
        """The link's borrower if it is unused and unexpired, marking it used (once only)."""
        result = self.connection.execute(
            update(portal_links)
            .where(
                portal_links.c.token_hash == token_hash,
                portal_links.c.used_at.is_(None),
                portal_links.c.expires_at > at,
            )
            .values(used_at=at)
        )
        if result.rowcount != 1:
            return None
        borrower = self.connection.execute(
            select(portal_links.c.borrower_id).where(portal_links.c.token_hash == token_hash)
        ).scalar_one()
        return int(borrower)

    # -- who is signing in ----------------------------------------------------------------------

    def borrower_for_sign_in(self, *, loan_ref: str, dob_iso: str, zip5: str) -> int | None:
        """The borrower (or co-borrower) of loan ``loan_ref`` born on ``dob_iso`` living in
        ZIP ``zip5``; the date of birth is compared through its blind index."""
        loans, borrowers = schema.loans, schema.borrowers
        loan = self.connection.execute(
            select(loans.c.borrower_id, loans.c.co_borrower_id).where(
                loans.c.external_id == loan_ref
            )
        ).one_or_none()
        if loan is None:
            return None
        candidates = [b for b in (loan.borrower_id, loan.co_borrower_id) if b is not None]
        found = self.connection.execute(
            select(borrowers.c.id, borrowers.c.zip).where(
                borrowers.c.id.in_(candidates),
                borrowers.c.dob_index == self.cipher.blind_index(dob_iso),
            )
        ).all()
        for row in found:
            if str(row.zip)[:5] == zip5:
                return int(row.id)
        return None

    def dob_matches(self, borrower_id: int, dob_iso: str) -> bool:
        """Whether the borrower's date of birth is ``dob_iso`` (by blind index)."""
        b = schema.borrowers
        index = self.connection.execute(
            select(b.c.dob_index).where(b.c.id == borrower_id)
        ).scalar_one_or_none()
        return index is not None and index == self.cipher.blind_index(dob_iso)

    def borrowers_reached_at(self, *, kinds: tuple[str, ...], value: str) -> list[int]:
        """Borrowers with an active contact point of one of ``kinds`` equal to ``value``."""
        points = schema.contact_points
        rows = self.connection.execute(
            select(points.c.borrower_id)
            .where(
                points.c.kind.in_(kinds),
                func.lower(points.c.value) == value.lower(),
                points.c.status == "active",
            )
            .distinct()
        ).scalars()
        return sorted(int(r) for r in rows)


class SqlPortalStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def preferences(self, borrower_id: int) -> PreferencesRecord:
        row = self.connection.execute(
            select(portal_preferences).where(portal_preferences.c.borrower_id == borrower_id)
        ).one_or_none()
        points = schema.contact_points
        opted_out = set()
        for channel, (column, kinds) in _OPT_OUT_COLUMNS.items():
            flags = self.connection.execute(
                select(points.c[column].is_not(None)).where(
                    points.c.borrower_id == borrower_id, points.c.kind.in_(kinds)
                )
            ).scalars().all()  # fmt: skip
            if flags and all(flags):
                opted_out.add(channel)
        language = row.language if row else self._borrower_language(borrower_id)
        return PreferencesRecord(
            borrower_id=borrower_id,
            language=language,
            preferred_start_hour=row.preferred_start_hour if row else None,
            preferred_end_hour=row.preferred_end_hour if row else None,
            opted_out=frozenset(opted_out),
        )

    def _borrower_language(self, borrower_id: int) -> str:
        b = schema.borrowers
        found = self.connection.execute(
            select(b.c.language).where(b.c.id == borrower_id)
        ).scalar_one_or_none()
        return str(found or "en")

    def save_preferences(
        self,
        borrower_id: int,
        *,
        language: str,
        start_hour: int | None,
        end_hour: int | None,
        opted_out: frozenset[str],
        at: datetime,
    ) -> None:
        values = {
            "language": language,
            "preferred_start_hour": start_hour,
            "preferred_end_hour": end_hour,
            "updated_at": at,
        }
        changed = self.connection.execute(
            update(portal_preferences)
            .where(portal_preferences.c.borrower_id == borrower_id)
            .values(**values)
        )
        if changed.rowcount == 0:
            self.connection.execute(
                insert(portal_preferences).values(borrower_id=borrower_id, **values)
            )
        points = schema.contact_points
        for channel, (column, kinds) in _OPT_OUT_COLUMNS.items():
            mine = (points.c.borrower_id == borrower_id, points.c.kind.in_(kinds))
            if channel in opted_out:
                self.connection.execute(
                    update(points).where(*mine, points.c[column].is_(None)).values({column: at})
                )
            else:
                self.connection.execute(update(points).where(*mine).values({column: None}))

    def record_event(
        self,
        *,
        borrower_id: int,
        loan_id: int | None,
        event: str,
        at: datetime,
        details: dict[str, Any],
    ) -> None:
        self.connection.execute(
            insert(funnel_events).values(
                borrower_id=borrower_id,
                loan_id=loan_id,
                event=event,
                at=at,
                details=json.dumps(details, sort_keys=True, default=str),
            )
        )

    def funnel_counts(self, *, since: datetime) -> dict[str, int]:
        rows = self.connection.execute(
            select(funnel_events.c.event, func.count(func.distinct(funnel_events.c.borrower_id)))
            .where(funnel_events.c.at >= since)
            .group_by(funnel_events.c.event)
        ).all()
        return {str(event): int(count) for event, count in rows}

    def card_payment(self, *, gateway: str, idempotency_key: str) -> CardPaymentRecord | None:
        row = self.connection.execute(
            select(card_payments).where(
                card_payments.c.gateway == gateway,
                card_payments.c.idempotency_key == idempotency_key,
            )
        ).one_or_none()
        if row is None:
            return None
        return CardPaymentRecord(**dict(row._mapping))

    def add_card_payment(self, record: CardPaymentRecord) -> int:
        """Postings take turns per loan only, so a key reused on another loan at the same moment
        meets the unique key here: a conflict, not a database error."""
        values = {k: v for k, v in record.__dict__.items() if k != "id"}
        try:
            result = self.connection.execute(
                insert(card_payments).values(**values).returning(card_payments.c.id)
            )
        except IntegrityError:
            raise ConflictError(
                f"idempotency key {record.idempotency_key!r} is already used for another payment"
            ) from None
        return int(result.scalar_one())

    def add_payment(
        self,
        *,
        loan_id: int,
        external_id: str,
        amount_minor: int,
        effective_date: date,
        method: str,
        source: str,
        at: datetime,
    ) -> int:
        """A payment id reported for two loans at the same moment (postings take turns per loan
        only) meets the unique key here: a conflict, not a database error."""
        row = insert(schema.payments).values(
            external_id=external_id, loan_id=loan_id, amount_minor=amount_minor,
            effective_date=effective_date, method=method, status="posted",
            return_reason="", source=source, received_at=at,
        )  # fmt: skip
        try:
            result = self.connection.execute(row.returning(schema.payments.c.id))
        except IntegrityError:
            raise ConflictError(
                f"payment {external_id!r} is already on file with another account, amount or "
                "date; payments cannot be changed"
            ) from None
        return int(result.scalar_one())

    def payment_by_external_id(self, external_id: str) -> dict[str, Any] | None:
        payments = schema.payments
        row = self.connection.execute(
            select(payments).where(payments.c.external_id == external_id)
        ).one_or_none()
        return dict(row._mapping) if row else None


def _session(row: Mapping[str, Any]) -> SessionRecord:
    return SessionRecord(
        id_hash=row["id_hash"],
        kind=row["kind"],
        csrf_token=row["csrf_token"],
        created_at=row["created_at"],
        last_seen_at=row["last_seen_at"],
        idle_until=row["idle_until"],
        expires_at=row["expires_at"],
        user_id=row["user_id"],
        borrower_id=row["borrower_id"],
        language=row["language"],
        ended_at=row["ended_at"],
    )
