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

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from arrears.batch.compliance_gate import account_facts
from arrears.batch.cycle_decide import decide
from arrears.batch.cycle_features import NEGOTIATION, build_features, call_priority, call_queue
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
from arrears.services.ports import NoProgress, PartitionRecord, Progress, UnitOfWork
from arrears.services.promises import DEFAULT_TOLERANCE, refresh_promises
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
        uow.commit()
    progress.start(f"cycle {as_of}", unit="partitions")
    for partition in pending:
        with uow_factory() as uow:
            summary = decide_partition(
                uow, run_id=run_id, partition=partition, as_of=as_of, strategy=strategy,
                settings=settings, now=clock.now(),
            )  # fmt: skip
            uow.cycle.finish_partition(run_id, partition.number, summary=summary, at=clock.now())
            uow.commit()
        progress.advance(1)
    progress.finish()
    with uow_factory() as uow:
        summary = _combine(uow.cycle.partition_summaries(run_id))
        summary["strategy"] = strategy.strategy.label
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
) -> dict[str, Any]:
    """Decide and write one partition; returns its summary (counts by bucket, action, block)."""
    first, last = partition.first_loan_id, partition.last_loan_id
    accounts = uow.cycle.accounts(first, last).filter(pl.col("origination_date") <= as_of)
    ids = accounts.get_column("loan_id").to_list()
    reads = uow.reads
    loans = reads.loans(ids)
    items = due_items(
        installments_for(loans, reads.stored_installments(ids, due_by=as_of), due_by=as_of),
        reads.charges(ids),
        policy=settings.policy,
    )
    payments = reads.payments(ids)
    state = delinquency(
        items, payments, loans, as_of=as_of, policy=settings.policy, buckets=settings.buckets,
    )  # fmt: skip
    day_end = _day_end(as_of, settings.compliance.day_zone)
    milestones = uow.contacts.milestones_frame(first, last, before=day_end)
    features, history = build_features(
        accounts=accounts,
        delinquency=state,
        balances=reads.balances(ids, as_of=as_of),
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
    outcome = decide(
        features=features,
        history=history,
        holds=holds,
        facts=facts,
        contacts=contacts,
        strategy=strategy.strategy,
        as_of=as_of,
        actor=settings.compliance.actor_type,
    )
    segments, arms, decided = outcome.segments, outcome.arms, outcome.decided
    decision_rows = _decision_rows(features, segments, arms, run_id=run_id, as_of=as_of)
    action_rows = _action_rows(decided, features, run_id=run_id, as_of=as_of, now=now)
    item_rows = _item_rows(decided, run_id=run_id)
    uow.cycle.write(
        run_id=run_id,
        decision_rows=decision_rows,
        item_rows=item_rows,
        action_rows=action_rows,
        first=first,
        last=last,
    )
    return _summary(features, decided)


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


def _decision_rows(
    features: pl.DataFrame, segments: pl.DataFrame, arms: pl.DataFrame, *, run_id: int, as_of: date
) -> pl.DataFrame:
    first_arm = arms.unique(subset=["loan_id"], keep="first", maintain_order=True)
    return (
        features.select("loan_id", "dpd", "bucket", "balance_minor", "past_due_minor", "score")
        .join(segments.select("loan_id", "segment"), on="loan_id", how="left")
        .join(first_arm, on="loan_id", how="left")
        .with_columns(pl.lit(run_id).alias("run_id"), pl.lit(as_of).alias("as_of"))
        .select(
            "run_id",
            "loan_id",
            "as_of",
            "segment",
            "experiment",
            "arm",
            "arm_probability",
            "dpd",
            "bucket",
            "balance_minor",
            "past_due_minor",
            "score",
        )
    )


def _action_rows(
    decided: pl.DataFrame, features: pl.DataFrame, *, run_id: int, as_of: date, now: Any
) -> pl.DataFrame:
    planned = decided.filter(pl.col("status") == "planned").join(
        features.select(
            "loan_id", "borrower_id", "dpd", "balance_minor", "promise", "score", "charged_off"
        ),
        on="loan_id",
    )
    is_call = pl.col("kind") == "call_task"
    details = pl.struct("segment", "rule", "experiment", "arm", "disclosures").map_elements(
        lambda row: json.dumps({k: v for k, v in row.items() if v is not None}),
        return_dtype=pl.Utf8,
    )
    return planned.select(
        pl.lit(run_id).alias("run_id"),
        "loan_id",
        "borrower_id",
        "treatment",
        "kind",
        "channel",
        "template",
        "category",
        pl.when(is_call)
        .then(call_queue())
        .when(pl.col("kind") == "review")
        .then(pl.col("review_queue"))
        .otherwise(pl.col("channel"))
        .alias("queue"),
        pl.when(is_call).then(call_priority()).otherwise(pl.col("priority")).alias("priority"),
        pl.lit("pending").alias("status"),
        pl.lit(as_of).alias("due_on"),
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
        details.alias("details"),
    )


def _item_rows(decided: pl.DataFrame, *, run_id: int) -> pl.DataFrame:
    return decided.select(
        pl.lit(run_id).alias("run_id"),
        "loan_id",
        "treatment",
        pl.col("order").alias("rank"),
        "rule",
        "status",
        "blocked_by",
        pl.col("reason").str.slice(0, 300),
        pl.col("source").str.slice(0, 200),
        pl.lit(None, dtype=pl.Int64).alias("action_id"),
    )


def _summary(features: pl.DataFrame, decided: pl.DataFrame) -> dict[str, Any]:
    planned = decided.filter(pl.col("status") == "planned")
    blocked = decided.filter(pl.col("status") == "blocked")
    reasons = blocked.select(
        pl.when(pl.col("blocked_by") == "hold")
        .then(pl.lit("hold: ") + pl.col("reason").str.extract(r"^(\w+) hold", 1))
        .when(pl.col("blocked_by") == "compliance")
        .then(pl.lit("compliance: ") + pl.col("reason").str.extract(r"^([\w.]+):", 1))
        .otherwise(pl.col("reason"))
        .alias("why")
    )
    return {
        "buckets": dict(Counter(features.get_column("bucket").to_list())),
        "actions": dict(Counter(planned.get_column("treatment").to_list())),
        "blocked": dict(Counter(reasons.get_column("why").to_list())),
        "accounts": features.height,
    }


def _combine(parts: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {"buckets": Counter(), "actions": Counter(), "blocked": Counter()}
    accounts = 0
    for part in parts:
        for key in ("buckets", "actions", "blocked"):
            total[key].update(part.get(key, {}))
        accounts += int(part.get("accounts", 0))
    return {**{k: dict(v) for k, v in total.items()}, "accounts": accounts}


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
