"""Migration 0011 splits the audit trail into lanes without touching what is written: a trail
of one chain, hashed as before lanes, verifies before the upgrade (as a restored older backup
is checked), stays valid as lane 0 after it, and new entries chain in their own lanes beside
it (both backends)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from arrears.adapters.db import migrate
from arrears.adapters.db.audit_store import GENESIS, SqlAuditLog, lane_of
from conftest import POSTGRES_URL
from support.migrations import migrated_but

AUDIT_LANES = "0011_audit_lanes"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def hash_before_lanes(prev_hash: str, *fields: str) -> str:
    """The entry hash as written before lanes (kept here, apart from the code under test)."""
    canonical = json.dumps([prev_hash, *fields], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the backend, migrated to every head but 0011."""
    with migrated_but(
        AUDIT_LANES, backend=backend, tmp_path=tmp_path, postgres_url=POSTGRES_URL
    ) as made:
        yield made


def write_one_chain(engine: Engine, count: int) -> list[tuple[int, str]]:
    """``count`` entries about a few loans, one chain, written as the code before lanes did."""
    written: list[tuple[int, str]] = []
    prev = GENESIS
    with engine.begin() as connection:
        for n in range(count):
            at = START + timedelta(minutes=n)
            fields = (at.isoformat(), "user:ann", "account.viewed", "loan", str(n % 4),
                      json.dumps({"n": n}, separators=(",", ":")))  # fmt: skip
            digest = hash_before_lanes(prev, *fields)
            connection.execute(
                text(
                    "INSERT INTO audit_log (id, at, actor, action, entity_type, entity_id, "
                    "details, prev_hash, hash) VALUES (:id, :at, :actor, :action, :type, "
                    ":entity, :details, :prev, :hash)"
                ),
                {"id": n + 1, "at": at, "actor": fields[1], "action": fields[2],
                 "type": fields[3], "entity": fields[4], "details": fields[5], "prev": prev,
                 "hash": digest},
            )  # fmt: skip
            written.append((n + 1, digest))
            prev = digest
    return written


def test_a_trail_from_before_lanes_stays_valid_as_lane_0(engine: Engine) -> None:
    written = write_one_chain(engine, 12)
    with engine.connect() as connection:
        before = SqlAuditLog(connection)
        assert before.verify() == []
        assert before.heads() == {0: written[-1]}

    migrate.upgrade(engine, AUDIT_LANES)
    assert migrate.current_revisions(engine) == migrate.head_revisions()
    with engine.connect() as connection:
        log = SqlAuditLog(connection)
        assert log.verify() == []
        assert log.heads() == {0: written[-1]}
        lanes = connection.execute(text("SELECT DISTINCT lane FROM audit_log")).scalars().all()
        assert lanes == [0]

    if engine.dialect.name == "postgresql":  # the ids written above by hand: move the sequence
        with engine.begin() as connection:
            connection.execute(text("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), 12)"))
    with engine.begin() as connection:
        log = SqlAuditLog(connection)
        for n in range(8):
            log.record(
                at=START + timedelta(hours=1, minutes=n), actor="user:bob",
                action="account.viewed", entity_type="loan", entity_id=str(n % 4),
            )  # fmt: skip
        log.flush()
    with engine.connect() as connection:
        log = SqlAuditLog(connection)
        assert log.verify() == []
        heads = log.heads()
        assert 0 not in {lane_of("loan", str(n)) for n in range(4)}
        assert heads[0] == written[-1], "the old chain's head is lane 0's, nothing added to it"
        assert set(heads) == {0} | {lane_of("loan", str(n)) for n in range(4)}
        rows = connection.execute(
            text("SELECT entity_id, lane, prev_hash FROM audit_log WHERE id > 12 ORDER BY id")
        ).all()
        assert [(entity, lane) for entity, lane, _ in rows] == [
            (str(n % 4), lane_of("loan", str(n % 4))) for n in range(8)
        ]
        assert sum(prev == GENESIS for *_, prev in rows) == len({lane for _, lane, _ in rows})

    with engine.begin() as connection:  # an old entry edited after the upgrade is still named
        connection.execute(text("UPDATE audit_log SET actor = 'someone' WHERE id = 5"))
    with engine.connect() as connection:
        breaks = SqlAuditLog(connection).verify()
    assert [(found.entry_id, found.reason) for found in breaks] == [
        (5, "content changed after it was written")
    ]
