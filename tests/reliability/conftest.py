"""Fixtures of the reliability tests: the small portfolio as files (the integration tests'
fixtures), and the rule that keeps long variants (``@pytest.mark.slow``) out of the default
run — they run with ``-m slow`` or ``ARREARS_RUN_SLOW=1`` (the full versions are in
``bench/``)."""

from __future__ import annotations

import os

import pytest

from integration.conftest import portfolio_files, write_csv

__all__ = ["portfolio_files", "write_csv"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = "slow" in (config.option.markexpr or "") or os.environ.get("ARREARS_RUN_SLOW") == "1"
    if wanted:
        return
    skip = pytest.mark.skip(reason="long variant: run with -m slow or ARREARS_RUN_SLOW=1")
    for item in items:
        if "slow" in item.keywords and _ours(item):
            item.add_marker(skip)


def _ours(item: pytest.Item) -> bool:
    parts = item.path.parts
    return "reliability" in parts or "security" in parts
