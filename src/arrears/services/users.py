"""Who may use arrears: staff users (with their role) and the API tokens of systems.

Passwords are hashed with argon2; a token is shown once when issued and stored as its SHA-256
digest. Every change is in the audit trail.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from arrears.domain.clock import Clock
from arrears.errors import ConflictError, NotFoundError, Problem, ValidationFailed
from arrears.services.auth import STAFF_ROLES, Principal, Role, digest, hash_password
from arrears.services.ports import TokenRecord, UserRecord, WebUnitOfWork
from arrears.services.recent_tokens import RECENT_TOKENS, RecentTokens

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12
QUEUES = frozenset({"early", "mid", "late", "recovery"})
TOKEN_PREFIX = "arr_"  # noqa: S105 (a prefix, not a secret)

UowFactory = Callable[[], WebUnitOfWork]


def _problems(
    *, username: str | None, role: str | None, password: str | None, queues: tuple[str, ...]
) -> list[Problem]:
    found = []
    if username is not None and not USERNAME.match(username):
        found.append(
            Problem("user", 0, "username", username, "use 2–64 lowercase letters, digits, . _ -")
        )
    if role is not None and role not in STAFF_ROLES:
        roles = ", ".join(sorted(STAFF_ROLES))
        found.append(Problem("user", 0, "role", role, f"a staff role is one of {roles}"))
    if password is not None and len(password) < MIN_PASSWORD:
        found.append(Problem("user", 0, "password", "", f"use at least {MIN_PASSWORD} characters"))
    found += [
        Problem("user", 0, "queues", q, f"a queue is one of {', '.join(sorted(QUEUES))}")
        for q in queues
        if q not in QUEUES
    ]
    return found


def create_user(
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    by: str,
    uow_factory: UowFactory,
    clock: Clock,
    queues: tuple[str, ...] = (),
) -> int:
    name = username.strip().lower()
    problems = _problems(username=name, role=role, password=password, queues=queues)
    if problems:
        raise ValidationFailed(problems)
    with uow_factory() as uow:
        if uow.users.by_username(name) is not None:
            raise ConflictError(f"there is already a user {name!r}")
        user_id = uow.users.add(
            username=name,
            display_name=display_name.strip() or name,
            role=role,
            password_hash=hash_password(password),
            queues=queues,
            at=clock.now(),
        )
        uow.audit.record(
            at=clock.now(), actor=by, action="user.created", entity_type="user", entity_id=name,
            details={"role": role, "queues": list(queues)},
        )  # fmt: skip
        uow.commit()
    return user_id


def set_password(
    username: str, password: str, *, by: str, uow_factory: UowFactory, clock: Clock
) -> None:
    """A new password; every session of the user ends."""
    problems = _problems(username=None, role=None, password=password, queues=())
    if problems:
        raise ValidationFailed(problems)
    with uow_factory() as uow:
        user = _user(uow, username)
        uow.users.update(user.id, at=clock.now(), password_hash=hash_password(password))
        uow.sessions.end_for_user(user.id, at=clock.now())
        uow.audit.record(
            at=clock.now(), actor=by, action="user.password_set", entity_type="user",
            entity_id=user.username,
        )  # fmt: skip
        uow.commit()


def set_active(
    username: str, active: bool, *, by: str, uow_factory: UowFactory, clock: Clock
) -> None:
    """Disable (ending every session) or enable a user."""
    with uow_factory() as uow:
        user = _user(uow, username)
        uow.users.update(user.id, at=clock.now(), active=active)
        if not active:
            uow.sessions.end_for_user(user.id, at=clock.now())
        uow.audit.record(
            at=clock.now(), actor=by, action="user.enabled" if active else "user.disabled",
            entity_type="user", entity_id=user.username,
        )  # fmt: skip
        uow.commit()


def ensure_user(
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    by: str,
    uow_factory: UowFactory,
    clock: Clock,
) -> None:
    """Create the user, or give an existing one this role and password (demo set-up)."""
    with uow_factory() as uow:
        existing = uow.users.by_username(username)
    if existing is None:
        create_user(
            username=username, display_name=display_name, role=role, password=password, by=by,
            uow_factory=uow_factory, clock=clock,
        )  # fmt: skip
        return
    set_password(username, password, by=by, uow_factory=uow_factory, clock=clock)
    with uow_factory() as uow:
        uow.users.update(existing.id, at=clock.now(), role=role, active=True)
        uow.commit()


def list_users(*, uow_factory: UowFactory) -> list[UserRecord]:
    with uow_factory() as uow:
        return uow.users.all()


def _user(uow: WebUnitOfWork, username: str) -> UserRecord:
    user = uow.users.by_username(username.strip().lower())
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    return user


# -- API tokens ---------------------------------------------------------------------------------


def issue_token(
    *,
    name: str,
    role: str,
    by: str,
    uow_factory: UowFactory,
    clock: Clock,
    days: int | None = None,
) -> tuple[int, str]:
    """A new token for a system; returns (id, the token). The token is never shown again."""
    problems = _problems(username=None, role=role, password=None, queues=())
    if not name.strip():
        problems.append(Problem("token", 0, "name", "", "name the system that uses the token"))
    if problems:
        raise ValidationFailed(problems)
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    now = clock.now()
    with uow_factory() as uow:
        token_id = uow.users.add_token(
            name=name.strip(), prefix=prefix, token_hash=digest(token), role=role, created_by=by,
            at=now, expires_at=now + timedelta(days=days) if days else None,
        )  # fmt: skip
        uow.audit.record(
            at=now, actor=by, action="token.issued", entity_type="api_token",
            entity_id=str(token_id), details={"name": name.strip(), "role": role},
        )  # fmt: skip
        uow.commit()
    return token_id, token


def token_principal(
    token: str, *, uow_factory: UowFactory, clock: Clock, recent: RecentTokens = RECENT_TOKENS
) -> Principal | None:
    """The system a bearer token belongs to, if the token is known, unrevoked and unexpired."""
    found = recent_token_principal(token, clock=clock, recent=recent)
    if found is not None or not token.startswith(TOKEN_PREFIX):
        return found
    now = clock.now()
    token_digest = digest(token)
    with uow_factory() as uow:
        record = uow.users.token_by_hash(token_digest)
        if record is None or not _usable(record, now):
            return None
        if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
            uow.users.touch_token(record.id, at=now)
            uow.commit()
    recent.keep(token_digest, record)
    return _token_principal(record)


def recent_token_principal(
    token: str, *, clock: Clock, recent: RecentTokens = RECENT_TOKENS
) -> Principal | None:
    """The principal of a token read in the last second and still usable, without reading the
    database (``services.recent_tokens``); None otherwise."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = recent.get(digest(token))
    if record is None or not _usable(record, clock.now()):
        return None
    return _token_principal(record)


def _token_principal(record: TokenRecord) -> Principal:
    return Principal(
        kind="token",
        role=Role(record.role),
        name=record.name,
        display_name=record.name,
        token_id=record.id,
    )


def _usable(record: TokenRecord, now: datetime) -> bool:
    if record.revoked_at is not None:
        return False
    return record.expires_at is None or now < record.expires_at


def revoke_token(token_id: int, *, by: str, uow_factory: UowFactory, clock: Clock) -> None:
    with uow_factory() as uow:
        if not uow.users.revoke_token(token_id, at=clock.now()):
            raise NotFoundError(f"no live token {token_id}")
        uow.audit.record(
            at=clock.now(), actor=by, action="token.revoked", entity_type="api_token",
            entity_id=str(token_id),
        )  # fmt: skip
        uow.commit()
    RECENT_TOKENS.forget(token_id)


def list_tokens(*, uow_factory: UowFactory) -> list[TokenRecord]:
    with uow_factory() as uow:
        return uow.users.tokens()
