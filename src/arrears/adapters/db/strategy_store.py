"""Activated strategies: every activation is kept; the newest one is the one in force."""

from __future__ import annotations

import json

from sqlalchemy import Connection, insert, select

from arrears.adapters.db.schema_cycle import strategies
from arrears.services.ports import StrategyRecord


class SqlStrategies:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def activate(self, stored: StrategyRecord) -> None:
        bundle = {"source": stored.source, "text": stored.text, "included": stored.included}
        self.connection.execute(
            insert(strategies).values(
                name=stored.name,
                version=stored.version,
                digest=stored.digest,
                bundle=json.dumps(bundle),
                activated_at=stored.activated_at,
                activated_by=stored.activated_by,
            )
        )

    def active(self) -> StrategyRecord | None:
        row = self.connection.execute(
            select(strategies).order_by(strategies.c.id.desc()).limit(1)
        ).one_or_none()
        if row is None:
            return None
        bundle = json.loads(row.bundle)
        return StrategyRecord(
            name=row.name,
            version=row.version,
            digest=row.digest,
            source=bundle["source"],
            text=bundle["text"],
            included=bundle["included"],
            activated_at=row.activated_at,
            activated_by=row.activated_by,
        )
