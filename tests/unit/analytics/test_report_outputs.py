"""The report's HTML is self-contained and accessible; its JSON carries the same numbers."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from arrears.adapters.reports.html import GROUPS, render_html
from arrears.adapters.reports.json_output import render_json
from arrears.analytics.report_model import MetricTable, NoData, Report
from unit.analytics.history import four_loans, report


@pytest.fixture
def figures(tmp_path: Path) -> Report:
    return report(four_loans(), tmp_path, as_of=date(2026, 5, 31), months=4)


def test_the_html_needs_nothing_from_the_network(figures: Report) -> None:
    """No scripts, stylesheets, fonts or images are fetched: no src/href to another place,
    no @import or url(); the only URL is the SVG namespace identifier."""
    page = render_html(figures)
    assert "<script" not in page
    assert "<link" not in page
    assert "@import" not in page
    assert "url(" not in page
    assert re.findall(r'(?:src|href)="(?!#)[^"]*"', page) == []
    assert set(re.findall(r"https?://[^\"' <]+", page)) == {"http://www.w3.org/2000/svg"}


def test_every_chart_is_labelled_and_followed_by_its_table(figures: Report) -> None:
    page = render_html(figures)
    charts = re.findall(r'<svg class="chart" id="([^"]+)" role="img"', page)
    assert {
        "chart-roll_rates",
        "chart-bucket_trend",
        "chart-recovery_curves",
        "chart-charge_off_curves",
        "chart-net_flow",
    } <= set(charts)
    for chart in charts:
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in page
        assert f'<title id="{chart}-title">' in page
    for section in figures.sections:
        if isinstance(section, MetricTable) and section.rows:
            assert f"<caption>{section.title}</caption>" in page


def test_every_section_is_on_the_page_and_missing_data_is_said(figures: Report) -> None:
    page = render_html(figures)
    shown = {key for _, _, keys in GROUPS for key in keys}
    assert shown == {section.key for section in figures.sections}
    missing = [s for s in figures.sections if isinstance(s, NoData)]
    assert missing, "the hand-built history has no workflow records"
    assert page.count("No data yet.") == len(missing)


def test_json_has_the_numbers_and_no_nan(figures: Report) -> None:
    data = json.loads(render_json(figures))
    sections = {s["key"]: s for s in data["sections"]}
    curve = sections["charge_off_curves"]["rows"]
    assert curve == [
        {
            "cohort": "2026-04",
            "month": 1,
            "accounts": 1,
            "basis_minor": 300_00,
            "cumulative_minor": 50_00,
            "recovery_rate": pytest.approx(1 / 6),
        }
    ]
    assert sections["agency_liquidation"]["status"] == "no data yet"
    assert "NaN" not in render_json(figures)


def test_a_date_before_any_loan_was_booked_gives_an_empty_report(tmp_path: Path) -> None:
    """31 Dec 2025, the day before the four loans were booked: no figures, every section
    says why, and the page and the JSON still render."""
    empty = report(four_loans(), tmp_path, as_of=date(2025, 12, 31))
    assert empty.accounts == 0
    assert all(isinstance(section, NoData) for section in empty.sections)
    assert render_html(empty).count("No data yet.") == len(empty.sections)
    assert json.loads(render_json(empty))["accounts"] == 0
