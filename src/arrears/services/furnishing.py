"""``arrears metro2 export``: the month's Metro 2 file from account state, partition by partition.

Each partition of accounts (a range of loan ids) is read in its own transaction, mapped by the
pure ``batch.furnishing.furnish`` and written through ``Metro2Writer`` (which validates every
record) as a run of records without header or trailer; the file is the header, the partitions'
records in order and a trailer summed from the partitions' totals (``combine``), so partitions
can also be produced apart, in parallel, and joined later. The file is written to a temporary
name and renamed only when complete. Every export is recorded (``metro2_exports``) with its
SHA-256 and, per account, a digest of what was reported: exporting a month again marks the
accounts whose reported data changed with the Correction Indicator, and an unchanged month is
written byte for byte again. SSN and date of birth are decrypted only to write the file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, cast

import polars as pl

from arrears.batch.delinquency import delinquency_at
from arrears.batch.furnishing import FurnishingSettings, PartitionFacts, furnish, history_dates
from arrears.batch.furnishing.assemble import Furnished
from arrears.batch.furnishing.reporter import Reporter
from arrears.batch.installments import installments_for
from arrears.batch.items import due_items
from arrears.domain.allocation import DEFAULT_POLICY, WaterfallPolicy
from arrears.domain.clock import Clock
from arrears.errors import ArrearsError, NotFoundError
from arrears.formats.metro2 import (
    Framing,
    HeaderRecord,
    Metro2File,
    Metro2Writer,
    TrailerRecord,
    write_records,
)
from arrears.services.ports import FurnishingUnitOfWork


@dataclass(frozen=True)
class ExportSettings:
    reporter: Reporter
    furnishing: FurnishingSettings
    policy: WaterfallPolicy = DEFAULT_POLICY
    partition_loans: int = 10_000
    framing: Framing = field(default_factory=Framing)


@dataclass(frozen=True)
class PartitionResult:
    """A partition's records as written, and what the trailer and the export record need."""

    first: int
    last: int
    trailer: TrailerRecord  # the partition's counters (header and trailer blocks excluded)
    reported: pl.DataFrame
    excluded: dict[str, int]

    @property
    def records(self) -> int:
        return self.trailer.total_base_records

    @property
    def corrected(self) -> int:
        return int(self.reported.get_column("correction_indicator").sum())


@dataclass(frozen=True)
class ExportReport:
    month: str
    as_of: date
    path: Path
    sha256: str
    records: int
    corrected: int
    excluded: dict[str, int]
    trailer: TrailerRecord
    status: str  # written | unchanged
    export_id: int | None


def month_of(as_of: date) -> str:
    return f"{as_of.year:04d}-{as_of.month:02d}"


# -- one partition ------------------------------------------------------------------------------


def read_partition(
    uow: FurnishingUnitOfWork, *, first: int, last: int, as_of: date, policy: WaterfallPolicy,
    reveal: bool,
) -> PartitionFacts:  # fmt: skip
    """Every fact furnishing needs about loans ``first``..``last`` on ``as_of``."""
    reads = uow.furnishing_reads
    accounts = reads.accounts(first, last, as_of=as_of)
    ids = accounts.get_column("loan_id").to_list()
    loans = uow.reads.loans(ids)
    installments = installments_for(loans, uow.reads.stored_installments(ids))
    items = due_items(
        installments.filter(pl.col("due_date") <= as_of), uow.reads.charges(ids), policy=policy
    )
    credits = reads.credits(first, last)
    payments = credits.select(
        "loan_id", "payment_id", "effective_date", "amount_minor", "good", pl.lit("").alias("note")
    )
    people = pl.concat([accounts.get_column("borrower_id"), accounts.get_column("co_borrower_id")])
    month = month_of(as_of)
    return PartitionFacts(
        accounts=accounts,
        people=reads.people(people.drop_nulls().to_list(), reveal=reveal),
        history=delinquency_at(items, payments, loans, dates=history_dates(as_of), policy=policy),
        installments=installments,
        credits=credits,
        holds=reads.holds(first, last),
        contacts=reads.contacts(first, last),
        settlements=reads.settlements(first, last),
        placements=reads.placements(first, last),
        collateral_events=reads.collateral_events(first, last),
        plans=reads.plans(first, last),
        prior=uow.furnishing.prior(first, last, month=month),
        first_reports=uow.furnishing.first_reports(first, last, month=month),
    )


class _Window:
    """A stream that passes writes on only while open: a writer's records without the header
    it writes first and the trailer it writes last."""

    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.open = False

    def write(self, data: bytes | memoryview) -> int:
        return self.target.write(data) if self.open else len(data)

    def flush(self) -> None:
        self.target.flush()


def write_partition(
    furnished: Furnished, *, header: HeaderRecord, framing: Framing, out: BinaryIO
) -> TrailerRecord:
    """Write a partition's records (validated) into ``out``; returns its counters."""
    window = _Window(out)
    writer = Metro2Writer(cast(BinaryIO, window), header=header, framing=framing, validate=True)
    window.open = True
    writer.write_frame(furnished.records)
    window.open = False
    counted = writer.close()
    return replace(counted, block_count=counted.total_base_records if framing.blocked else 0)


def export_partition(
    uow: FurnishingUnitOfWork, *, first: int, last: int, as_of: date, header: HeaderRecord,
    settings: ExportSettings, out: BinaryIO,
) -> PartitionResult:  # fmt: skip
    """Read, map and write one partition of accounts into ``out`` (records only)."""
    facts = read_partition(
        uow, first=first, last=last, as_of=as_of, policy=settings.policy, reveal=True
    )
    furnished = furnish(facts, as_of=as_of, settings=settings.furnishing)
    trailer = write_partition(furnished, header=header, framing=settings.framing, out=out)
    excluded = Counter(furnished.excluded.get_column("reason").to_list())
    return PartitionResult(first, last, trailer, furnished.reported, dict(excluded))


def total(trailers: Iterable[TrailerRecord], *, framing: Framing) -> TrailerRecord:
    """The file's trailer from its partitions' counters (blocks: every record, the header and
    the trailer each a block of their own)."""
    names = [f.name for f in fields(TrailerRecord) if not f.name.startswith("reserved")]
    sums: dict[str, Any] = dict.fromkeys(names, 0)
    for trailer in trailers:
        for name in names:
            sums[name] += getattr(trailer, name)
    sums["block_count"] = sums["total_base_records"] + 2 if framing.blocked else 0
    return TrailerRecord(**sums)


def combine(
    parts: Sequence[Path], *, header: HeaderRecord, trailers: Sequence[TrailerRecord],
    framing: Framing, out: BinaryIO,
) -> TrailerRecord:  # fmt: skip
    """One file from partition files written by ``export_partition``: the header, each part's
    records in order, and the trailer computed from the parts' counters."""
    out.write(write_records(Metro2File(header=header, framing=framing), framing=framing))
    for part in parts:
        with part.open("rb") as stream:
            while block := stream.read(1 << 20):
                out.write(block)
    trailer = total(trailers, framing=framing)
    out.write(write_records(Metro2File(trailer=trailer, framing=framing), framing=framing))
    return trailer


# -- the month ----------------------------------------------------------------------------------


class _Hashing:
    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.digest = hashlib.sha256()

    def write(self, data: bytes | memoryview) -> int:
        self.digest.update(data)
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()


def export_month(
    *, as_of: date, output: Path, uow_factory: Callable[[], FurnishingUnitOfWork], clock: Clock,
    settings: ExportSettings, actor: str = "cli",
) -> ExportReport:  # fmt: skip
    """Write the month's file to ``output`` and record the export (see the module docstring)."""
    today = clock.today()
    if as_of > today:
        raise ArrearsError(f"--as-of {as_of} is in the future (today is {today})")
    month = month_of(as_of)
    output = output.resolve()
    with uow_factory() as uow:
        earlier = uow.furnishing.exports_for(month)
        created = earlier[0].date_created if earlier else today
        bounds = uow.furnishing.partition_bounds(settings.partition_loans)
        export_id = uow.furnishing.open_export(
            month=month, as_of=as_of, date_created=created, path=str(output),
            framing=_describe(settings.framing), actor=actor, at=clock.now(),
        )  # fmt: skip
        uow.commit()
    header = settings.reporter.header(activity=as_of, created=created)
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(handle, "wb") as raw:
            stream = _Hashing(raw)
            results = _write_file(
                cast(BinaryIO, stream), bounds=bounds, as_of=as_of, header=header,
                export_id=export_id, uow_factory=uow_factory, settings=settings,
            )  # fmt: skip
            raw.flush()
            os.fsync(raw.fileno())
        report = _report(
            results, month=month, as_of=as_of, path=output, sha256=stream.digest.hexdigest(),
            export_id=export_id,
        )  # fmt: skip
        unchanged = bool(earlier) and (earlier[-1].sha256, earlier[-1].path) == (
            report.sha256, str(output),
        )  # fmt: skip
        Path(temporary).replace(output)
        _finish(uow_factory, report, unchanged=unchanged, actor=actor, clock=clock)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        with uow_factory() as uow:
            uow.furnishing.discard_export(export_id)
            uow.commit()
        if isinstance(error, OSError):  # a full disk, a file size limit, a lost mount
            raise ArrearsError(
                f"could not write {output}: {error.strerror or error}; no file was left and "
                "nothing was recorded as exported"
            ) from None
        raise
    return replace(report, status="unchanged", export_id=earlier[-1].id) if unchanged else report


def _write_file(
    out: BinaryIO, *, bounds: list[tuple[int, int]], as_of: date, header: HeaderRecord,
    export_id: int, uow_factory: Callable[[], FurnishingUnitOfWork], settings: ExportSettings,
) -> tuple[list[PartitionResult], TrailerRecord]:  # fmt: skip
    framing = settings.framing
    out.write(write_records(Metro2File(header=header, framing=framing), framing=framing))
    results = []
    for first, last in bounds:
        with uow_factory() as uow:
            result = export_partition(
                uow, first=first, last=last, as_of=as_of, header=header, settings=settings,
                out=out,
            )  # fmt: skip
            uow.furnishing.add_accounts(export_id, result.reported)
            uow.commit()
        results.append(result)
    trailer = total((r.trailer for r in results), framing=framing)
    out.write(write_records(Metro2File(trailer=trailer, framing=framing), framing=framing))
    return results, trailer


def _report(
    written: tuple[list[PartitionResult], TrailerRecord], *, month: str, as_of: date,
    path: Path, sha256: str, export_id: int,
) -> ExportReport:  # fmt: skip
    results, trailer = written
    excluded: Counter[str] = Counter()
    for result in results:
        excluded.update(result.excluded)
    return ExportReport(
        month=month, as_of=as_of, path=path, sha256=sha256, records=trailer.total_base_records,
        corrected=sum(r.corrected for r in results), excluded=dict(sorted(excluded.items())),
        trailer=trailer, status="written", export_id=export_id,
    )  # fmt: skip


def _finish(
    uow_factory: Callable[[], FurnishingUnitOfWork], report: ExportReport, *, unchanged: bool,
    actor: str, clock: Clock,
) -> None:  # fmt: skip
    """Complete the export record (or drop it when the file is the same as the last one)."""
    assert report.export_id is not None
    with uow_factory() as uow:
        if unchanged:
            uow.furnishing.discard_export(report.export_id)
        else:
            uow.furnishing.complete_export(
                report.export_id, sha256=report.sha256, records=report.records,
                corrected=report.corrected, excluded=report.excluded,
            )  # fmt: skip
        uow.audit.record(
            at=clock.now(), actor=actor, action="metro2.exported", entity_type="metro2_export",
            entity_id=report.month,
            details={"as_of": report.as_of.isoformat(), "path": str(report.path),
                     "sha256": report.sha256, "records": report.records,
                     "corrected": report.corrected, "excluded": report.excluded,
                     "unchanged": unchanged},
        )  # fmt: skip
        uow.commit()


def _describe(framing: Framing) -> str:
    parts = [framing.format.value, "blocked" if framing.blocked else "unblocked"]
    if framing.line_separator:
        parts.append("newlines")
    return " ".join(parts)


# -- explain ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """One account's month: the reported fields (SSN and date of birth withheld) or why it is
    left out, next to the facts they come from."""

    loan: str
    as_of: date
    facts: dict[str, object]
    record: dict[str, object] | None
    exclusion: dict[str, str] | None
    history: list[dict[str, object]]
    ledger: dict[str, int]


def explain_account(
    *, loan: str, as_of: date, uow_factory: Callable[[], FurnishingUnitOfWork],
    settings: ExportSettings,
) -> Explanation:  # fmt: skip
    with uow_factory() as uow:
        loan_id = uow.accounts.loan_id(loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {loan!r}")
        facts = read_partition(
            uow, first=loan_id, last=loan_id, as_of=as_of, policy=settings.policy, reveal=False
        )
        ledger = uow.furnishing_reads.ledger_accounts(loan_id, as_of=as_of)
    furnished = furnish(facts, as_of=as_of, settings=settings.furnishing)
    state = furnished.facts.row(0, named=True)
    records = furnished.records.drop("social_security_number", "date_of_birth", "j1", "j2")
    excluded = furnished.excluded.rows(named=True)
    history = facts.history.sort("as_of", descending=True).select(
        "as_of", "dpd", "amount_past_due_minor", "dofd", "due_to_date_minor", "paid_to_date_minor"
    )
    return Explanation(
        loan=loan,
        as_of=as_of,
        facts=state,
        record=records.row(0, named=True) if records.height else None,
        exclusion=excluded[0] if excluded else None,
        history=history.rows(named=True),
        ledger=ledger,
    )
