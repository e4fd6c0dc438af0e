"""Retry delays: exponential, capped, jittered by an injected (seedable) random source."""

from __future__ import annotations

import random
from datetime import timedelta

from arrears.services.sending import SenderSettings, backoff_delay

SETTINGS = SenderSettings(backoff_seconds=60, backoff_max_seconds=3600)


def test_delays_double_within_their_jitter_band_and_stop_at_the_cap() -> None:
    rng = random.Random(7)
    for attempt in range(1, 12):
        ceiling = min(3600, 60 * 2 ** (attempt - 1))
        delay = backoff_delay(attempt, settings=SETTINGS, rng=rng)
        assert timedelta(seconds=ceiling / 2) <= delay <= timedelta(seconds=ceiling)


def test_the_same_seed_gives_the_same_delays() -> None:
    first = [backoff_delay(a, settings=SETTINGS, rng=random.Random(3)) for a in range(1, 6)]
    again = [backoff_delay(a, settings=SETTINGS, rng=random.Random(3)) for a in range(1, 6)]
    assert first == again
