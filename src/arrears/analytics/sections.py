"""The report's sections, in order: each metric's table with its title and definition.

Definitions here are the one-paragraph form shown under each table; docs/analytics.md has the
long form. A section whose data does not exist yet is ``NoData`` saying what it waits for.
"""

from __future__ import annotations

import polars as pl

from arrears.analytics.accumulator import Finished
from arrears.analytics.costs import cost_summary
from arrears.analytics.curves import CHARGE_OFF, DELINQUENCY
from arrears.analytics.plan import ReportPlan
from arrears.analytics.recovery import dimension
from arrears.analytics.report_model import Column, MetricTable, NoData, Section
from arrears.analytics.roll_rates import flow_rates, matrix
from arrears.analytics.section_columns import COLUMNS, DEFINITIONS, TITLES
from arrears.analytics.sources import SOURCES
from arrears.analytics.workflow_metrics import WORKFLOW_METRICS


def _table(key: str, frame: pl.DataFrame, note: str = "") -> MetricTable:
    return MetricTable.from_frame(
        frame,
        key=key,
        title=TITLES[key],
        definition=DEFINITIONS[key],
        columns=COLUMNS[key],
        note=note,
    )


def _no_data(key: str, reason: str, expects: str) -> NoData:
    return NoData(key, TITLES[key], DEFINITIONS[key], reason, expects)


def build_sections(
    finished: Finished, plan: ReportPlan, *, available: frozenset[str]
) -> tuple[Section, ...]:
    if finished.accounts == 0:
        return _nothing_booked(plan)
    sections: list[Section] = [
        _table("portfolio", finished.trend.filter(pl.col("as_of") == plan.as_of)),
        _table("bucket_trend", finished.trend),
        *_roll_sections(finished, plan),
        *_window_sections(finished),
        *_curve_sections(finished),
        *_cost_sections(finished),
        *_experiment_sections(finished, plan),
        _agent_section(finished),
        *_workflow_sections(finished, available),
    ]
    return tuple(sections)


def _nothing_booked(plan: ReportPlan) -> tuple[Section, ...]:
    """Every section says why it is empty: no loan was booked by the report's date."""
    reason = f"No loan in this currency was booked by {plan.as_of}"
    core = [_no_data(key, reason, "loans") for key in TITLES]
    workflow: list[Section] = [
        NoData(m.key, m.title, m.definition, reason, SOURCES[m.source].describe())
        for m in WORKFLOW_METRICS
    ]
    return (*core, *workflow)


def _roll_sections(finished: Finished, plan: ReportPlan) -> list[Section]:
    if finished.transitions.height == 0:
        reason = "No loan was booked at two consecutive month ends"
        return [
            _no_data(key, reason, "loans with due items and payments")
            for key in ("roll_rates", "flow_rates", "net_flow")
        ]
    cells = matrix(finished.transitions, bucket_names=plan.bucket_names)
    latest = plan.month_end_dates[-1]
    flows = flow_rates(finished.transitions, bucket_names=plan.bucket_names)
    net = (
        flows.select(
            "month", "net_flow", pl.col("month_charged_off_minor").alias("charged_off_minor")
        )
        .unique("month")
        .sort("month")
    )
    note = f"Month ending {latest}: from the month end before to this one."
    return [
        _table("roll_rates", cells.filter(pl.col("month") == latest), note),
        _table("flow_rates", flows),
        _table("net_flow", net),
    ]


def _window_sections(finished: Finished) -> list[Section]:
    frame = finished.window
    if frame.height == 0:
        return [
            _no_data(
                key,
                "No account was in arrears or charged off at the window start",
                "loans, due items and payments",
            )
            for key in ("recovery_by_bucket", "recovery_by_vintage", "cure_rate")
        ]
    total_and_buckets = pl.concat([dimension(frame, "total"), dimension(frame, "bucket")])
    return [
        _table("recovery_by_bucket", total_and_buckets),
        _table("recovery_by_vintage", dimension(frame, "vintage")),
        _table("cure_rate", total_and_buckets.filter(pl.col("delinquent") > 0)),
    ]


def _curve_sections(finished: Finished) -> list[Section]:
    found: list[Section] = []
    for key, curve in (("recovery_curves", DELINQUENCY), ("charge_off_curves", CHARGE_OFF)):
        rows = (
            finished.curves.filter(pl.col("curve") == curve)
            if finished.curves.height
            else finished.curves
        )
        if rows.height == 0:
            found.append(
                _no_data(
                    key,
                    "No cohort has a whole month after its start yet",
                    "month-end delinquency and charge-off dates",
                )
            )
        else:
            found.append(_table(key, rows))
    return found


def _cost_sections(finished: Finished) -> list[Section]:
    total = dimension(finished.window, "total") if finished.window.height else pl.DataFrame()
    collected = int(total["collected_minor"].sum()) if total.height else 0
    recovered = int(total["recovered"].sum()) if total.height else 0
    summary = cost_summary(
        finished.costs_by_treatment, collected_minor=collected, recovered=recovered
    )
    by_treatment = finished.costs_by_treatment
    return [
        _table("cost_to_collect", summary),
        _table("cost_by_treatment", by_treatment)
        if by_treatment.height
        else _no_data(
            "cost_by_treatment",
            "No action was due in the window",
            "actions(loan_id, treatment, kind, status, due_on)",
        ),
    ]


def _experiment_sections(finished: Finished, plan: ReportPlan) -> list[Section]:
    if finished.experiment_arms.height == 0:
        reason = (
            f"No account has been in an experiment for {plan.outcome_days} days yet "
            "(or the strategy has no experiments)"
        )
        expects = "decisions(loan_id, as_of, segment, experiment, arm, arm_probability)"
        return [
            _no_data(key, reason, expects)
            for key in ("experiment_arms", "experiment_comparisons", "experiment_collected")
        ]
    found: list[Section] = [_table("experiment_arms", finished.experiment_arms)]
    compared = finished.experiment_comparisons
    for key, outcome in (
        ("experiment_comparisons", "cure rate"),
        ("experiment_collected", "collected per account"),
    ):
        rows = compared.filter(pl.col("outcome") == outcome) if compared.height else compared
        found.append(
            _table(key, rows)
            if rows.height
            else _no_data(
                key, "No experiment has a champion and another arm", "experiment arms with roles"
            )
        )
    return found


def _agent_section(finished: Finished) -> Section:
    if finished.agents.height == 0:
        return _no_data(
            "agent_performance",
            "No call task in the window has been assigned to an agent yet "
            "(the agent workspace assigns them)",
            "actions(kind = call_task, assigned_to, status, due_on)",
        )
    return _table("agent_performance", finished.agents)


def _workflow_sections(finished: Finished, available: frozenset[str]) -> list[Section]:
    found: list[Section] = []
    for metric in WORKFLOW_METRICS:
        spec = SOURCES[metric.source]
        frame = finished.workflow.get(metric.key)
        if metric.source not in available:
            found.append(
                NoData(
                    metric.key,
                    metric.title,
                    metric.definition,
                    f"{spec.title}: not recorded in this database yet (kept by {spec.produced_by})",
                    spec.describe(),
                )
            )
        elif frame is None or frame.height == 0 or not frame[metric.counts].sum():
            found.append(
                NoData(
                    metric.key,
                    metric.title,
                    metric.definition,
                    f"No {spec.title.lower()} in the window",
                    spec.describe(),
                )
            )
        else:
            columns: tuple[Column, ...] = COLUMNS[metric.key]
            found.append(
                MetricTable.from_frame(
                    frame,
                    key=metric.key,
                    title=metric.title,
                    definition=metric.definition,
                    columns=columns,
                )
            )
    return found
