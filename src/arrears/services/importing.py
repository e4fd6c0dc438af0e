"""Importing a lender's portfolio: validate everything, write all or nothing, then post.

Files are read in batches (memory follows the batch, not the file) in dependency order
(borrowers → loans → schedules → collateral → valuations → payments) inside one transaction.
Every row of every file is checked even after the first problem, so the user gets every
problem at once (DESIGN §6). Without ``--rejects`` any problem rolls the whole import back;
with it, the bad rows go to the rejects file and the rest is imported. Re-importing the same
files changes nothing: rows are matched by their external ids (see ``docs/data-formats.md``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from arrears.domain.allocation import WaterfallPolicy
from arrears.domain.clock import Clock
from arrears.errors import Problem, ValidationFailed
from arrears.services.ports import (
    ImportFiles,
    NoProgress,
    PortfolioWriter,
    Progress,
    UnitOfWork,
    WriteResultLike,
)
from arrears.services.posting import PostingCounts, post_loans

LOAD_ORDER = ("borrowers", "loans", "schedules", "collateral", "valuations", "payments")


class ProblemSink(Protocol):
    """Where problems go (first ones kept for display, all of them written out)."""

    total: int
    path: Path

    def add(self, problems: Any) -> None: ...
    def add_problems(self, problems: list[Problem]) -> None: ...
    def first(self, limit: int) -> list[Problem]: ...
    def close(self) -> None: ...


@dataclass
class ImportSettings:
    batch_rows: int = 250_000
    partition_loans: int = 50_000
    policy: WaterfallPolicy = field(default_factory=WaterfallPolicy)


@dataclass
class ImportReport:
    run_id: int
    status: str
    counts: dict[str, dict[str, int]]
    problems_total: int
    problems: list[Problem]
    problems_file: Path | None
    posting: PostingCounts = field(default_factory=PostingCounts)


def import_portfolio(
    paths: Sequence[Path],
    *,
    uow_factory: Callable[[], UnitOfWork],
    files: ImportFiles,
    problem_sink: ProblemSink,
    clock: Clock,
    settings: ImportSettings,
    accept_rejects: bool,
    actor: str = "cli",
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``paths``; raises ``ValidationFailed`` (nothing written) on any problem unless
    ``accept_rejects``."""
    progress = progress or NoProgress()
    now, as_of = clock.now(), clock.today()
    by_kind = _classify(paths, files, problem_sink)
    with uow_factory() as uow:
        run_id = uow.import_runs.start(at=now, files=[str(p) for p in paths], actor=actor)
        writer = uow.portfolio(now=now, run_id=run_id)
        # A book's first import builds the bulk tables' indexes once each, after writing them,
        # rather than row by row (docs/adr/0013); into a book with rows nothing is dropped.
        deferred = bool(writer.defer_indexes())
        counts, touched = _load(by_kind, files, writer, problem_sink, progress)
        report = ImportReport(
            run_id=run_id,
            status="imported",
            counts=counts,
            problems_total=problem_sink.total,
            problems=problem_sink.first(50),
            problems_file=problem_sink.path if problem_sink.total else None,
        )
        problem_sink.close()
        if problem_sink.total and not accept_rejects:
            uow.rollback()
            _record_refusal(uow_factory, paths, clock=clock, actor=actor, report=report)
            raise ValidationFailed(
                report.problems, total=report.problems_total, listing=str(problem_sink.path)
            )
        # The posting reads the payments back by loan, through their index.
        if deferred:
            _build_indexes(writer, "portfolio", progress)
        # Posting reads the rows back per partition and the cycle reads the journal: both
        # need statistics that know the tables' sizes (adapters/db/statistics.py).
        writer.refresh_statistics()
        progress.start("posting to the ledger", unit="loans")
        report.posting = post_loans(
            uow,
            touched,
            as_of=as_of,
            recorded_at=now,
            run_id=run_id,
            partition=settings.partition_loans,
            policy=settings.policy,
            progress=progress,
            fresh=writer.new_loan_ids(),
        )
        progress.finish()
        if deferred:
            _build_indexes(writer, "journal", progress)
        writer.refresh_statistics()
        report.status = "imported with rejects" if problem_sink.total else "imported"
        _record_success(uow, report, at=now, finished=clock.now(), actor=actor)
        uow.commit()
    return report


def _classify(
    paths: Sequence[Path], files: ImportFiles, sink: ProblemSink
) -> dict[str, list[Path]]:
    """Files by kind; a file whose kind cannot be told is a problem."""
    by_kind: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        kind = files.kind_of(path)
        if kind is None:
            message = "cannot tell what this file holds: its name must start with " + ", ".join(
                LOAD_ORDER
            )
            sink.add_problems([Problem(str(path), 0, "", "", message)])
        else:
            by_kind[str(kind)].append(path)
    return by_kind


def _load(
    by_kind: dict[str, list[Path]],
    files: ImportFiles,
    writer: PortfolioWriter,
    sink: ProblemSink,
    progress: Progress,
) -> tuple[dict[str, dict[str, int]], np.ndarray]:
    """Check and write every batch of every file in load order; returns counts per kind and
    the loans whose ledger must be brought up to date."""
    counts: dict[str, dict[str, int]] = {}
    touched: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    for kind_name in LOAD_ORDER:
        for path in by_kind.get(kind_name, []):
            kind = files.kind_of(path)
            tally = counts.setdefault(kind_name, defaultdict(int))
            opened = files.open(path, kind)
            progress.start(f"{kind_name}: {path.name}")
            # Batch k-1 is written on a worker thread while batch k is checked; batch k's
            # references are looked up first, while the (single) connection is free.
            pending = None
            for raw in files.batches(opened):
                references = writer.references(kind_name, files.reference_keys(kind, raw))
                waiting: Callable[[], WriteResultLike] | None = (
                    writer.submit(kind_name, pending.valid, file=str(path))
                    if pending is not None
                    else None
                )
                pending = files.check(kind, raw, references=references, file=str(path))
                pending.valid = writer.prepare(kind_name, pending.valid)
                sink.add(pending.problems)
                tally["rows"] += raw.frame.height
                tally["rejected"] += pending.rejected_rows.len()
                progress.advance(raw.frame.height)
                if waiting is not None:
                    _tally(tally, waiting(), sink, touched)
            if pending is not None:
                _tally(tally, writer.write(kind_name, pending.valid, file=str(path)), sink, touched)
            sink.add_problems(opened.problems)
            progress.finish()
    files.forget_keys()
    writer.forget_references()
    return {k: dict(v) for k, v in counts.items()}, np.unique(np.concatenate(touched))


def _build_indexes(
    writer: PortfolioWriter, stage: Literal["portfolio", "journal"], progress: Progress
) -> None:
    """The indexes deferred on ``stage``'s tables, built as a step of their own (each is a sort
    of its whole table: a while on a large book)."""
    progress.start(f"indexes of the {stage}", unit="indexes")
    progress.advance(len(writer.build_indexes(stage)))
    progress.finish()


def _tally(
    tally: dict[str, int], result: WriteResultLike, sink: ProblemSink, touched: list[np.ndarray]
) -> None:
    if result.problems is not None:
        sink.add(result.problems)
    tally["inserted"] += result.inserted
    tally["updated"] += result.updated
    tally["unchanged"] += result.unchanged
    touched.append(result.touched_loans)


def _record_success(
    uow: UnitOfWork, report: ImportReport, *, at: datetime, finished: datetime, actor: str
) -> None:
    summary = {
        "counts": report.counts,
        "rejected": report.problems_total,
        "entries": report.posting.entries,
    }
    uow.import_runs.finish(
        report.run_id, at=finished, status=report.status, counts=summary,
        problems=report.problems_total,
    )  # fmt: skip
    uow.audit.record(
        at=at,
        actor=actor,
        action="portfolio.imported",
        entity_type="import_run",
        entity_id=str(report.run_id),
        details=summary,
    )


def _record_refusal(
    uow_factory: Callable[[], UnitOfWork],
    paths: Sequence[Path],
    *,
    clock: Clock,
    actor: str,
    report: ImportReport,
) -> None:
    """A refused import changes nothing but is still on record, in its own transaction."""
    with uow_factory() as uow:
        run_id = uow.import_runs.start(at=clock.now(), files=[str(p) for p in paths], actor=actor)
        uow.import_runs.finish(
            run_id,
            at=clock.now(),
            status="refused",
            counts={"counts": report.counts},
            problems=report.problems_total,
        )
        uow.audit.record(
            at=clock.now(),
            actor=actor,
            action="portfolio.import_refused",
            entity_type="import_run",
            entity_id=str(run_id),
            details={"problems": report.problems_total},
        )
        uow.commit()
