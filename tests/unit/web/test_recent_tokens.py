"""The cache of recently verified API tokens: an entry lives ``ttl_seconds`` from its read,
a revoked token is forgotten at once, and the cache stays within its capacity."""

from __future__ import annotations

from datetime import UTC, datetime

from arrears.services.ports import TokenRecord
from arrears.services.recent_tokens import RecentTokens


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def record(token_id: int) -> TokenRecord:
    return TokenRecord(
        id=token_id, name=f"system {token_id}", prefix="arr_0000", role="agent",
        created_by="test", created_at=datetime(2026, 1, 1, tzinfo=UTC), expires_at=None,
        revoked_at=None, last_used_at=None,
    )  # fmt: skip


def test_an_entry_lives_for_its_ttl_and_no_longer() -> None:
    ticks = Ticks()
    recent = RecentTokens(ttl_seconds=1.0, monotonic=ticks)
    recent.keep("d1", record(1))
    ticks.now += 0.9
    assert recent.get("d1") == record(1)
    ticks.now += 0.2
    assert recent.get("d1") is None, "older than the ttl: read from the database again"
    assert recent.get("d1") is None


def test_forgetting_a_token_drops_every_entry_of_it_and_only_those() -> None:
    recent = RecentTokens(monotonic=Ticks())
    recent.keep("d1", record(1))
    recent.keep("d2", record(2))
    recent.forget(1)
    assert recent.get("d1") is None
    assert recent.get("d2") == record(2)


def test_the_cache_never_holds_more_than_its_capacity() -> None:
    recent = RecentTokens(capacity=3, monotonic=Ticks())
    for token_id in range(10):
        recent.keep(f"d{token_id}", record(token_id))
        assert len(recent._kept) <= 3
    assert recent.get("d9") == record(9), "the newest entry is always kept"
