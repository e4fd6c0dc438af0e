"""End-to-end fixtures: a real uvicorn server on a free loopback port, against a real SQLite
database holding the small portfolio (imported and decided), driven by Debian's Chromium.

Browser tests skip with a clear message when Chromium is missing, unless
``ARREARS_REQUIRE_BROWSER=1`` (then they fail). Screenshots go to ``$ARREARS_SCREENSHOTS``
(``docs/screenshots`` to refresh the documentation) or the test's temporary directory.
"""

from __future__ import annotations

import csv
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from arrears.bootstrap import build, initialise
from arrears.config import Settings
from arrears.domain.clock import FixedClock
from support.portfolio import BORROWERS, COLLATERAL, LOANS, PAYMENTS, TODAY, VALUATIONS
from support.web import World, build_world, quick_password_hashing  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _write(directory: Path, name: str, rows: list[dict[str, str]]) -> Path:
    path = directory / name
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    def __init__(self, world: World) -> None:
        self.world = world
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(world.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    """The app on a real server, 15:00 UTC on the portfolio's day (10:00 in Boston)."""
    files = tmp_path / "files"
    files.mkdir()
    paths = [
        _write(files, "borrowers.csv", BORROWERS),
        _write(files, "loans.csv", LOANS),
        _write(files, "payments.csv", PAYMENTS),
        _write(files, "collateral.csv", COLLATERAL),
        _write(files, "valuations.csv", VALUATIONS),
    ]
    settings = Settings(
        data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'e2e.sqlite'}"
    )
    container = build(settings, clock=FixedClock.on(TODAY), create_keys=True)
    initialise(container)
    try:
        with LiveServer(build_world(container, paths)) as server:
            yield server
    finally:
        container.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("ARREARS_REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"Chromium is required (ARREARS_REQUIRE_BROWSER=1) but {CHROMIUM} is missing"
            )
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: object, live: LiveServer) -> Iterator[object]:
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ARREARS_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
