"""Staff users and the API tokens of systems, as stored (hashes only, never the secrets)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from arrears.adapters.db.prebuilt import Prebuilt
from arrears.adapters.db.schema_web import api_tokens, users
from arrears.services.ports import TokenRecord, UserRecord

_USER = Prebuilt(select(users).where(users.c.id == bindparam("id")))
"""Every signed-in staff page reads its user: built once."""


class SqlUsers:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- users ----------------------------------------------------------------------------------

    def add(
        self,
        *,
        username: str,
        display_name: str,
        role: str,
        password_hash: str,
        queues: tuple[str, ...],
        at: datetime,
    ) -> int:
        result = self.connection.execute(
            insert(users)
            .values(
                username=username,
                display_name=display_name,
                role=role,
                password_hash=password_hash,
                active=True,
                queues=",".join(queues),
                created_at=at,
                updated_at=at,
            )
            .returning(users.c.id)
        )
        return int(result.scalar_one())

    def by_username(self, username: str) -> UserRecord | None:
        row = self.connection.execute(
            select(users).where(users.c.username == username)
        ).one_or_none()
        return _user(row._mapping) if row else None

    def get(self, user_id: int) -> UserRecord | None:
        row = _USER.one(self.connection, {"id": user_id})
        return _user(row) if row else None

    def all(self) -> list[UserRecord]:
        rows = self.connection.execute(select(users).order_by(users.c.username)).all()
        return [_user(r._mapping) for r in rows]

    def update(
        self,
        user_id: int,
        *,
        at: datetime,
        password_hash: str | None = None,
        active: bool | None = None,
        role: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"updated_at": at}
        if password_hash is not None:
            values["password_hash"] = password_hash
        if active is not None:
            values["active"] = active
        if role is not None:
            values["role"] = role
        self.connection.execute(update(users).where(users.c.id == user_id).values(**values))

    def touch_login(self, user_id: int, *, at: datetime) -> None:
        self.connection.execute(update(users).where(users.c.id == user_id).values(last_login_at=at))

    # -- API tokens -----------------------------------------------------------------------------

    def add_token(
        self,
        *,
        name: str,
        prefix: str,
        token_hash: str,
        role: str,
        created_by: str,
        at: datetime,
        expires_at: datetime | None,
    ) -> int:
        result = self.connection.execute(
            insert(api_tokens)
            .values(
                name=name,
                prefix=prefix,
                token_hash=token_hash,
                role=role,
                created_by=created_by,
                created_at=at,
                expires_at=expires_at,
            )
            .returning(api_tokens.c.id)
        )
        return int(result.scalar_one())

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        row = self.connection.execute(
            select(api_tokens).where(api_tokens.c.token_hash == token_hash)
        ).one_or_none()
        return _token(row) if row else None

    def tokens(self) -> list[TokenRecord]:
        rows = self.connection.execute(select(api_tokens).order_by(api_tokens.c.id)).all()
        return [_token(r) for r in rows]

    def revoke_token(self, token_id: int, *, at: datetime) -> bool:
        result = self.connection.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return result.rowcount > 0

    def touch_token(self, token_id: int, *, at: datetime) -> None:
        self.connection.execute(
            update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=at)
        )


def _user(row: Mapping[Any, Any]) -> UserRecord:
    return UserRecord(
        id=int(row["id"]),
        username=row["username"],
        display_name=row["display_name"],
        role=row["role"],
        password_hash=row["password_hash"],
        active=bool(row["active"]),
        queues=tuple(q for q in row["queues"].split(",") if q),
        last_login_at=row["last_login_at"],
    )


def _token(row: Row[Any]) -> TokenRecord:
    return TokenRecord(
        id=int(row.id),
        name=row.name,
        prefix=row.prefix,
        role=row.role,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )
