"""API tokens verified in the last second, so a busy system's requests do not each cost a
transaction of their own to look their token up (docs/adr/0009-recent-tokens.md).

A revocation in this process takes effect at once (``forget``); one made by another process
(the CLI, another server worker) within ``ttl_seconds``. Expiry is checked on every use. The
cache holds the token's digest and its record, never the token itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from arrears.services.ports import TokenRecord

TTL_SECONDS = 1.0
CAPACITY = 10_000


class RecentTokens:
    """Token records by digest, each kept for ``ttl_seconds`` after it was read."""

    def __init__(
        self,
        *,
        ttl_seconds: float = TTL_SECONDS,
        capacity: int = CAPACITY,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.capacity = capacity
        self._monotonic = monotonic
        self._kept: dict[str, tuple[float, TokenRecord]] = {}
        self._lock = threading.Lock()

    def get(self, token_digest: str) -> TokenRecord | None:
        found = self._kept.get(token_digest)
        if found is None:
            return None
        read_at, record = found
        if self._monotonic() - read_at > self.ttl_seconds:
            with self._lock:
                self._kept.pop(token_digest, None)
            return None
        return record

    def keep(self, token_digest: str, record: TokenRecord) -> None:
        with self._lock:
            if len(self._kept) >= self.capacity:
                self._kept.clear()  # a bound, not a policy: the next reads fill it again
            self._kept[token_digest] = (self._monotonic(), record)

    def forget(self, token_id: int) -> None:
        """Drop a token (revoked here): its next use is looked up again."""
        with self._lock:
            for key in [k for k, (_, record) in self._kept.items() if record.id == token_id]:
                del self._kept[key]


RECENT_TOKENS = RecentTokens()
"""The process's cache (each server worker has its own)."""
