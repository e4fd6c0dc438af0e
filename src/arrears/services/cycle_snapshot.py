"""``arrears cycle --engine polars``: the daily cycle decided from a snapshot, on one machine.

The snapshot's accounts are cut into ranges of loan ids (``partition_accounts`` each) and every
range is decided by the same pure call as the database engine (``batch.cycle_partition.
decide_rows``), so the rows are the same whatever the engine and whatever the partition size.
Memory follows the partition, not the portfolio: while one partition is decided the next is
read and the previous one written, each on its own thread (Polars and Parquet I/O release the
interpreter), and at most one partition waits in each of those places.

A strategy that optimises is decided as ``services.snapshot_optimise`` says: prices solved
once on a sample of the whole book, then the snapshot's own partitions (its blocks) decided in
turn with their share of the capacities, whatever ``partition_accounts`` says.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from arrears.batch.cycle_partition import PartitionFrames, decide_rows
from arrears.batch.cycle_rows import CycleRows, combine_summaries
from arrears.batch.scoring.model import RecoveryModel
from arrears.compliance.model import ActorType
from arrears.domain.clock import Clock
from arrears.errors import ConfigurationError
from arrears.services.ports import NoProgress, Progress
from arrears.services.scoring import SUMMARY_KEY, combine_optimiser
from arrears.services.snapshot_optimise import (
    SAMPLE_ACCOUNTS,
    OptimiseRun,
    book_prices,
    decide_block,
    sample_menu,
    sample_threshold,
    sampled,
)
from arrears.services.snapshot_ports import (
    DecisionSink,
    RunManifest,
    SnapshotSource,
    default_run_id,
    ranges,
)
from arrears.strategy.model import Strategy

DEFAULT_PARTITION_ACCOUNTS = 500_000


@dataclass(frozen=True)
class SnapshotCycleSettings:
    partition_accounts: int = DEFAULT_PARTITION_ACCOUNTS
    run_id: int | None = None  # default: the as-of date as YYYYMMDD
    model: RecoveryModel | None = None  # the scoring model, for a strategy that optimises
    sample_accounts: int = SAMPLE_ACCOUNTS  # the optimiser's price sample


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
    optimised = optimise_run(source, settings, strategy=strategy, actor=actor)
    if optimised is None:
        bounds = ranges(source.loan_ids(), settings.partition_accounts)

        def decided(frames: PartitionFrames, first: int, last: int) -> CycleRows:
            return decide_rows(frames, strategy=strategy, as_of=manifest.as_of, actor=actor,
                               run_id=run_id, now=now)  # fmt: skip
    else:
        bounds = list(manifest.partitions)

        def decided(frames: PartitionFrames, first: int, last: int) -> CycleRows:
            assert optimised is not None
            block = decide_block(
                frames, source.payment_facts(first, last), strategy=strategy,
                as_of=manifest.as_of, actor=actor, run_id=run_id, now=now, run=optimised,
            )  # fmt: skip
            blocks.append({SUMMARY_KEY: block.optimiser})
            return block.rows

    blocks: list[dict[str, Any]] = []
    summaries = []
    rows_written = {"decisions": 0, "decision_items": 0, "actions": 0}
    progress.start(f"cycle {manifest.as_of} from {source.location}", unit="partitions")
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="snapshot-io") as io:
        writing: Future[None] | None = None
        try:
            for (first, last), frames in zip(bounds, _prefetched(source, bounds, io),
                                             strict=True):  # fmt: skip
                rows = decided(frames, first, last)
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
    if optimised is not None:
        summary[SUMMARY_KEY] = combine_optimiser(blocks)
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


def optimise_run(
    source: SnapshotSource, settings: SnapshotCycleSettings, *, strategy: Strategy,
    actor: ActorType,
) -> OptimiseRun | None:  # fmt: skip
    """For a strategy that optimises: the model, the book's size and the prices solved on the
    sample of the whole book (``services.snapshot_optimise``); None otherwise."""
    if strategy.optimise is None:
        return None
    if settings.model is None:
        raise ConfigurationError(
            f"{strategy.label} optimises: its scoring model ({strategy.optimise.model}) is needed"
        )
    accounts = source.manifest.accounts
    frames, paid = source.sample(sampled(sample_threshold(accounts, settings.sample_accounts)))
    valued, fixed_use = sample_menu(
        frames, paid, model=settings.model, strategy=strategy, as_of=source.manifest.as_of,
        actor=actor,
    )  # fmt: skip
    prices = book_prices(
        valued, fixed_use, optimise=strategy.optimise, sampled_accounts=frames.features.height,
        accounts=accounts,
    )  # fmt: skip
    return OptimiseRun(settings.model, accounts, prices)


def _prefetched(
    source: SnapshotSource, bounds: list[tuple[int, int]], io: ThreadPoolExecutor
) -> Iterator[PartitionFrames]:
    """Each range's frames, the next one read while the current one is decided."""
    pending = [io.submit(source.partition, first, last) for first, last in bounds[:1]]
    for index in range(len(bounds)):
        if index + 1 < len(bounds):
            pending.append(io.submit(source.partition, *bounds[index + 1]))
        yield pending.pop(0).result()
