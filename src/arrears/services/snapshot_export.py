"""``arrears snapshot export``: freeze what the cycle would decide from on a date, as a snapshot.

Partition by partition (ranges of loan ids, as the cycle runs), the frames are built by the
database engine's own ``services.cycle.partition_frames`` and handed to a sink (Parquet files).
The export changes nothing: each partition's transaction is rolled back, so promises and plans
re-derived on the way are not stored (the cycle stores them when it runs). The strategy in
force is written with its texts, so the snapshot decides alone, anywhere. When that strategy
optimises, each partition's payment facts (what its scoring model reads of payments) are
written too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from arrears.batch.scoring.cycle_inputs import payment_facts
from arrears.domain.clock import Clock
from arrears.errors import ArrearsError
from arrears.services.cycle import CycleSettings, partition_bounds, partition_frames
from arrears.services.ports import NoProgress, Progress, UnitOfWork
from arrears.services.snapshot_ports import Manifest, SnapshotSink, strategy_bundle


def export_snapshot(
    *,
    as_of: date,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    settings: CycleSettings,
    sink: SnapshotSink,
    progress: Progress | None = None,
) -> Manifest:
    """Write the snapshot of ``as_of`` to ``sink``; the same dates are refused as by the cycle."""
    progress = progress or NoProgress()
    now = clock.now()
    try:
        with uow_factory() as uow:
            _check_date(uow, as_of=as_of, today=clock.today())
            bundle = strategy_bundle(uow, buckets=settings.buckets)
            bounds = partition_bounds(uow.cycle.loan_ids(), settings.partition_loans)
            optimises = bundle.load(settings.buckets).optimise is not None
        progress.start(f"snapshot {as_of}", unit="partitions")
        for first, last in bounds:
            with uow_factory() as uow:
                frames = partition_frames(
                    uow, first=first, last=last, as_of=as_of, settings=settings, now=now
                )
                ids = frames.features.get_column("loan_id").to_list()
                paid = payment_facts(uow.reads.payments(ids), as_of=as_of) if optimises else None
                uow.rollback()
            sink.write(frames, first=first, last=last, paid=paid)
            progress.advance(1)
        progress.finish()
        return sink.finish(
            as_of=as_of,
            created_at=now,
            strategy=bundle,
            buckets=[(b.name, b.min_dpd) for b in settings.buckets.buckets],
            actor=settings.compliance.actor_type.value,
        )
    except BaseException:
        sink.abort()
        raise


def _check_date(uow: UnitOfWork, *, as_of: date, today: date) -> None:
    if as_of > today:
        raise ArrearsError(f"{as_of} is in the future (today is {today}): a snapshot is of facts")
    earliest = uow.cycle.earliest_origination()
    if earliest is None:
        raise ArrearsError("the portfolio is empty: import loans before taking a snapshot")
    if as_of < earliest:
        raise ArrearsError(f"{as_of} is before the portfolio starts ({earliest})")
