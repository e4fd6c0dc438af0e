"""Fixtures of the hostile-input tests: the small portfolio as files, the web world, and the
rule that keeps their long variants (``@pytest.mark.slow``: many more examples) out of the
default run — they run with ``-m slow`` or ``ARREARS_RUN_SLOW=1``.

Examples are seeded (``derandomize``) so CI runs the same inputs every time; a failure prints
the smallest input that fails."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text

from arrears.bootstrap import Container, build, initialise
from arrears.config import Settings
from arrears.domain.clock import FixedClock
from conftest import POSTGRES_URL, REQUIRE_POSTGRES
from integration.conftest import portfolio_files, write_csv
from support.portfolio import TODAY

__all__ = ["portfolio_files", "write_csv"]

T = TypeVar("T", bound=Callable[..., Any])

_MODE = {"slow": os.environ.get("ARREARS_RUN_SLOW") == "1"}


def examples(ci: int, slow: int) -> Callable[[T], T]:
    """Hypothesis settings: ``ci`` examples by default, ``slow`` under ``-m slow``; seeded, no
    example database, no deadline (the machine is shared: timings are not asserted).

    In the ``test_fuzz_*`` modules every test decorated with these settings runs twice: its CI
    form, and a ``[slow]`` variant (``@pytest.mark.slow``) with ``slow`` examples."""
    chosen = settings(
        max_examples=slow if _MODE["slow"] else ci, derandomize=True, database=None, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large],
    )  # fmt: skip

    def apply(test: T) -> T:
        decorated = chosen(test)
        decorated._arrears_slow_examples = slow  # type: ignore[attr-defined]
        return decorated

    return apply


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The CI form and the slow variant of each hypothesis test of a ``test_fuzz_*`` module."""
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module.startswith("test_fuzz_") and hasattr(metafunc.function, "hypothesis"):
        depths = ["ci", pytest.param("slow", marks=pytest.mark.slow)]
        metafunc.parametrize("fuzz_depth", depths, indirect=True)


@pytest.fixture(autouse=True)
def fuzz_depth(request: pytest.FixtureRequest) -> Iterator[str]:
    """For the ``slow`` variant, the test's own settings with its ``slow`` example count for
    the length of the test (hypothesis reads them when the test is called)."""
    depth = str(getattr(request, "param", "ci"))
    test = request.function
    current = getattr(test, "_hypothesis_internal_use_settings", None)
    slow = getattr(test, "_arrears_slow_examples", None)
    inner = getattr(getattr(test, "hypothesis", None), "inner_test", None)
    slow = slow or getattr(inner, "_arrears_slow_examples", None)
    if depth != "slow" or slow is None:
        yield depth
        return
    test._hypothesis_internal_use_settings = settings(current, max_examples=slow)
    try:
        yield depth
    finally:
        test._hypothesis_internal_use_settings = current


def pytest_configure(config: pytest.Config) -> None:
    _MODE["slow"] = _MODE["slow"] or "slow" in (config.option.markexpr or "")


def _module_backends() -> list[object]:
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=_module_backends())
def module_container(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Container]:
    """One initialised database for a whole fuzz module (SQLite, and PostgreSQL when
    ``ARREARS_TEST_POSTGRES_URL`` is set): hundreds of examples share it, and each example
    checks the table counts itself instead of starting from an empty database."""
    name = str(request.param)
    if name == "postgresql" and not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("ARREARS_TEST_POSTGRES_URL is required for this run")
        pytest.skip("set ARREARS_TEST_POSTGRES_URL to run the PostgreSQL tests")
    folder: Path = tmp_path_factory.mktemp(f"fuzz-{name}")
    schema = None
    url = f"sqlite:///{folder / 'arrears.sqlite'}"
    if name == "postgresql":
        assert POSTGRES_URL
        schema, url = f"f_{uuid.uuid4().hex[:12]}", POSTGRES_URL
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    settings_ = Settings(data_dir=folder / "data", database_url=url, import_batch_rows=1000)
    built = build(settings_, clock=FixedClock.on(TODAY), create_keys=True, schema=schema)
    initialise(built)
    try:
        yield built
    finally:
        built.engine.dispose()
        if schema:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
