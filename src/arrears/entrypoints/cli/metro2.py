"""``arrears metro2``: validate, convert, export (furnish) and explain Metro 2 files.

``validate`` streams the file (memory does not grow with its size), lists every problem and exits
with status 6 when there is any. ``convert`` writes to a temporary file next to the output and
renames it at the end, so a refused conversion never leaves half a file behind.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, BinaryIO

import typer
from rich.table import Table

from arrears.adapters.allocator import reuse_freed_memory
from arrears.batch.furnishing import FurnisherKind, Reporter
from arrears.batch.furnishing.exclusions import BY_REASON
from arrears.batch.furnishing.inputs import settings_for
from arrears.batch.furnishing.mapping import SOURCES
from arrears.bootstrap import Container, build
from arrears.entrypoints.cli.output import console, handle_errors, money, parse_date
from arrears.errors import ValidationFailed
from arrears.formats.metro2 import (
    Format,
    Framing,
    Metro2FormatError,
    Metro2Problem,
    Metro2Reader,
    Metro2Writer,
    ReadOptions,
    loads,
    write_file,
)
from arrears.formats.metro2.jsonio import dumps, stream_to_json
from arrears.services.furnishing import (
    Explanation,
    ExportSettings,
    explain_account,
    export_month,
)

app = typer.Typer(
    no_args_is_help=True,
    help="Metro 2 credit-reporting files: validate, convert, export the month, explain.",
)


@app.callback()
def _batch_allocator() -> None:
    """Every Metro 2 command works batch by batch over large arrays: freed blocks are kept for
    the next batch (``adapters.allocator``)."""
    reuse_freed_memory()


#: Exit status when the file has problems (the project's ValidationFailed status).
PROBLEMS_EXIT = ValidationFailed.exit_code

ExistingFile = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The file to read.")
]


class InputFormat(StrEnum):
    AUTO = "auto"
    CHARACTER = "character"
    PACKED = "packed"


class Target(StrEnum):
    JSON = "json"
    METRO2 = "metro2"


def _options(data_format: InputFormat) -> ReadOptions:
    chosen = None if data_format is InputFormat.AUTO else Format(data_format.value)
    return ReadOptions(format=chosen)


# -- validate -------------------------------------------------------------------------------------


@app.command("validate")
def validate(
    file: ExistingFile,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
    data_format: Annotated[
        InputFormat, typer.Option("--format", help="Character or packed (default: detect).")
    ] = InputFormat.AUTO,
) -> None:
    """Check every record against the Metro 2 layouts and rules; list every problem."""
    with file.open("rb") as stream:
        reader = Metro2Reader(stream, options=_options(data_format))
        problems = (problem for chunk in reader for problem in chunk.problems)
        report = _report_json if as_json else _report_text
        count = report(file, reader, problems)
    if count:
        raise typer.Exit(PROBLEMS_EXIT)


def _report_text(file: Path, reader: Metro2Reader, problems: Iterator[Metro2Problem]) -> int:
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.rule] = counts.get(problem.rule, 0) + 1
        typer.echo(str(problem))
    total = sum(counts.values())
    if total:
        rules = ", ".join(f"{rule} x{count}" for rule, count in sorted(counts.items()))
        typer.echo(
            f"INVALID: {file.name}: {total} problem(s) in {reader.records} record(s) ({rules})"
        )
    else:
        typer.echo(f"OK: {file.name}: {reader.records} record(s), no problems")
    return total


def _report_json(file: Path, reader: Metro2Reader, problems: Iterator[Metro2Problem]) -> int:
    out = sys.stdout
    counts: dict[str, int] = {}
    out.write('{"file": ' + json.dumps(str(file)) + ', "problems": [')
    for index, problem in enumerate(problems):
        counts[problem.rule] = counts.get(problem.rule, 0) + 1
        out.write(("\n  " if index == 0 else ",\n  ") + json.dumps(problem.as_dict()))
    total = sum(counts.values())
    framing = reader.framing
    tail = {
        "ok": total == 0,
        "records": reader.records,
        "problem_count": total,
        "counts": dict(sorted(counts.items())),
        "format": framing.format.value if framing is not None else None,
        "blocked": framing.blocked if framing is not None else None,
    }
    out.write("\n], " + json.dumps(tail)[1:] + "\n")
    out.flush()
    return total


# -- convert --------------------------------------------------------------------------------------


@app.command("convert")
def convert(
    file: ExistingFile,
    to: Annotated[Target, typer.Option("--to", help="Output format.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (default: stdout).")
    ] = None,
    packed: Annotated[bool, typer.Option(help="Write the packed format.")] = False,
    blocked: Annotated[bool, typer.Option(help="Block Descriptor Words (character).")] = False,
    newlines: Annotated[bool, typer.Option(help="A line break after each record.")] = False,
    data_format: Annotated[
        InputFormat, typer.Option("--format", help="Input Metro 2 format (default: detect).")
    ] = InputFormat.AUTO,
) -> None:
    """Convert Metro 2 to JSON, JSON to Metro 2, or Metro 2 to Metro 2 (e.g. to packed).

    Metro 2 output always carries computed descriptor words and trailer totals.
    """
    framing = (
        Framing.packed()
        if packed
        else Framing(blocked=blocked, line_separator=b"\n" if newlines else b"")
    )
    try:
        with _destination(output) as out:
            if _is_json(file):
                _from_json(file, to, out, framing)
            else:
                _from_metro2(file, to, out, framing, _options(data_format))
    except Metro2FormatError as failure:
        _print_failure(failure)
        raise typer.Exit(PROBLEMS_EXIT) from None


def _is_json(file: Path) -> bool:
    with file.open("rb") as stream:
        head = stream.read(64).lstrip()
    return head[:1] in (b"{", b"[")


def _from_json(file: Path, to: Target, out: BinaryIO, framing: Framing) -> None:
    document = loads(file.read_bytes())
    if to is Target.JSON:
        out.write(dumps(document).encode() + b"\n")
    else:
        out.write(write_file(document, framing=framing))


def _from_metro2(
    file: Path, to: Target, out: BinaryIO, framing: Framing, options: ReadOptions
) -> None:
    with file.open("rb") as stream:
        if to is Target.JSON:
            text = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
            stream_to_json(stream, text, options=options)
            text.flush()
            text.detach()
            return
        _metro2_to_metro2(stream, out, framing, options)


_NO_HEADER = Metro2Problem.in_file(
    "header.missing", "a Metro 2 file needs a Header Record", segment="header"
)


def _metro2_to_metro2(
    stream: BinaryIO, out: BinaryIO, framing: Framing, options: ReadOptions
) -> None:
    """Re-spell a Metro 2 file chunk by chunk (e.g. character to packed)."""
    reader = Metro2Reader(stream, options=options)
    writer: Metro2Writer | None = None
    for chunk in reader:
        structural = [problem for problem in chunk.problems if problem.structural]
        if structural:
            raise Metro2FormatError(structural)
        if writer is None and reader.header is not None:
            writer = Metro2Writer(out, header=reader.header, framing=framing, validate=False)
        if len(chunk) and writer is None:
            raise Metro2FormatError([_NO_HEADER])
        if writer is not None and len(chunk):
            writer.write_frame(chunk.to_polars())
    if writer is None:
        raise Metro2FormatError([_NO_HEADER])
    writer.close()


@contextlib.contextmanager
def _destination(output: Path | None) -> Iterator[BinaryIO]:
    """Standard output, or a temporary file renamed to ``output`` only on success."""
    if output is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    directory = output.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        Path(temporary).replace(output)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _print_failure(failure: Metro2FormatError, stream: IO[str] | None = None) -> None:
    target = stream or sys.stderr
    print(f"Refused: {failure.total} problem(s)", file=target)
    for problem in failure.metro2_problems:
        print(f"  {problem}", file=target)


# -- export and explain (furnishing: docs/metro2-furnishing.md) -----------------------------------


def _export_settings(container: Container, *, framing: Framing) -> ExportSettings:
    """Reporter identity and furnishing rules from the settings (metro2_* and collector_*)."""
    s = container.settings
    phone = "".join(ch for ch in (s.metro2_reporter_phone or s.collector_phone) if ch.isdigit())
    reporter = Reporter(
        name=(s.metro2_reporter_name or s.collector_name).upper(),
        address=(s.metro2_reporter_address or ", ".join(s.collector_address)).upper(),
        telephone=int(phone[-10:]) if len(phone) >= 10 else 0,
        equifax_program_id=s.metro2_equifax_program_id,
        experian_program_id=s.metro2_experian_program_id,
        transunion_program_id=s.metro2_transunion_program_id,
        innovis_program_id=s.metro2_innovis_program_id,
    )
    furnishing = settings_for(
        identification_number=s.metro2_identification_number,
        furnisher=FurnisherKind(s.metro2_furnisher),
        compliance=container.cycle_settings.compliance,
    )
    return ExportSettings(
        reporter=reporter,
        furnishing=furnishing,
        policy=container.policy,
        partition_loans=s.metro2_partition_loans,
        framing=framing,
    )


@app.command("export")
@handle_errors
def export(
    as_of: Annotated[str, typer.Option("--as-of", help="Last day of the period (YYYY-MM-DD).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    packed: Annotated[bool, typer.Option(help="Write the packed format.")] = False,
    blocked: Annotated[bool, typer.Option(help="Block Descriptor Words (character).")] = False,
    newlines: Annotated[bool, typer.Option(help="A line break after each record.")] = False,
) -> None:
    """Build the month's Metro 2 file from account state and record the export.

    Exporting a month again marks the accounts whose reported data changed with the
    Correction Indicator; an unchanged month is written byte for byte again.
    """
    day = parse_date(as_of, option="--as-of")
    assert day is not None
    framing = (
        Framing.packed()
        if packed
        else Framing(blocked=blocked, line_separator=b"\n" if newlines else b"")
    )
    container = build()
    container.require_schema()
    report = export_month(
        as_of=day,
        output=output,
        uow_factory=container.uow,
        clock=container.clock,
        settings=_export_settings(container, framing=framing),
    )
    state = "unchanged since the last export" if report.status == "unchanged" else "written"
    console.print(
        f"{report.path}: {report.records:,} account(s) for {report.month} ({state}), "
        f"{report.corrected:,} corrected; SHA-256 {report.sha256}",
        markup=False,
        soft_wrap=True,
    )
    statuses = {
        name.removeprefix("total_status_").upper(): getattr(report.trailer, name)
        for name in dir(report.trailer)
        if name.startswith("total_status_") and getattr(report.trailer, name)
    }
    console.print("Statuses: " + (", ".join(f"{k} {v:,}" for k, v in statuses.items()) or "none"))
    left = ", ".join(f"{reason} {count:,}" for reason, count in report.excluded.items())
    console.print(f"Not furnished: {left or 'none'}", markup=False, soft_wrap=True)


@app.command("explain")
@handle_errors
def explain(
    loan: Annotated[str, typer.Option(help="Loan id (lender's).")],
    as_of: Annotated[str, typer.Option("--as-of", help="Last day of the period (YYYY-MM-DD).")],
) -> None:
    """Show an account's Metro 2 fields for a month next to the facts they come from."""
    day = parse_date(as_of, option="--as-of")
    assert day is not None
    container = build()
    container.require_schema()
    found = explain_account(
        loan=loan,
        as_of=day,
        uow_factory=container.uow,
        settings=_export_settings(container, framing=Framing()),
    )
    print_explanation(found)


def print_explanation(found: Explanation) -> None:
    facts = found.facts
    if found.exclusion is not None:
        reason = BY_REASON[found.exclusion["reason"]]
        console.print(
            f"{found.loan} is not furnished for {found.as_of}: {reason.summary} "
            f"({reason.rule}; {reason.source})",
            markup=False,
            soft_wrap=True,
        )
    table = Table(title=f"{found.loan} as of {found.as_of}")
    for column in ("field", "reported", "from", "facts"):
        table.add_column(column, overflow="fold")
    record = found.record or {}
    for source in SOURCES:
        value = record.get(source.field, "(not furnished)" if not record else "")
        shown = ", ".join(f"{name}={facts.get(name)}" for name in source.facts)
        table.add_row(source.field, _shown(value), source.source, shown)
    table.add_row("social_security_number", "(sealed; only written to the file)", "", "")
    console.print(table)
    ledger = ", ".join(f"{account} {amount:,}" for account, amount in found.ledger.items())
    console.print(f"Ledger (minor units, effective by {found.as_of}): {ledger or 'no entries'}")
    _print_history(found)


def _shown(value: object) -> str:
    return "" if value is None else str(value)


def _money(value: object) -> str:
    return money(value) if isinstance(value, int) else ""


def _print_history(found: Explanation) -> None:
    profile = str(found.facts.get("payment_history_profile") or "")
    table = Table(title="Delinquency at the as-of date and the 24 previous month ends")
    for column in ("date", "profile", "days past due", "past due", "DOFD", "due", "paid"):
        table.add_column(column)
    for index, row in enumerate(found.history):
        character = profile[index - 1] if 0 < index <= len(profile) else ""
        table.add_row(
            str(row["as_of"]), character, str(row["dpd"]), _money(row["amount_past_due_minor"]),
            _shown(row["dofd"]), _money(row["due_to_date_minor"]),
            _money(row["paid_to_date_minor"]),
        )  # fmt: skip
    console.print(table)
