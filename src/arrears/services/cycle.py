"""The daily collections cycle: for every account, what happens next and why (DESIGN §4).

One run per as-of date. The run's partitions (ranges of loan ids) are fixed when it starts and
each is decided and written in its own transaction, so a run killed half way is finished by
running the same date again, and a completed date is reported and left alone. For each
partition: delinquency, promises and plans re-derived from payments, features (with the
contact log's facts) → segments, experiment arms and due treatments → holds → the compliance
gate's day-level rules → decisions (planned, or blocked with the hold, rule or missing
requirement that stopped them) → actions (messages with the disclosures they must carry,
prioritised call tasks in work queues, review items).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from arrears.batch.compliance_gate import account_facts
from arrears.batch.cycle_decide import decide
from arrears.batch.cycle_features import NEGOTIATION, build_features
from arrears.batch.cycle_partition import PartitionFrames, decide_rows
from arrears.batch.cycle_rows import combine_summaries, cycle_rows
from arrears.batch.delinquency import delinquency
from arrears.batch.installments import installments_for
from arrears.batch.items import due_items
from arrears.compliance.settings import DEFAULT_SETTINGS, ComplianceSettings
from arrears.domain.allocation import WaterfallPolicy
from arrears.domain.clock import Clock
from arrears.domain.delinquency import BucketScheme
from arrears.domain.promises import Tolerance
from arrears.errors import ArrearsError
from arrears.services.collateral_timers import advance_cases
from arrears.services.plans import refresh_plans
from arrears.services.ports import (
    ModelSource,
    NoProgress,
    PartitionRecord,
    Progress,
    UnitOfWork,
)
from arrears.services.promises import DEFAULT_TOLERANCE, refresh_promises
from arrears.services.scoring import (
    SUMMARY_KEY,
    combine_optimiser,
    load_model,
    optimise_partition,
    run_prices,
    score_partition,
)
from arrears.services.strategies import ActiveStrategy, active_strategy

#: How far back the contact log is read for the frequency rules (the longest window: MA 30).
CONTACT_WINDOW_DAYS = 31


@dataclass(frozen=True)
class CycleSettings:
    buckets: BucketScheme
    policy: WaterfallPolicy
    partition_loans: int = 50_000
    compliance: ComplianceSettings = DEFAULT_SETTINGS
    promise_tolerance: Tolerance = DEFAULT_TOLERANCE
    models: ModelSource | None = None  # scoring models, for strategies that optimise


@dataclass
class CycleReport:
    as_of: date
    run_id: int
    status: str  # completed | already completed
    strategy: str
    accounts_by_bucket: dict[str, int] = field(default_factory=dict)
    actions_by_treatment: dict[str, int] = field(default_factory=dict)
    blocked_by_reason: dict[str, int] = field(default_factory=dict)
    partitions_run: int = 0


def partition_bounds(loan_ids: list[int], size: int) -> list[tuple[int, int]]:
    ids = np.array(loan_ids, dtype=np.int64)
    return [
        (int(ids[start]), int(ids[min(start + size, len(ids)) - 1]))
        for start in range(0, len(ids), size)
    ]


def run_cycle(
    *,
    as_of: date,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    settings: CycleSettings,
    actor: str = "cycle",
    progress: Progress | None = None,
) -> CycleReport:
    progress = progress or NoProgress()
    with uow_factory() as uow:
        run_id, strategy, existing = _open_run(uow, as_of=as_of, clock=clock, settings=settings)
        if existing is not None:
            return _report(as_of, run_id, "already completed", existing)
        pending = uow.cycle.pending_partitions(run_id)
        optimise = strategy.strategy.optimise
        total = len(uow.cycle.loan_ids()) if optimise and not optimise.per_accounts else None
        uow.commit()
    progress.start(f"cycle {as_of}", unit="partitions")
    for partition in pending:
        with uow_factory() as uow:
            summary = decide_partition(
                uow, run_id=run_id, partition=partition, as_of=as_of, strategy=strategy,
                settings=settings, now=clock.now(), total_accounts=total,
            )  # fmt: skip
            uow.cycle.finish_partition(run_id, partition.number, summary=summary, at=clock.now())
            uow.commit()
        progress.advance(1)
    progress.finish()
    with uow_factory() as uow:
        parts = uow.cycle.partition_summaries(run_id)
        summary = combine_summaries(parts)
        summary["strategy"] = strategy.strategy.label
        if strategy.strategy.optimise is not None:
            summary[SUMMARY_KEY] = combine_optimiser(parts)
        uow.cycle.finish(run_id, summary=summary, at=clock.now())
        uow.audit.record(
            at=clock.now(),
            actor=actor,
            action="cycle.completed",
            entity_type="cycle_run",
            entity_id=str(run_id),
            details={"as_of": as_of.isoformat(), **summary},
        )
        advance_cases(uow, as_of=as_of, at=clock.now())  # repossession timers
        uow.commit()
    report = _report(as_of, run_id, "completed", summary)
    report.partitions_run = len(pending)
    return report


def _open_run(
    uow: UnitOfWork, *, as_of: date, clock: Clock, settings: CycleSettings
) -> tuple[int, ActiveStrategy, dict[str, Any] | None]:
    """The run for ``as_of``: refused dates, an existing run, or a new one with its partitions."""
    today = clock.today()
    if as_of > today:
        raise ArrearsError(f"{as_of} is in the future (today is {today}): a cycle decides on facts")
    earliest = uow.cycle.earliest_origination()
    if earliest is None:
        raise ArrearsError("the portfolio is empty: import loans before running the cycle")
    if as_of < earliest:
        raise ArrearsError(f"{as_of} is before the portfolio starts ({earliest})")
    strategy = active_strategy(uow, buckets=settings.buckets)
    run = uow.cycle.run_for(as_of)
    if run is not None and run.status == "completed":
        return run.id, strategy, run.summary
    if run is not None:
        return run.id, strategy, None
    bounds = partition_bounds(uow.cycle.loan_ids(), settings.partition_loans)
    run_id = uow.cycle.start(
        as_of=as_of,
        strategy=strategy.strategy.name,
        version=strategy.strategy.version,
        digest=strategy.digest,
        bounds=bounds,
        at=clock.now(),
    )
    return run_id, strategy, None


def decide_partition(
    uow: UnitOfWork,
    *,
    run_id: int,
    partition: PartitionRecord,
    as_of: date,
    strategy: ActiveStrategy,
    settings: CycleSettings,
    now: Any,
    total_accounts: int | None = None,
) -> dict[str, Any]:
    """Decide and write one partition; returns its summary (counts by bucket, action, block)."""
    first, last = partition.first_loan_id, partition.last_loan_id
    frames = partition_frames(uow, first=first, last=last, as_of=as_of, settings=settings, now=now)
    if strategy.strategy.optimise is not None:
        return _decide_optimised(
            uow, frames, run_id=run_id, first=first, last=last, as_of=as_of,
            strategy=strategy, settings=settings, now=now, total_accounts=total_accounts,
        )  # fmt: skip
    rows = decide_rows(
        frames,
        strategy=strategy.strategy,
        as_of=as_of,
        actor=settings.compliance.actor_type,
        run_id=run_id,
        now=now,
    )
    uow.cycle.write(
        run_id=run_id,
        decision_rows=rows.decisions,
        item_rows=rows.items,
        action_rows=rows.actions,
        first=first,
        last=last,
    )
    return rows.summary


def _decide_optimised(
    uow: UnitOfWork,
    frames: PartitionFrames,
    *,
    run_id: int,
    first: int,
    last: int,
    as_of: date,
    strategy: ActiveStrategy,
    settings: CycleSettings,
    now: Any,
    total_accounts: int | None,
) -> dict[str, Any]:
    """Scores → decisions → the optimiser at the run's prices → rows, with the model version
    on every decision and the scores and explanations in ``decision_values``
    (``services.scoring``)."""
    model = load_model(settings.models, strategy.strategy)
    assert model is not None
    ids = frames.features.get_column("loan_id").to_list()
    scored = score_partition(
        model, features=frames.features, payments=uow.reads.payments(ids),
        contacts=frames.contacts, as_of=as_of,
    )  # fmt: skip
    frames = replace(frames, features=scored.features)
    outcome = decide(
        features=frames.features, history=frames.history, holds=frames.holds,
        facts=frames.facts, contacts=frames.contacts, strategy=strategy.strategy, as_of=as_of,
        actor=settings.compliance.actor_type,
    )  # fmt: skip
    decided, values, optimiser = optimise_partition(
        outcome.decided, scored, strategy=strategy.strategy, accounts=frames.features.height,
        of=total_accounts, prices=run_prices(uow.cycle.partition_summaries(run_id)),
    )  # fmt: skip
    rows = cycle_rows(
        frames.features, replace(outcome, decided=decided), run_id=run_id, as_of=as_of, now=now
    )
    uow.cycle.write(
        run_id=run_id,
        decision_rows=rows.decisions.with_columns(pl.lit(model.version).alias("model_version")),
        item_rows=rows.items,
        action_rows=rows.actions,
        first=first,
        last=last,
    )
    uow.decision_engine.write_values(values.with_columns(pl.lit(run_id, pl.Int64).alias("run_id")))
    return {**rows.summary, SUMMARY_KEY: optimiser}


def partition_frames(
    uow: UnitOfWork, *, first: int, last: int, as_of: date, settings: CycleSettings, now: Any
) -> PartitionFrames:
    """What the decision step reads about loans ``first``..``last`` on ``as_of``, from the
    database (promises and plans are re-derived on the way; their changes are stored in
    ``uow``'s transaction). The snapshot export writes exactly these frames."""
    accounts = uow.cycle.accounts(first, last).filter(pl.col("origination_date") <= as_of)
    ids = accounts.get_column("loan_id").to_list()
    reads = uow.reads
    # The two largest reads on connections of their own while this one reads the rest
    # (before anything is written: they see the transaction's snapshot, not its writes).
    payments_read = reads.alongside(lambda side: side.payment_amounts(ids))
    balances_read = reads.alongside(lambda side: side.balances(ids, as_of=as_of))
    loans = reads.loans(ids)
    items = due_items(
        installments_for(loans, reads.stored_installments(ids, due_by=as_of), due_by=as_of),
        reads.charges(ids),
        policy=settings.policy,
    )
    payments = payments_read()
    state = delinquency(
        items, payments, loans, as_of=as_of, policy=settings.policy, buckets=settings.buckets,
    )  # fmt: skip
    day_end = _day_end(as_of, settings.compliance.day_zone)
    milestones = uow.contacts.milestones_frame(first, last, before=day_end)
    features, history = build_features(
        accounts=accounts,
        delinquency=state,
        balances=balances_read(),
        contact_points=uow.cycle.contact_points(first, last),
        collateral_values=uow.cycle.collateral_values(first, last, as_of=as_of),
        past_actions=uow.cycle.past_actions(first, last, before=as_of),
        as_of=as_of,
        negotiation=_negotiation(
            uow, first=first, last=last, payments=payments, milestones=milestones,
            as_of=as_of, settings=settings, now=now,
        ),
    )  # fmt: skip
    holds = uow.holds.active_frame(first_loan_id=first, last_loan_id=last, on=as_of)
    facts = account_facts(
        features=features, milestones=milestones, profiles=uow.gate.partition_profiles(first, last),
        delinquency=state, payments=payments, as_of=as_of, day_zone=settings.compliance.day_zone,
    )  # fmt: skip
    contacts = uow.contacts.recent_frame(
        first, last, since=day_end - timedelta(days=CONTACT_WINDOW_DAYS), before=day_end
    ).select(
        "loan_id", "channel", "direction",
        pl.col("at").dt.convert_time_zone(settings.compliance.day_zone).dt.date().alias("day"),
        "outcome", "contact_point_kind",
    )  # fmt: skip
    return PartitionFrames(
        features=features, history=history, holds=holds, facts=facts, contacts=contacts
    )


def _day_end(as_of: date, zone: str) -> datetime:
    """The first instant after ``as_of`` in the compliance day zone (contacts logged up to it
    count for that date)."""
    return datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))


def _negotiation(
    uow: UnitOfWork,
    *,
    first: int,
    last: int,
    payments: pl.DataFrame,
    milestones: pl.DataFrame,
    as_of: date,
    settings: CycleSettings,
    now: Any,
) -> pl.DataFrame:
    """``NEGOTIATION`` for the partition: promises and plans re-derived (changes stored and
    audited), the last contact and the validation notice from the contact log."""
    tolerance = settings.promise_tolerance
    promises = refresh_promises(
        uow, first=first, last=last, payments=payments, as_of=as_of, tolerance=tolerance, now=now
    )
    plans = refresh_plans(
        uow, first=first, last=last, payments=payments, as_of=as_of, tolerance=tolerance, now=now
    )
    zone = settings.compliance.day_zone
    contacted = milestones.select(
        "loan_id",
        pl.col("last_contact_at").dt.convert_time_zone(zone).dt.date().alias("last_contact_on"),
        pl.col("validation_sent_at")
        .dt.convert_time_zone(zone)
        .dt.date()
        .alias("validation_sent_on"),
    )
    frame = contacted.join(promises, on="loan_id", how="full", coalesce=True).join(
        plans, on="loan_id", how="full", coalesce=True
    )
    return frame.select([pl.col(n).cast(t) for n, t in NEGOTIATION.items()])


def _report(as_of: date, run_id: int, status: str, summary: dict[str, Any]) -> CycleReport:
    return CycleReport(
        as_of=as_of,
        run_id=run_id,
        status=status,
        strategy=str(summary.get("strategy", "")),
        accounts_by_bucket=dict(summary.get("buckets", {})),
        actions_by_treatment=dict(summary.get("actions", {})),
        blocked_by_reason=dict(summary.get("blocked", {})),
    )
