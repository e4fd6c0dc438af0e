"""The public entry points of the Metro 2 codec: stream, validate, read and write.

Streams are binary file-like objects the caller opens; the codec never opens paths, reads the
clock or the environment (DESIGN §1).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from arrears.formats.metro2.model import AccountRecord, Metro2File, TrailerRecord
from arrears.formats.metro2.options import Framing, ReadOptions
from arrears.formats.metro2.problems import Metro2FormatError, Metro2Problem
from arrears.formats.metro2.reading.chunk import BaseChunk
from arrears.formats.metro2.reading.reader import Metro2Reader
from arrears.formats.metro2.writing.records import encode_file_records
from arrears.formats.metro2.writing.writer import Metro2Writer


def iter_chunks(stream: BinaryIO, *, options: ReadOptions | None = None) -> Iterator[BaseChunk]:
    """Columnar chunks of base segments, validated unless ``options.validate`` is false.

    Memory is bounded by ``options.chunk_records``. Every problem found is in some chunk's
    ``problems`` (the last chunk may be empty and carry the trailer checks).
    """
    yield from Metro2Reader(stream, options=options)


def iter_problems(
    stream: BinaryIO, *, options: ReadOptions | None = None
) -> Iterator[Metro2Problem]:
    """Every problem in the file, in the order found, without keeping the records."""
    for chunk in iter_chunks(stream, options=options):
        yield from chunk.problems


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating a whole file."""

    problems: list[Metro2Problem]
    records: int
    framing: Framing | None
    trailer: TrailerRecord | None
    computed_trailer: TrailerRecord | None
    rules: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_stream(stream: BinaryIO, *, options: ReadOptions | None = None) -> ValidationReport:
    """Read the whole stream and report every problem (records are not kept)."""
    reader = Metro2Reader(stream, options=replace(options or ReadOptions(), validate=True))
    problems: list[Metro2Problem] = []
    for chunk in reader:
        problems.extend(chunk.problems)
    rules: dict[str, int] = {}
    for problem in problems:
        rules[problem.rule] = rules.get(problem.rule, 0) + 1
    computed = reader.totals.trailer() if reader.framing is not None else None
    return ValidationReport(
        problems, reader.records, reader.framing, reader.trailer, computed, rules
    )


def validate_bytes(data: bytes, *, options: ReadOptions | None = None) -> ValidationReport:
    return validate_stream(io.BytesIO(data), options=options)


def read_file(data: bytes | BinaryIO, *, options: ReadOptions | None = None) -> Metro2File:
    """A whole (small) file as typed records.

    Raises :class:`Metro2FormatError` listing every problem that keeps bytes from being read
    as values (framing, spelling); problems about meaning are left to :func:`validate_stream`.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    reader = Metro2Reader(stream, options=options)
    accounts: list[AccountRecord] = []
    structural: list[Metro2Problem] = []
    for chunk in reader:
        refused = [problem for problem in chunk.problems if problem.structural]
        structural += refused
        if not refused and not structural:
            accounts += chunk.accounts()
    if structural:
        raise Metro2FormatError(structural)
    return Metro2File(
        header=reader.header,
        accounts=tuple(accounts),
        trailer=reader.trailer,
        framing=reader.framing or Framing(),
    )


def write_file(file: Metro2File, *, framing: Framing | None = None, validate: bool = True) -> bytes:
    """A complete file: the header, the accounts and a computed trailer (``file.trailer`` is
    ignored: totals are never trusted from input)."""
    if file.header is None:
        problem = Metro2Problem.in_file(
            "header.missing", "a Metro 2 file needs a Header Record", segment="header"
        )
        raise Metro2FormatError([problem])
    out = io.BytesIO()
    writer = Metro2Writer(
        out, header=file.header, framing=framing or file.framing, validate=validate
    )
    writer.write_accounts(file.accounts)
    writer.close()
    return out.getvalue()


def write_records(file: Metro2File, *, framing: Framing | None = None) -> bytes:
    """Exactly the records of ``file`` (header, accounts, trailer as given, any may be
    missing), with computed descriptor words: reads and writes back byte for byte."""
    return encode_file_records(file, framing=framing)
