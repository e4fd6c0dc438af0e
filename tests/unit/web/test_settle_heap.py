"""A serving process leaves what it built before serving out of later garbage collections."""

from __future__ import annotations

import gc

from arrears.entrypoints.web.app import settle_heap


def test_what_is_built_before_serving_is_frozen_out_of_collections() -> None:
    built = [object() for _ in range(1000)]
    try:
        settle_heap()
        assert gc.get_freeze_count() >= len(built)
        assert gc.get_count()[0] < 100, "collected just before freezing"
    finally:
        gc.unfreeze()  # this test process goes on building and dropping apps
