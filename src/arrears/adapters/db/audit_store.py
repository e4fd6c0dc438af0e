"""The audit trail: append-only and hash-chained, so an edited or deleted entry is detectable.

Each entry's hash covers the previous entry's hash and its own content (SHA-256 over a
canonical JSON form); ``verify`` recomputes the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from arrears.adapters.db import schema

GENESIS = "0" * 64
_CHAIN_LOCK = 0x0A11D17  # advisory lock id serialising appends on PostgreSQL


def entry_hash(
    prev_hash: str,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    details: str,
) -> str:
    canonical = json.dumps(
        [prev_hash, at.isoformat(), actor, action, entity_type, entity_id, details],
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


class SqlAuditLog:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def record(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        entity_type: str,
        entity_id: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(text(f"SELECT pg_advisory_xact_lock({_CHAIN_LOCK})"))
        last = self.connection.execute(
            select(schema.audit_log.c.hash).order_by(schema.audit_log.c.id.desc()).limit(1)
        ).scalar_one_or_none()
        prev = last or GENESIS
        body = json.dumps(details or {}, sort_keys=True, separators=(",", ":"), default=str)
        digest = entry_hash(
            prev,
            at=at,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=body,
        )
        self.connection.execute(
            insert(schema.audit_log).values(
                at=at,
                actor=actor,
                action=action,
                entity_type=entity_type,
                entity_id=entity_id,
                details=body,
                prev_hash=prev,
                hash=digest,
            )
        )

    def verify(self) -> list[ChainBreak]:
        """Every place the chain does not hold (empty when the trail is intact). The trail is
        read as a stream, so memory does not grow with it."""
        breaks: list[ChainBreak] = []
        prev = GENESIS
        rows = self.connection.execute(
            select(schema.audit_log)
            .order_by(schema.audit_log.c.id)
            .execution_options(
                yield_per=10_000  # this statement only: the connection stays as it was
            )
        )
        for row in rows:
            if row.prev_hash != prev:
                breaks.append(ChainBreak(row.id, "does not follow the previous entry"))
            expected = entry_hash(
                row.prev_hash,
                at=row.at,
                actor=row.actor,
                action=row.action,
                entity_type=row.entity_type,
                entity_id=row.entity_id,
                details=row.details,
            )
            if expected != row.hash:
                breaks.append(ChainBreak(row.id, "content changed after it was written"))
            prev = row.hash
        return breaks

    def head(self) -> tuple[int, int, str]:
        """(entries, id of the newest, its hash); (0, 0, GENESIS) for an empty trail."""
        log = schema.audit_log
        count = int(self.connection.execute(select(func.count()).select_from(log)).scalar_one())
        last = self.connection.execute(
            select(log.c.id, log.c.hash).order_by(log.c.id.desc()).limit(1)
        ).one_or_none()
        return (count, int(last.id), str(last.hash)) if last else (0, 0, GENESIS)

    def hash_of(self, entry_id: int) -> str | None:
        log = schema.audit_log
        found = self.connection.execute(
            select(log.c.hash).where(log.c.id == entry_id)
        ).scalar_one_or_none()
        return None if found is None else str(found)
