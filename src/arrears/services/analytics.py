"""The analytics report: every metric as of a date, computed from the event history.

``compute_report`` is the one entry point for the ``arrears report`` command and the supervisor
dashboard. It reads the portfolio one partition of loans at a time (from the database or a
Parquet export, through the ``AnalyticsReads`` port) and, at most ``partition_loans`` loans at
a time (``analytics.partition_inputs``), rebuilds each loan's standing on every date the
metrics need (``batch.delinquency.delinquency_at`` and ``analytics.snapshots``) and adds the
partial sums to an ``analytics.accumulator.ReportAccumulator``; only those sums outlive a
slice. At the end it lays the figures out as a ``Report``. Nothing is read from stored
snapshots, so a payment backdated today changes every past figure it should.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Any, Protocol

import polars as pl

from arrears.analytics import experiments, inputs
from arrears.analytics.accumulator import PartitionFrames, ReportAccumulator
from arrears.analytics.balances import Balances, balances
from arrears.analytics.goal_series import goal_series, progress
from arrears.analytics.goals import Goal, goals_frame
from arrears.analytics.partition_inputs import PartitionInputs
from arrears.analytics.plan import ReportPlan
from arrears.analytics.report_model import Report
from arrears.analytics.sections import build_sections
from arrears.analytics.snapshots import SNAPSHOTS, Snapshots, snapshots
from arrears.analytics.sources import SOURCES
from arrears.analytics.strategy_frames import treatment_costs
from arrears.batch.delinquency import delinquency_at
from arrears.batch.installments import installments_for
from arrears.batch.items import due_items
from arrears.domain.allocation import WaterfallPolicy
from arrears.domain.clock import Clock
from arrears.domain.delinquency import BucketScheme
from arrears.errors import ArrearsError
from arrears.services.goals import GoalStore
from arrears.services.ports import NoProgress, Progress
from arrears.strategy.catalogue import default_catalogue


@dataclass(frozen=True)
class Partition:
    """A slice of loans read together. ``loan_ids`` may be empty when the source partitions by
    itself (a Parquet export's files)."""

    number: int
    loan_ids: list[int]


class AnalyticsReads(Protocol):
    """What the metrics read, partition by partition (frames in ``analytics.inputs`` terms)."""

    def available_sources(self) -> frozenset[str]:
        """Names of the ``analytics.sources`` whose records exist."""
        ...

    def currencies(self) -> dict[str, int]: ...
    def partitions(self, *, size: int) -> list[Partition]: ...
    def loans(self, partition: Partition) -> pl.DataFrame:
        """``inputs.LOANS`` plus the batch loan columns and ``schedule_source``."""
        ...

    def stored_installments(self, partition: Partition, *, due_by: date) -> pl.DataFrame: ...
    def charges(self, partition: Partition) -> pl.DataFrame: ...
    def payments(self, partition: Partition) -> pl.DataFrame:
        """``batch.frames.PAYMENTS``."""
        ...

    def adjustments(self, partition: Partition) -> pl.DataFrame: ...
    def decisions(self, partition: Partition, *, segments: Sequence[str]) -> pl.DataFrame:
        """Decisions made in the given segments (those experiments run in)."""
        ...

    def actions(self, partition: Partition, *, after: date) -> pl.DataFrame: ...
    def source(self, name: str, partition: Partition | None) -> pl.DataFrame: ...
    def experiment_arms(self, *, buckets: BucketScheme) -> pl.DataFrame: ...


class AnalyticsUnitOfWork(Protocol):
    def __enter__(self) -> AnalyticsUnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    @property
    def analytics(self) -> AnalyticsReads: ...
    @property
    def goals(self) -> GoalStore: ...


@dataclass(frozen=True)
class ReportSettings:
    """How a report is computed: the bucket scheme and waterfall of the daily cycle, loans per
    partition, and the report's periods and test parameters (``analytics.plan.ReportPlan``)."""

    buckets: BucketScheme
    policy: WaterfallPolicy
    partition_loans: int = 50_000
    months: int = 12
    window_days: int = 30
    trend_days: int = 30
    outcome_days: int = 30
    curve_months: int = 12
    confidence: float = 0.95
    power: float = 0.8
    effect: float | None = None


def compute_report(
    uow_factory: Callable[[], AnalyticsUnitOfWork],
    *,
    as_of: date,
    clock: Clock,
    settings: ReportSettings,
    currency: str | None = None,
    goals: Sequence[Goal] | None = None,
    progress_to: Progress | None = None,
) -> Report:
    """Every metric of the report as of ``as_of`` (goals from the store unless given)."""
    today = clock.today()
    if as_of > today:
        raise ArrearsError(f"--as-of {as_of} is in the future (today is {today})")
    shown = progress_to or NoProgress()
    with uow_factory() as uow:
        reads = uow.analytics
        chosen = _currency(reads.currencies(), currency)
        tracked = list(goals) if goals is not None else uow.goals.all()
        plan = _plan(as_of, settings, with_goals=bool(tracked))
        available = reads.available_sources()
        arms = reads.experiment_arms(buckets=settings.buckets)
        accumulator = ReportAccumulator(
            plan, treatment_costs=treatment_costs(default_catalogue()), arms=arms
        )
        parts = reads.partitions(size=settings.partition_loans)
        shown.start(f"report as of {as_of}", unit="partitions")
        for part in parts:
            read = _read_partition(
                reads, part, plan=plan, currency=chosen, arms=arms, available=available
            )
            if read is not None:
                _add_slices(accumulator, read, plan=plan, settings=settings, arms=arms)
            del read
            shown.advance(1)
        for name in sorted(available):
            if not SOURCES[name].partitioned:
                accumulator.add_source(name, reads.source(name, None), payments=_no_payments())
        shown.finish()
    finished = accumulator.finish(available=available)
    goal_rows = tuple(
        progress(goal, goal_series(finished.goal_measures, goal, days=plan.goal_days), as_of=as_of)
        for goal in tracked
    )
    return Report(
        as_of=as_of,
        generated_at=clock.now(),
        currency=chosen or "",
        accounts=finished.accounts,
        settings=plan.settings(),
        sections=build_sections(finished, plan, available=available),
        goals=goal_rows,
    )


def _plan(as_of: date, settings: ReportSettings, *, with_goals: bool) -> ReportPlan:
    return ReportPlan(
        as_of=as_of,
        bucket_names=tuple(settings.buckets.names),
        months=settings.months,
        window_days=settings.window_days,
        trend_days=settings.trend_days,
        outcome_days=settings.outcome_days,
        curve_months=settings.curve_months,
        confidence=settings.confidence,
        power=settings.power,
        effect=settings.effect,
        with_goals=with_goals,
    )


def _currency(found: dict[str, int], wanted: str | None) -> str | None:
    """The one currency the report is in: amounts of different currencies never add up."""
    if wanted is not None:
        if wanted not in found:
            raise ArrearsError(
                f"no loans in {wanted} (the portfolio has {sorted(found) or 'none'})"
            )
        return wanted
    if len(found) > 1:
        raise ArrearsError(
            f"the portfolio has loans in {', '.join(sorted(found))}: choose one with --currency"
        )
    return next(iter(found), None)


def _read_partition(
    reads: AnalyticsReads,
    part: Partition,
    *,
    plan: ReportPlan,
    currency: str | None,
    arms: pl.DataFrame,
    available: frozenset[str],
) -> PartitionInputs | None:
    """Read one partition: the loans in the report's currency booked by its date, and their
    rows."""
    loans = reads.loans(part).filter(
        (pl.col("currency") == currency) & (pl.col("origination_date") <= plan.as_of)
    )
    if loans.height == 0:
        return None
    ids = loans["loan_id"].implode()
    mine = pl.col("loan_id").is_in(ids)
    segments = sorted(set(arms["segment"].to_list()))
    decided = (
        reads.decisions(part, segments=segments) if segments else inputs.empty(inputs.DECISIONS)
    )
    return PartitionInputs(
        loans=loans,
        installments=reads.stored_installments(part, due_by=plan.as_of).filter(mine),
        charges=reads.charges(part).filter(mine),
        payments=inputs.with_cash(reads.payments(part).filter(mine)),
        adjustments=reads.adjustments(part).filter(mine),
        decisions=decided.filter(mine),
        actions=reads.actions(part, after=plan.actions_after).filter(mine),
        sources={
            name: reads.source(name, part).filter(mine)
            for name in sorted(available)
            if SOURCES[name].partitioned
        },
    )


def _add_slices(
    accumulator: ReportAccumulator,
    read: PartitionInputs,
    *,
    plan: ReportPlan,
    settings: ReportSettings,
    arms: pl.DataFrame,
) -> None:
    """Derive and add the partition ``settings.partition_loans`` loans at a time: one slice's
    derived frames are released before the next is built, so memory does not depend on how
    large the source's partitions are."""
    for piece in read.slices(settings.partition_loans):
        accumulator.add(_derive(piece, plan=plan, settings=settings, arms=arms))


def _derive(
    read: PartitionInputs, *, plan: ReportPlan, settings: ReportSettings, arms: pl.DataFrame
) -> PartitionFrames:
    """Rebuild every loan's standing on the plan's dates."""
    loans, payments = read.loans, read.payments
    items = due_items(
        installments_for(loans, read.installments, due_by=plan.as_of),
        read.charges,
        policy=settings.policy,
    )
    owed = balances(loans, items, payments, read.adjustments)
    states = delinquency_at(
        items,
        payments,
        loans,
        dates=plan.snapshot_dates,
        policy=settings.policy,
        buckets=settings.buckets,
    )
    snaps = _snapshots(states, loans, owed, settings)
    del states
    entered = experiments.entrants(
        read.decisions, arms, as_of=plan.as_of, outcome_days=plan.outcome_days
    )
    return PartitionFrames(
        loans=loans,
        snapshots=snaps,
        owed=owed,
        payments=payments,
        actions=read.actions,
        entrants=entered,
        outcome_states=_outcome_states(
            entered,
            snaps=snaps,
            loans=loans,
            items=items,
            payments=payments,
            owed=owed,
            settings=settings,
        ),
        sources=read.sources,
    )


def _outcome_states(
    entered: pl.DataFrame,
    *,
    snaps: Snapshots,
    loans: pl.DataFrame,
    items: pl.DataFrame,
    payments: pl.DataFrame,
    owed: Balances,
    settings: ReportSettings,
) -> pl.DataFrame:
    """Snapshots of experiment entrants on their own outcome dates only: taken from ``snaps``
    on the dates it covers (most of them, with goals), rebuilt for the entrants on the others."""
    if entered.height == 0:
        return pl.DataFrame(schema=SNAPSHOTS)
    wanted = entered.select("loan_id", pl.col("outcome_on").alias("as_of")).unique()
    rows = [snaps.frame.join(wanted, on=["loan_id", "as_of"], how="semi")]
    missing = sorted(set(entered["outcome_on"].unique().to_list()) - set(snaps.blocks))
    if missing:
        ids = entered.filter(pl.col("outcome_on").is_in(missing))["loan_id"].unique().implode()
        own = loans.filter(pl.col("loan_id").is_in(ids))
        states = delinquency_at(
            items.filter(pl.col("loan_id").is_in(ids)),
            payments.filter(pl.col("loan_id").is_in(ids)),
            own,
            dates=missing,
            policy=settings.policy,
            buckets=settings.buckets,
        )
        rebuilt = _snapshots(states, own, owed, settings).frame
        rows.append(rebuilt.join(wanted, on=["loan_id", "as_of"], how="semi"))
    return pl.concat(rows).with_columns(pl.col("segment").cast(pl.String))


def _snapshots(
    states: pl.DataFrame, loans: pl.DataFrame, owed: Balances, settings: ReportSettings
) -> Snapshots:
    return snapshots(
        states,
        loans,
        owed,
        bucket_starts=settings.buckets.starts,
        bucket_names=settings.buckets.names,
    )


def _no_payments() -> pl.DataFrame:
    return inputs.empty(inputs.PAYMENTS)


class FrameSink(Protocol):
    """Where an export's frames go (a directory of Parquet files)."""

    def write(self, frame_name: str, partition: int | None, frame: pl.DataFrame) -> None: ...
    def finish(self, meta: dict[str, Any]) -> None: ...


def export_frames(
    uow_factory: Callable[[], AnalyticsUnitOfWork],
    sink: FrameSink,
    *,
    clock: Clock,
    settings: ReportSettings,
    progress_to: Progress | None = None,
) -> dict[str, int]:
    """Write every frame the report reads, partition by partition; returns rows per frame.

    The export holds the whole event history (not figures), so a report computed from it
    (``arrears report --from-parquet``) can be as of any date the history covers.
    """
    shown = progress_to or NoProgress()
    rows: Counter[str] = Counter()
    with uow_factory() as uow:
        reads = uow.analytics
        available = reads.available_sources()
        parts = reads.partitions(size=settings.partition_loans)
        arms = reads.experiment_arms(buckets=settings.buckets)
        segments = sorted(set(arms["segment"].to_list()))
        shown.start("export", unit="partitions")
        for part in parts:
            frames = {
                "loans": reads.loans(part),
                "installments": reads.stored_installments(part, due_by=date.max),
                "charges": reads.charges(part),
                "payments": reads.payments(part),
                "adjustments": reads.adjustments(part),
                "decisions": reads.decisions(part, segments=segments),
                "actions": reads.actions(part, after=date.min),
                **{
                    f"sources/{name}": reads.source(name, part)
                    for name in sorted(available)
                    if SOURCES[name].partitioned
                },
            }
            for name, frame in frames.items():
                sink.write(name, part.number, frame)
                rows[name] += frame.height
            shown.advance(1)
        for name in sorted(available):
            if not SOURCES[name].partitioned:
                sink.write(f"sources/{name}", None, reads.source(name, None))
        sink.write("experiment_arms", None, arms)
        sink.write("goals", None, goals_frame(uow.goals.all()))
        sink.finish(
            {
                "exported_at": clock.now().isoformat(),
                "partitions": len(parts),
                "currencies": reads.currencies(),
                "sources": sorted(available),
                "rows": dict(rows),
            }
        )
        shown.finish()
    return dict(rows)
