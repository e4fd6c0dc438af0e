"""``arrears cycle --engine polars``: the daily cycle decided from a snapshot, on one machine.

The snapshot's accounts are cut into ranges of loan ids (``partition_accounts`` each) and every
range is decided by the same pure call as the database engine (``batch.cycle_partition.
decide_rows``), so the rows are the same whatever the engine and whatever the partition size.
Memory follows the partition, not the portfolio: while one partition is decided the next is
read and the previous one written, each on its own thread (Polars and Parquet I/O release the
interpreter), and at most one partition waits in each of those places.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from arrears.batch.cycle_partition import PartitionFrames, decide_rows
from arrears.batch.cycle_rows import combine_summaries
from arrears.compliance.model import ActorType
from arrears.domain.clock import Clock
from arrears.services.ports import NoProgress, Progress
from arrears.services.snapshot_ports import (
    DecisionSink,
    RunManifest,
    SnapshotSource,
    default_run_id,
    ranges,
)

DEFAULT_PARTITION_ACCOUNTS = 500_000


@dataclass(frozen=True)
class SnapshotCycleSettings:
    partition_accounts: int = DEFAULT_PARTITION_ACCOUNTS
    run_id: int | None = None  # default: the as-of date as YYYYMMDD


def decide_snapshot(
    *,
    source: SnapshotSource,
    sink: DecisionSink,
    clock: Clock,
    settings: SnapshotCycleSettings | None = None,
    progress: Progress | None = None,
) -> RunManifest:
    """Decide every account of ``source`` and write the run to ``sink``; returns its manifest."""
    settings = settings or SnapshotCycleSettings()
    progress = progress or NoProgress()
    manifest = source.manifest
    strategy = manifest.strategy.load(manifest.bucket_scheme)
    run_id = settings.run_id if settings.run_id is not None else default_run_id(manifest.as_of)
    actor = ActorType(manifest.actor)
    now = clock.now()
    bounds = ranges(source.loan_ids(), settings.partition_accounts)
    summaries = []
    rows_written = {"decisions": 0, "decision_items": 0, "actions": 0}
    progress.start(f"cycle {manifest.as_of} from {source.location}", unit="partitions")
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="snapshot-io") as io:
        writing: Future[None] | None = None
        try:
            for frames in _prefetched(source, bounds, io):
                rows = decide_rows(
                    frames, strategy=strategy, as_of=manifest.as_of, actor=actor,
                    run_id=run_id, now=now,
                )  # fmt: skip
                if writing is not None:
                    writing.result()
                writing = io.submit(sink.write, rows)
                summaries.append(rows.summary)
                for table, frame in zip(rows_written, (rows.decisions, rows.items, rows.actions),
                                        strict=True):  # fmt: skip
                    rows_written[table] += frame.height
                progress.advance(1)
            if writing is not None:
                writing.result()
        except BaseException:
            sink.abort()
            raise
    progress.finish()
    summary = combine_summaries(summaries)
    summary["strategy"] = strategy.label
    run = RunManifest(
        as_of=manifest.as_of,
        run_id=run_id,
        engine="polars",
        created_at=now,
        snapshot=source.location,
        strategy=manifest.strategy.describe(),
        rows=rows_written,
        partitions=len(bounds),
        summary=summary,
    )
    sink.finish(run)
    return run


def _prefetched(
    source: SnapshotSource, bounds: list[tuple[int, int]], io: ThreadPoolExecutor
) -> Iterator[PartitionFrames]:
    """Each range's frames, the next one read while the current one is decided."""
    pending = [io.submit(source.partition, first, last) for first, last in bounds[:1]]
    for index in range(len(bounds)):
        if index + 1 < len(bounds):
            pending.append(io.submit(source.partition, *bounds[index + 1]))
        yield pending.pop(0).result()
