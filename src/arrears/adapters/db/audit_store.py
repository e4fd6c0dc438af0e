"""The audit trail: append-only and hash-chained, so an edited or deleted entry is detectable.

The trail is split into ``LANES`` independent chains ("lanes", ADR 0006) so that appends about
unrelated accounts do not queue on one lock. An entry's lane is a stable function of what it
is about (``lane_of``: SHA-256 of its entity type and id, modulo ``LANES``), so every entry
about one account is in one chain, in order. Each entry's hash covers the previous entry of its
lane (``GENESIS`` for a lane's first) and its own content, SHA-256 over a canonical JSON form;
``verify`` recomputes every lane's chain.

The hash covers the lane whenever the lane is not 0: moving an entry to another lane changes
the hash it should have, so a move is caught even where the links would still hold. Lane 0
keeps the form of the single chain that came before lanes (migration 0011 put every existing
entry in lane 0, hashes untouched), so the old chain stays valid as lane 0 without a record of
which form an entry uses: the lane itself says. (A move into or out of lane 0 changes the form
and so the hash, too.)

Entries are written when the unit of work commits (``flush``), not when recorded: a
transaction that records entries in several lanes then takes the lanes' locks in ascending
order, all at the end, so two such transactions can never wait for each other (taking them as
entries were recorded, one might hold lane 9 and wait for 3 while the other holds 3 and waits
for 9), and a lane's lock is held only from the append to the commit.

A transaction that commits without waiting for the disk (a view, ADR 0014) appends to lanes of
its own, ``LANES`` to ``2 * LANES - 1`` (ADR 0015): a change holds its lane's lock until its
commit is on disk, which a stalled flush can make take hundreds of milliseconds, and a view
about an account in the same lane would otherwise wait that long behind it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    bindparam,
    func,
    insert,
    inspect,
    literal,
    select,
    text,
)

from arrears.adapters.db import schema

GENESIS = "0" * 64
LANES = 64
"""How many chains the trail's durable entries are split into, and as many again for the entries
of transactions that commit without waiting for the disk (ADR 0015). Changing it moves
accounts' future entries to other lanes (every lane still verifies, but one account's entries
would then span more chains)."""
ALL_LANES = range(2 * LANES)
"""Every lane an entry can be in: ``LANES`` for changes, then ``LANES`` for views."""
_CHAIN_LOCK = 0x0A11D17
"""First key of a lane's advisory lock on PostgreSQL; the lane is the second."""

# The append's statements, built once: every account view appends an entry.
_LOCK_LANE = text(
    f"SELECT pg_advisory_xact_lock({_CHAIN_LOCK}, CAST(:lane AS integer))"
).bindparams(bindparam("lane", type_=Integer))
_LANE_HEAD = (
    select(schema.audit_log.c.id, schema.audit_log.c.hash)
    .where(schema.audit_log.c.lane == bindparam("lane"))
    .order_by(schema.audit_log.c.id.desc())
    .limit(1)
)
_APPEND = insert(schema.audit_log)
_APPEND_IN_DATABASE = text(
    "SELECT audit_append(CAST(:lock AS integer), CAST(:genesis AS text),"
    " CAST(:lane AS smallint), CAST(:at AS timestamptz), CAST(:actor AS text),"
    " CAST(:action AS text), CAST(:entity_type AS text), CAST(:entity_id AS text),"
    " CAST(:details AS text), CAST(:tail AS text))"
).bindparams(bindparam("at", type_=schema.audit_log.c.at.type))
"""PostgreSQL's append (migration 0013), the values typed as the function declares them."""


def lane_of(entity_type: str, entity_id: str, *, durable: bool = True) -> int:
    """The lane of entries about this entity: stable across processes and releases (Python's
    ``hash`` is salted per process, so it is not used). ``durable=False``: the lane of entries
    written by a transaction that does not wait for the disk (ADR 0015)."""
    digest = hashlib.sha256(f"{entity_type}\x00{entity_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % LANES + (0 if durable else LANES)


def entry_hash(
    prev_hash: str,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    details: str,
    lane: int = 0,
) -> str:
    """SHA-256 of the entry's canonical form, the JSON array of ``prev_hash`` and its fields;
    the lane is part of it unless it is 0 (the form of the single chain before lanes)."""
    tail = entry_tail(
        at=at, actor=actor, action=action, entity_type=entity_type, entity_id=entity_id,
        details=details, lane=lane,
    )  # fmt: skip
    canonical = "[" + json.dumps(prev_hash) + "," + tail
    return hashlib.sha256(canonical.encode()).hexdigest()


def entry_tail(
    *,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    details: str,
    lane: int = 0,
) -> str:
    """The canonical form after the previous hash: ``[`` + the previous hash as a JSON string +
    ``,`` + this is the whole. PostgreSQL completes it where it appends (``audit_append``,
    migration 0013), once it has read the lane's newest hash. ASCII only (JSON escapes the
    rest), so its bytes are the same in every encoding."""
    fields: list[object] = [at.isoformat(), actor, action, entity_type, entity_id, details]
    if lane:
        fields.append(lane)
    return json.dumps(fields, separators=(",", ":"))[1:]


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


@dataclass(frozen=True)
class _Pending:
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    details: str
    lane: int


class SqlAuditLog:
    """The trail on one connection. ``record`` keeps an entry until ``flush``, which the unit of
    work calls just before it commits (and ``discard`` when it rolls back)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._pending: list[_Pending] = []

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
        body = json.dumps(details or {}, sort_keys=True, separators=(",", ":"), default=str)
        lane = lane_of(entity_type, entity_id)
        self._pending.append(_Pending(at, actor, action, entity_type, entity_id, body, lane))

    def flush(self, *, durable: bool = True) -> None:
        """Append the recorded entries, in the order recorded, each to the end of its lane;
        ``durable=False`` (the transaction will not wait for the disk): to the view lanes."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        if not durable:
            pending = [replace(entry, lane=entry.lane + LANES) for entry in pending]
        lanes = sorted({entry.lane for entry in pending})
        if self.connection.dialect.name == "postgresql":
            self._append_in_database(pending, lanes)
            return
        newest = {lane: self._newest(lane) for lane in lanes}
        for entry in pending:
            fields = asdict(entry)  # the hashed content is what is stored
            prev = newest[entry.lane]
            digest = entry_hash(prev, **fields)
            self.connection.execute(_APPEND, {**fields, "prev_hash": prev, "hash": digest})
            newest[entry.lane] = digest

    def _append_in_database(self, pending: list[_Pending], lanes: list[int]) -> None:
        """PostgreSQL: each entry in one statement, which takes its lane's lock, reads the
        lane's newest hash and appends (``audit_append``): one round trip where the lock, the
        read and the insert were three. With several lanes, their locks are taken first, in
        ascending order (see the module's docstring); taking one again is then a no-op."""
        if len(lanes) > 1:
            for lane in lanes:
                self.connection.execute(_LOCK_LANE, {"lane": lane})
        for entry in pending:
            fields = asdict(entry)
            self.connection.execute(
                _APPEND_IN_DATABASE,
                {**fields, "lock": _CHAIN_LOCK, "genesis": GENESIS, "tail": entry_tail(**fields)},
            )

    def discard(self) -> None:
        self._pending.clear()

    def _newest(self, lane: int) -> str:
        head = self._lane_head(lane)
        return GENESIS if head is None else head[1]

    def _lane_head(self, lane: int) -> tuple[int, str] | None:
        """The lane's newest entry (id, hash): one index lookup on (lane, id)."""
        last = self.connection.execute(_LANE_HEAD, {"lane": lane}).one_or_none()
        return None if last is None else (int(last.id), str(last.hash))

    def _has_lanes(self) -> bool:
        """False on a database from before lanes (migration 0011): a restored older backup is
        verified before ``arrears init`` upgrades it, and its one chain is lane 0."""
        columns = inspect(self.connection).get_columns(schema.audit_log.name)
        return any(column["name"] == "lane" for column in columns)

    def verify(self) -> list[ChainBreak]:
        """Every place a lane's chain does not hold (empty when the trail is intact). The trail
        is read as a stream, lane by lane, so memory does not grow with it."""
        return list(self._breaks())

    def _breaks(self) -> Iterator[ChainBreak]:
        log = schema.audit_log
        lane_column: ColumnElement[int] = (
            log.c.lane if self._has_lanes() else literal(0).label("lane")
        )
        columns = [c for c in log.c if c.name != "lane"]
        rows = self.connection.execute(
            select(*columns, lane_column)
            .order_by(lane_column, log.c.id)
            .execution_options(
                yield_per=10_000  # this statement only: the connection stays as it was
            )
        )
        lane: int | None = None
        prev = GENESIS
        for row in rows:
            if row.lane != lane:
                lane, prev = row.lane, GENESIS
            if row.prev_hash != prev:
                yield ChainBreak(row.id, "does not follow the previous entry of its lane")
            expected = entry_hash(
                row.prev_hash,
                at=row.at,
                actor=row.actor,
                action=row.action,
                entity_type=row.entity_type,
                entity_id=row.entity_id,
                details=row.details,
                lane=row.lane,
            )
            if expected != row.hash:
                yield ChainBreak(row.id, "content changed after it was written")
            prev = row.hash

    def head(self) -> tuple[int, int, str]:
        """(entries, id of the newest, its hash); (0, 0, GENESIS) for an empty trail."""
        log = schema.audit_log
        count = int(self.connection.execute(select(func.count()).select_from(log)).scalar_one())
        last = self.connection.execute(
            select(log.c.id, log.c.hash).order_by(log.c.id.desc()).limit(1)
        ).one_or_none()
        return (count, int(last.id), str(last.hash)) if last else (0, 0, GENESIS)

    def heads(self) -> dict[int, tuple[int, str]]:
        """Each lane's newest entry (id, hash), lanes with no entries left out: what an anchor
        keeps, so that cutting any lane's tail is noticed."""
        if not self._has_lanes():
            _, last_id, last_hash = self.head()
            return {0: (last_id, last_hash)} if last_id else {}
        found = {lane: self._lane_head(lane) for lane in ALL_LANES}
        return {lane: head for lane, head in found.items() if head is not None}

    def hash_of(self, entry_id: int) -> str | None:
        log = schema.audit_log
        found = self.connection.execute(
            select(log.c.hash).where(log.c.id == entry_id)
        ).scalar_one_or_none()
        return None if found is None else str(found)
