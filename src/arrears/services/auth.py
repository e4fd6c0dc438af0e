"""Who is signed in: roles, staff passwords (argon2), server-side sessions with idle and absolute
expiry and a new id at every sign-in (no session fixation), login rate limits per account and
per address, and API tokens for systems. Secrets are stored as digests only."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from arrears.domain.clock import Clock
from arrears.errors import ArrearsError
from arrears.services.ports import SessionRecord, UserRecord, WebUnitOfWork


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    COMPLIANCE = "compliance"
    ADMIN = "admin"
    AGENCY = "agency"
    BORROWER = "borrower"


STAFF_ROLES = frozenset(Role) - {Role.BORROWER}


class AuthenticationFailed(ArrearsError):
    """The credentials did not match (the message never says which part was wrong)."""

    exit_code = 7


class TooManyAttempts(ArrearsError):
    """Too many failed attempts for this account or address: wait and try again."""

    exit_code = 8

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Principal:
    """Who makes a request: a staff user, a borrower in the portal, or a system's API token."""

    kind: str  # staff | borrower | token
    role: Role
    name: str
    display_name: str
    user_id: int | None = None
    borrower_id: int | None = None
    token_id: int | None = None
    queues: tuple[str, ...] = ()

    @property
    def actor(self) -> str:
        """How the audit trail names this principal."""
        if self.kind == "borrower":
            return f"borrower:{self.borrower_id}"
        return f"{'token' if self.kind == 'token' else 'user'}:{self.name}"


@dataclass(frozen=True)
class AuthSettings:
    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(hours=10)
    portal_idle: timedelta = timedelta(minutes=15)
    portal_max_age: timedelta = timedelta(hours=1)
    anonymous_max_age: timedelta = timedelta(hours=2)
    window: timedelta = timedelta(minutes=15)
    per_account: int = 5
    per_address: int = 20
    link_life: timedelta = timedelta(minutes=30)
    links_per_destination: int = 3


@dataclass(frozen=True)
class Session:
    """A session as the web layer sees it; ``token`` is set only when a new one was issued."""

    id_hash: str
    kind: str
    csrf_token: str
    language: str
    expires_at: datetime
    principal: Principal | None = None
    token: str | None = None


_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("an unknown user never matches")
_TOUCH_EVERY = timedelta(seconds=60)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class Auth:
    def __init__(
        self, *, uow_factory: Callable[[], WebUnitOfWork], clock: Clock, settings: AuthSettings
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.settings = settings

    # -- sessions -------------------------------------------------------------------------------

    def start_anonymous(self, *, language: str = "en") -> Session:
        """A session before sign-in: it only carries the CSRF token of the sign-in forms."""
        with self.uow_factory() as uow:
            session = self._issue(uow, kind="anonymous", language=language)
            uow.commit()
        return session

    def resolve(self, token: str | None) -> Session | None:
        """The live session for a cookie value, sliding its idle expiry; None if there is none."""
        if not token:
            return None
        now = self.clock.now()
        with self.uow_factory() as uow:
            record = uow.sessions.get(digest(token))
            if record is None or record.ended_at is not None:
                return None
            if now >= record.expires_at or now >= record.idle_until:
                uow.sessions.end(record.id_hash, at=now)
                uow.commit()
                return None
            principal = self._principal(uow, record)
            if record.kind != "anonymous" and principal is None:
                uow.sessions.end(record.id_hash, at=now)
                uow.commit()
                return None
            if now - record.last_seen_at >= _TOUCH_EVERY:
                borrower = record.kind == "borrower"
                idle = self.settings.portal_idle if borrower else self.settings.idle
                uow.sessions.touch(
                    record.id_hash, at=now, idle_until=min(now + idle, record.expires_at)
                )
                uow.commit()
        return Session(
            id_hash=record.id_hash,
            kind=record.kind,
            csrf_token=record.csrf_token,
            language=record.language,
            expires_at=record.expires_at,
            principal=principal,
        )

    def set_language(self, session: Session, language: str) -> None:
        with self.uow_factory() as uow:
            uow.sessions.set_language(session.id_hash, language)
            uow.commit()

    def logout(self, session: Session) -> None:
        with self.uow_factory() as uow:
            uow.sessions.end(session.id_hash, at=self.clock.now())
            if session.principal is not None:
                uow.audit.record(
                    at=self.clock.now(), actor=session.principal.actor, action="logout",
                    entity_type="session", entity_id=session.id_hash[:12],
                )  # fmt: skip
            uow.commit()

    def login(self, *, username: str, password: str, address: str, previous: str | None) -> Session:
        """Sign a staff user in: a brand-new session id, the previous session ended."""
        name = username.strip().lower()
        with self.uow_factory() as uow:
            self.check_rate(uow, scope="account", subject=name, limit=self.settings.per_account)
            self.check_rate(uow, scope="address", subject=address, limit=self.settings.per_address)
            user = uow.users.by_username(name)
            matched = verify_password(user.password_hash if user else _DUMMY_HASH, password)
            if user is None or not user.active or not matched:
                self.failed(uow, scopes={"account": name, "address": address}, action="login")
                raise AuthenticationFailed("the username or password is not right")
            self.succeeded(uow, scope="account", subject=name)
            if _HASHER.check_needs_rehash(user.password_hash):
                rehashed = hash_password(password)
                uow.users.update(user.id, at=self.clock.now(), password_hash=rehashed)
            uow.users.touch_login(user.id, at=self.clock.now())
            session = self.rotate(uow, previous=previous, kind="staff", user_id=user.id)
            uow.audit.record(
                at=self.clock.now(), actor=f"user:{user.username}", action="login",
                entity_type="user", entity_id=user.username, details={"address": address},
            )  # fmt: skip
            uow.commit()
        return session

    def rotate(
        self,
        uow: WebUnitOfWork,
        *,
        previous: str | None,
        kind: str,
        user_id: int | None = None,
        borrower_id: int | None = None,
        language: str | None = None,
    ) -> Session:
        """End the session the browser had (if any) and issue a new one for the signed-in user."""
        old = uow.sessions.get(digest(previous)) if previous else None
        if old is not None:
            uow.sessions.end(old.id_hash, at=self.clock.now())
        return self._issue(
            uow,
            kind=kind,
            user_id=user_id,
            borrower_id=borrower_id,
            language=language or (old.language if old else "en"),
        )

    def _issue(
        self,
        uow: WebUnitOfWork,
        *,
        kind: str,
        language: str,
        user_id: int | None = None,
        borrower_id: int | None = None,
    ) -> Session:
        now = self.clock.now()
        token = secrets.token_urlsafe(32)
        idle, life = {
            "staff": (self.settings.idle, self.settings.max_age),
            "borrower": (self.settings.portal_idle, self.settings.portal_max_age),
        }.get(kind, (self.settings.anonymous_max_age, self.settings.anonymous_max_age))
        record = SessionRecord(
            id_hash=digest(token),
            kind=kind,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            idle_until=now + min(idle, life),
            expires_at=now + life,
            user_id=user_id,
            borrower_id=borrower_id,
            language=language,
        )
        uow.sessions.add(record)
        if kind != "anonymous":
            uow.sessions.purge(before=now - timedelta(days=1))
        principal = self._principal(uow, record)
        return Session(
            id_hash=record.id_hash,
            kind=kind,
            csrf_token=record.csrf_token,
            language=language,
            expires_at=record.expires_at,
            principal=principal,
            token=token,
        )

    def _principal(self, uow: WebUnitOfWork, record: SessionRecord) -> Principal | None:
        if record.kind == "staff" and record.user_id is not None:
            user = uow.users.get(record.user_id)
            return staff_principal(user) if user and user.active else None
        if record.kind == "borrower" and record.borrower_id is not None:
            return Principal(
                kind="borrower",
                role=Role.BORROWER,
                name=f"borrower:{record.borrower_id}",
                display_name="",
                borrower_id=record.borrower_id,
            )
        return None

    # -- rate limits ----------------------------------------------------------------------------

    def check_rate(self, uow: WebUnitOfWork, *, scope: str, subject: str, limit: int) -> None:
        since = self.clock.now() - self.settings.window
        if uow.sessions.failures(scope=scope, subject=subject, since=since) >= limit:
            minutes = int(self.settings.window.total_seconds() // 60)
            raise TooManyAttempts(
                f"too many attempts: wait {minutes} minutes and try again",
                retry_after=int(self.settings.window.total_seconds()),
            )

    def failed(self, uow: WebUnitOfWork, *, scopes: dict[str, str], action: str) -> None:
        """Count a failed attempt in every scope and keep it in the audit trail, committed even
        though the caller then raises."""
        now = self.clock.now()
        for scope, subject in scopes.items():
            uow.sessions.record_attempt(scope=scope, subject=subject, at=now, succeeded=False)
        uow.audit.record(
            at=now, actor="anonymous", action=f"{action}.failed", entity_type="sign_in",
            entity_id=next(iter(scopes.values()))[:64], details={"scopes": sorted(scopes)},
        )  # fmt: skip
        uow.commit()

    def succeeded(self, uow: WebUnitOfWork, *, scope: str, subject: str) -> None:
        uow.sessions.record_attempt(
            scope=scope, subject=subject, at=self.clock.now(), succeeded=True
        )


def staff_principal(user: UserRecord) -> Principal:
    return Principal(
        kind="staff",
        role=Role(user.role),
        name=user.username,
        display_name=user.display_name,
        user_id=user.id,
        queues=user.queues,
    )
