"""The HTML report in Chromium: it opens offline without console errors and its charts render.

A simulated portfolio goes through the real import and a month and a half of daily cycles, gets
goals, and its report is written to a file and opened from disk with the network cut off. The
screenshot goes to the test's directory and to ``docs/screenshots/report.png``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from arrears.adapters.db.analytics_reads import SqlAnalyticsUnitOfWork
from arrears.adapters.reports.html import render_html
from arrears.bootstrap import build, initialise
from arrears.config import Settings
from arrears.domain.calendar import US_FEDERAL
from arrears.domain.clock import FixedClock
from arrears.services.analytics import ReportSettings, compute_report
from arrears.services.cycle import run_cycle
from arrears.services.goals import set_goals
from arrears.simulation.portfolio import write_portfolio
from support.db import run_import

pytestmark = pytest.mark.browser

TODAY = date(2026, 11, 27)
DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "report.png"
GOALS = """
[[goal]]
id = "early-cures"
metric = "cure_rate"
segment = "bucket:1-29"
target = 0.35
deadline = 2027-03-31
owner = "Early-stage team"
description = "Cure more accounts in their first month past due."

[[goal]]
id = "delinquency-down"
metric = "delinquency_rate"
target = 0.04
deadline = 2027-06-30
owner = "Collections director"
"""


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated book of 600 loans after 40 days of cycles, reported as of today."""
    from arrears.services.goals import read_goal_file

    folder = tmp_path_factory.mktemp("report")
    settings = Settings(data_dir=folder / "data", database_url=f"sqlite:///{folder / 'r.sqlite'}")
    container = build(settings, clock=FixedClock.on(TODAY), create_keys=True)
    initialise(container)
    files = write_portfolio(folder / "portfolio", loans=600, seed=11, as_of=TODAY)
    run_import(container, list(files.values()))
    for back in range(39, -1, -1):
        day = TODAY - timedelta(days=back)
        if US_FEDERAL.is_business_day(day):
            run_cycle(
                as_of=day,
                uow_factory=container.uow,
                clock=container.clock,
                settings=container.cycle_settings,
            )
    (folder / "goals.toml").write_text(GOALS, encoding="utf-8")

    def analytics() -> SqlAnalyticsUnitOfWork:
        return SqlAnalyticsUnitOfWork(container.engine, cipher=container.cipher)

    set_goals(
        read_goal_file(folder / "goals.toml", buckets=container.buckets),
        uow_factory=analytics,
        clock=container.clock,
        by="test",
    )
    report = compute_report(
        analytics,
        as_of=TODAY,
        clock=container.clock,
        settings=ReportSettings(buckets=container.buckets, policy=container.policy),
    )
    path = folder / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    container.engine.dispose()
    return path


def test_the_report_opens_offline_and_its_charts_render(
    browser: Any, report_file: Path, tmp_path: Path
) -> None:
    """No console errors or failed requests with the network blocked; every chart is drawn
    (a visible box holding shapes); the experiment question is answered; screenshots kept."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"request {request.url}"))
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")
    charts = page.locator("svg.chart")
    assert charts.count() >= 8
    for index in range(charts.count()):
        chart = charts.nth(index)
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 100
        assert chart.locator("rect, polyline, circle").count() > 0, chart.get_attribute("id")
        assert chart.locator("title").first.text_content()
    assert page.locator("#chart-roll_rates rect").count() >= 40
    assert page.get_by_role("heading", name="Did the challengers beat the champion?").count() == 1
    assert page.locator(".verdicts li").count() >= 1
    assert page.locator("text=No data yet.").count() >= 1
    page.screenshot(path=str(tmp_path / "report-full.png"), full_page=True)
    DOCS_SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 2200})
    page.screenshot(path=str(DOCS_SHOT))
    context.close()
    assert problems == []
