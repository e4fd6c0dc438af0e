"""A record of every import attempt: when, which files, what it did, how it ended."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, update

from arrears.adapters.db import schema


class SqlImportRuns:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def start(self, *, at: datetime, files: list[str], actor: str) -> int:
        result = self.connection.execute(
            insert(schema.import_runs)
            .values(started_at=at, status="running", files=json.dumps(files), actor=actor)
            .returning(schema.import_runs.c.id)
        )
        return int(result.scalar_one())

    def finish(
        self, run_id: int, *, at: datetime, status: str, counts: dict[str, Any], problems: int
    ) -> None:
        self.connection.execute(
            update(schema.import_runs)
            .where(schema.import_runs.c.id == run_id)
            .values(finished_at=at, status=status, counts=json.dumps(counts), problems=problems)
        )
