"""Fixtures of the hostile-input tests: the small portfolio as files, the web world, and the
rule that keeps their long variants (``@pytest.mark.slow``: many more examples) out of the
default run — they run with ``-m slow`` or ``ARREARS_RUN_SLOW=1``.

Examples are seeded (``derandomize``) so CI runs the same inputs every time; a failure prints
the smallest input that fails."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from integration.conftest import portfolio_files, write_csv

__all__ = ["portfolio_files", "write_csv"]

_MODE = {"slow": os.environ.get("ARREARS_RUN_SLOW") == "1"}


def examples(ci: int, slow: int) -> settings:
    """Hypothesis settings: ``ci`` examples by default, ``slow`` under ``-m slow``; seeded, no
    example database, no deadline (the machine is shared: timings are not asserted)."""
    return settings(
        max_examples=slow if _MODE["slow"] else ci, derandomize=True, database=None, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large],
    )  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    _MODE["slow"] = _MODE["slow"] or "slow" in (config.option.markexpr or "")
