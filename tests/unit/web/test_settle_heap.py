"""A serving process leaves what it built before serving out of later garbage collections."""

from __future__ import annotations

import gc

from arrears.entrypoints.web.app import SERVING_GC_THRESHOLDS, settle_heap


def test_what_is_built_before_serving_is_frozen_out_of_collections() -> None:
    built = [object() for _ in range(1000)]
    thresholds = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_freeze_count() >= len(built)
        assert gc.get_count()[0] < 100, "collected just before freezing"
        assert gc.get_threshold() == SERVING_GC_THRESHOLDS
    finally:
        gc.unfreeze()  # this test process goes on building and dropping apps
        gc.set_threshold(*thresholds)
