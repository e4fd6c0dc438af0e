"""The audit entry's hash is SHA-256 of one JSON array: the previous hash, then the entry's
fields (and its lane when not 0). PostgreSQL completes that array from ``entry_tail`` after it
reads the lane's newest hash, so the tail must be exactly the rest of the array, for any text."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from arrears.adapters.db.audit_store import ALL_LANES, GENESIS, entry_hash, entry_tail

hashes = st.one_of(st.just(GENESIS), st.text("0123456789abcdef", min_size=64, max_size=64))
texts = st.text(max_size=40)
# hypothesis takes naive bounds; the values it draws are in UTC
FIRST, LAST = datetime(2000, 1, 1), datetime(2100, 1, 1)  # noqa: DTZ001
moments = st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.just(UTC))


@given(hashes, moments, texts, texts, texts, texts, texts, st.sampled_from(ALL_LANES))
def test_the_hash_is_of_one_json_array_and_the_tail_completes_it(
    prev: str, at: datetime, actor: str, action: str, kind: str, entity: str, details: str,
    lane: int,
) -> None:  # fmt: skip
    fields: list[object] = [prev, at.isoformat(), actor, action, kind, entity, details]
    if lane:
        fields.append(lane)
    whole = json.dumps(fields, separators=(",", ":"))
    tail = entry_tail(
        at=at, actor=actor, action=action, entity_type=kind, entity_id=entity, details=details,
        lane=lane,
    )  # fmt: skip
    assert '["' + prev + '",' + tail == whole, "what PostgreSQL puts together"
    assert tail.isascii(), "the same bytes in any encoding"
    expected = hashlib.sha256(whole.encode()).hexdigest()
    assert entry_hash(
        prev, at=at, actor=actor, action=action, entity_type=kind, entity_id=entity,
        details=details, lane=lane,
    ) == expected  # fmt: skip
