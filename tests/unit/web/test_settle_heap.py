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


def test_a_serving_process_compiles_every_page_before_the_first_request() -> None:
    """Each template compiled once, before serving: the first render of a page no longer
    compiles it under a request (a cache miss would load it from its file again)."""
    from jinja2 import FileSystemLoader

    from arrears.entrypoints.web.templating import build_templates, compile_templates

    templates = build_templates()
    loaded: list[str] = []
    loader = templates.env.loader
    assert isinstance(loader, FileSystemLoader)
    original = loader.get_source

    def counting(environment, name):  # type: ignore[no-untyped-def]
        loaded.append(name)
        return original(environment, name)

    loader.get_source = counting  # type: ignore[method-assign]
    compiled = compile_templates(templates)
    assert compiled == len(set(loaded)) >= 20
    assert "agent/account.html" in loaded
    loaded.clear()
    for name in ("agent/account.html", "portal/account.html", "base.html"):
        templates.env.get_template(name)
    assert loaded == [], "a page was loaded again after compiling"
