"""The report as one self-contained HTML file: inline CSS, inline SVG, no scripts, no network.

The page is laid out by ``templates/report.html.j2``; this module decides which chart goes
with which section and writes the plain-language answer to "did the challenger beat the
champion?". Every chart is followed by the table it was drawn from.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from jinja2 import Environment, StrictUndefined, select_autoescape
from markupsafe import Markup

from arrears.adapters.reports import charts
from arrears.adapters.reports.formatting import fmt, money, percent
from arrears.analytics.report_model import GoalProgress, MetricTable, NoData, Report, Section
from arrears.analytics.snapshots import CHARGED_OFF

GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("portfolio", "Portfolio", ("portfolio", "bucket_trend")),
    ("roll-rates", "Roll rates and flow to charge-off", ("roll_rates", "flow_rates", "net_flow")),
    ("recovery", "Recovery and cure", ("recovery_by_bucket", "recovery_by_vintage", "cure_rate")),
    ("curves", "Recovery curves", ("recovery_curves", "charge_off_curves")),
    ("costs", "Cost to collect", ("cost_to_collect", "cost_by_treatment")),
    ("experiments", "Experiments: champion and challengers",
     ("experiment_arms", "experiment_comparisons", "experiment_collected")),
    ("agents", "Agent performance", ("agent_performance",)),
    ("agencies", "Agency scorecards", ("agency_liquidation",)),
    ("workflows", "Promises, contacts, settlements, plans, legal, repossession, portal",
     ("promise_kept_rate", "right_party_contact_rate", "settlement_rate", "plan_completion_rate",
      "legal_recovery", "repossession_recovery", "portal_funnel")),
)  # fmt: skip
"""Report groups: anchor, heading and the section keys they show, in page order."""

_OPEN_ROWS = 14


@dataclass(frozen=True)
class Block:
    """One section as the template shows it."""

    section: Section
    charts: tuple[Markup, ...]
    open_table: bool

    @property
    def no_data(self) -> bool:
        return isinstance(self.section, NoData)


@cache
def _environment() -> Environment:
    environment = Environment(
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["cell"] = fmt
    environment.filters["percent"] = percent
    return environment


def _template_text() -> str:
    return files("arrears.adapters.reports").joinpath("report.html.j2").read_text("utf-8")


def render_html(report: Report) -> str:
    template = _environment().from_string(_template_text())
    groups = [
        (anchor, heading, [_block(report.section(key), report) for key in keys])
        for anchor, heading, keys in GROUPS
    ]
    return template.render(
        report=report,
        currency=report.currency or "USD",
        groups=groups,
        goals=[(progress, _svg(charts.goal(progress, currency=report.currency or "USD")))
               for progress in report.goals],
        goal_value=_goal_value,
        headline=_headline(report),
        verdicts=experiment_verdicts(report),
    )  # fmt: skip


def _block(section: Section, report: Report) -> Block:
    if isinstance(section, NoData):
        return Block(section, (), False)
    drawn = [_svg(svg) for svg in _charts(section, report) if svg]
    return Block(section, tuple(drawn), len(section.rows) <= _OPEN_ROWS)


ChartMaker = Callable[[MetricTable, str, list[str]], str]

_CHARTS: dict[str, ChartMaker] = {
    "roll_rates": lambda t, c, b: charts.heat_map(t),
    "bucket_trend": lambda t, c, b: charts.stacked_bars(
        t, segments=[*b[1:], CHARGED_OFF], currency=c
    ),
    "net_flow": lambda t, c, b: _net_flow_chart(t, c),
    "recovery_curves": lambda t, c, b: charts.curves(t, currency=c),
    "charge_off_curves": lambda t, c, b: charts.curves(t, currency=c),
    "recovery_by_bucket": lambda t, c, b: charts.bars(
        t, label="key", value="recovery_rate", unit="ratio", currency=c
    ),
    "recovery_by_vintage": lambda t, c, b: charts.bars(
        t, label="key", value="recovery_rate", unit="ratio", currency=c
    ),
    "cure_rate": lambda t, c, b: charts.bars(
        t, label="key", value="cure_rate", unit="ratio", currency=c
    ),
    "cost_by_treatment": lambda t, c, b: charts.bars(
        t, label="treatment", value="cost_minor", unit="money", currency=c
    ),
    "experiment_comparisons": lambda t, c, b: charts.forest(t, unit="ratio", currency=c),
    "experiment_collected": lambda t, c, b: charts.forest(t, unit="money", currency=c),
    "agency_liquidation": lambda t, c, b: charts.bars(
        t, label="agency", value="liquidation_rate", unit="ratio", currency=c
    ),
}
"""The chart drawn above each section's table (sections not listed have only the table)."""


def _charts(table: MetricTable, report: Report) -> list[str]:
    maker = _CHARTS.get(table.key)
    if maker is None or table.empty:
        return []
    buckets = [str(b) for b in report.settings.get("buckets", [])]
    return [maker(table, report.currency or "USD", buckets)]


def _svg(markup: str) -> Markup:
    """Chart markup built by ``charts``, which escapes every text it puts in."""
    return Markup(markup)  # noqa: S704 - generated here, every interpolated text escaped


def _net_flow_chart(table: MetricTable, currency: str) -> str:
    points = [(float(i), float(r["net_flow"])) for i, r in enumerate(table.records())
              if isinstance(r["net_flow"], int | float)]  # fmt: skip
    months = [str(r["month"])[:7] for r in table.records()]
    return charts.line_chart(
        f"chart-{table.key}", table.title, {"net flow to charge-off": points}, unit="ratio",
        currency=currency, x_label=lambda v: months[int(v)] if 0 <= int(v) < len(months) else "",
        x_title="month",
    )  # fmt: skip


def _goal_value(progress: GoalProgress, value: float | None, currency: str) -> str:
    if value is None or math.isnan(value):
        return "—"
    if progress.goal.definition.unit == "money":
        return money(value, currency, whole=True)
    return percent(value)


def _headline(report: Report) -> list[tuple[str, str]]:
    """The few figures a reader looks at first."""
    found: list[tuple[str, str]] = [("Accounts", f"{report.accounts:,}")]
    currency = report.currency or "USD"
    portfolio = report.section("portfolio")
    if isinstance(portfolio, MetricTable) and portfolio.rows:
        owed = sum(int(str(v)) for v in portfolio.column("outstanding_minor"))
        found.append(("Outstanding", money(owed, currency, whole=True)))
    for key, column, label in (
        ("recovery_by_bucket", "recovery_rate", "Recovery rate (window)"),
        ("cure_rate", "cure_rate", "Cure rate (window)"),
        ("cost_to_collect", "cost_to_collect", "Cost to collect"),
    ):
        section = report.section(key)
        if isinstance(section, MetricTable) and section.rows:
            found.append((label, fmt(section.records()[0][column], "ratio", currency)))
    return found


def experiment_verdicts(report: Report) -> list[str]:
    """One sentence per challenger: the answer to "did it beat the champion?"."""
    section = report.section("experiment_comparisons")
    arms = report.section("experiment_arms")
    if not isinstance(section, MetricTable) or not isinstance(arms, MetricTable):
        return []
    rates = {(r["experiment"], r["arm"]): r for r in arms.records()}
    confidence = float(str(report.settings.get("confidence", 0.95)))
    power = float(str(report.settings.get("power", 0.8)))
    sentences = []
    for row in section.records():
        champion = next((r for (e, _), r in rates.items()
                         if e == row["experiment"] and r["role"] == "champion"), None)  # fmt: skip
        mine = rates.get((row["experiment"], row["arm"]))
        if champion is None or mine is None:
            continue
        more = row["still_needed"]
        need = (f" About {more:,} more accounts would tell a difference this size apart with "
                f"{power:.0%} power." if isinstance(more, int) and more > 0 else "")  # fmt: skip
        sentences.append(
            f"{row['experiment']} — {row['arm']} ({mine['accounts']:,} accounts) cured "
            f"{fmt(mine['cure_rate'], 'ratio', '')} against the champion's "
            f"{fmt(champion['cure_rate'], 'ratio', '')} ({champion['accounts']:,} accounts): "
            f"a difference of {_points(row['difference'])} "
            f"({confidence:.0%} CI {_points(row['ci_low'])} to {_points(row['ci_high'])}, "
            f"p = {fmt(row['p_value'], 'number', '')}) — {row['verdict']}.{need}"
        )
    return sentences


def _points(value: object) -> str:
    if not isinstance(value, int | float) or math.isnan(value):
        return "—"
    return f"{value * 100:+.1f} points"
