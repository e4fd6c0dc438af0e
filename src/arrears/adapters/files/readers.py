"""Stream import files as batches of text columns, whatever their format.

CSV is read with pyarrow's streaming reader (every column as text, no type guessing) and Parquet
row group by row group, so memory holds one batch, not the file. Every row keeps its number for
error messages: the line number in a CSV (header = line 1) and the record number in Parquet.
Rows pyarrow cannot split into the header's columns (a truncated or ragged line) become problems
instead of stopping the read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from arrears.adapters.files.kinds import COLUMNS, FileKind, column_names
from arrears.errors import Problem

#: Columns that hold money: a floating-point column there is refused outright.
AMOUNT_COLUMNS = frozenset(
    {"principal", "interest", "fees", "amount", "credit_limit", "charge_off_amount", "value"}
)
_DATE_COLUMNS = frozenset(
    {
        "date_of_birth",
        "origination_date",
        "first_due_date",
        "charge_off_date",
        "due_date",
        "effective_date",
        "returned_date",
        "valued_on",
    }
)


@dataclass
class RawBatch:
    """Rows of one file as text: ``rows`` holds each row's number for error messages."""

    rows: np.ndarray
    frame: pl.DataFrame


@dataclass
class OpenedFile:
    path: Path
    kind: FileKind
    columns: list[str]
    problems: list[Problem] = field(default_factory=list)
    _batches: Iterator[RawBatch] | None = None

    @property
    def readable(self) -> bool:
        return self._batches is not None

    def batches(self) -> Iterator[RawBatch]:
        if self._batches is None:
            return iter(())
        return self._batches


def open_table(path: Path, kind: FileKind, *, batch_rows: int) -> OpenedFile:
    """Open ``path`` as a ``kind`` file; file-level problems are in ``.problems``."""
    if not path.exists():
        return _failed(path, kind, "file not found")
    if path.stat().st_size == 0:
        return _failed(path, kind, "the file is empty")
    if path.suffix.lower() == ".parquet":
        return _open_parquet(path, kind, batch_rows)
    return _open_csv(path, kind, batch_rows)


def _failed(path: Path, kind: FileKind, message: str) -> OpenedFile:
    return OpenedFile(path, kind, [], [Problem(str(path), 0, "", "", message)])


def _header_problems(path: Path, kind: FileKind, header: list[str]) -> list[Problem]:
    expected = column_names(kind)
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(str(path), 1, name, "", "column appears twice"))
        seen.add(name)
        if name not in expected:
            problems.append(
                Problem(str(path), 1, name, "", f"unknown column for a {kind.value} file")
            )
    for spec in COLUMNS[kind]:
        if spec.required and spec.name not in seen:
            problems.append(Problem(str(path), 1, spec.name, "", "required column is missing"))
    return problems


# -- CSV ------------------------------------------------------------------------------------------


def _read_header(path: Path) -> list[str] | str:
    """The header names, or why the file cannot be read as UTF-8 CSV."""
    with path.open("rb") as handle:
        first = handle.readline(1 << 20)
    try:
        text = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return "not a UTF-8 CSV file"
    if not text.strip():
        return "the first line is empty: a CSV file starts with its header"
    if any(ord(ch) < 32 and ch != "\t" for ch in text):
        return "not a CSV file (control characters in the header)"
    return [name.strip().strip('"') for name in text.split(",")]


def _open_csv(path: Path, kind: FileKind, batch_rows: int) -> OpenedFile:
    header = _read_header(path)
    if isinstance(header, str):
        return _failed(path, kind, header)
    opened = OpenedFile(path, kind, header, _header_problems(path, kind, header))
    if opened.problems:
        return opened
    opened._batches = _csv_batches(opened, batch_rows)
    return opened


_BLOCK_BYTES = 1 << 20
"""Bytes of CSV pyarrow parses at a time. Its streaming reader reads up to 32 blocks ahead of
the one being parsed, so the block size, not the batch, bounds what is buffered: 32 MiB here.
Blocks as large as a batch (50 MB) buffered 1.3 GB of a 1.4 GB payments file, and a block made
a batch of however many rows fitted in it (822,000 short payment rows for 250,000 asked)."""


def _csv_batches(opened: OpenedFile, batch_rows: int) -> Iterator[RawBatch]:
    bad_lines: list[int] = []
    path = opened.path

    def on_bad_row(row: pa_csv.InvalidRow) -> str:
        line = int(row.number) if row.number is not None else 0
        if row.text.strip():
            opened.problems.append(
                Problem(
                    str(path),
                    line,
                    "",
                    "",
                    f"expected {row.expected_columns} fields but found {row.actual_columns} "
                    "(truncated or malformed line)",
                )
            )
        bad_lines.append(line)
        return "skip"

    reader = pa_csv.open_csv(
        path,
        # Single-threaded parsing keeps line numbers for malformed rows.
        read_options=pa_csv.ReadOptions(block_size=_BLOCK_BYTES, use_threads=False),
        parse_options=pa_csv.ParseOptions(invalid_row_handler=on_bad_row),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(opened.columns, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    next_line = 2
    blocks = _ParsedBlocks(reader)
    for table in _regrouped_rows(blocks, batch_rows):
        rows, next_line = _number_rows(table.num_rows, next_line, bad_lines)
        yield RawBatch(rows, _text_frame(table))
    if blocks.failure is not None:
        message = f"cannot read past line {next_line - 1}: {blocks.failure}"
        opened.problems.append(Problem(str(path), 0, "", "", message))


class _ParsedBlocks:
    """The reader's record batches until the end or the first unreadable block, whose error is
    kept in ``failure`` (the rows before it are still imported or reported)."""

    def __init__(self, reader: pa_csv.CSVStreamingReader) -> None:
        self.reader = reader
        self.failure: Exception | None = None

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        while True:
            try:
                yield self.reader.read_next_batch()
            except StopIteration:
                return
            except (pa.ArrowInvalid, UnicodeDecodeError) as error:
                self.failure = error
                return


def _regrouped_rows(blocks: Iterable[pa.RecordBatch], batch_rows: int) -> Iterator[pa.Table]:
    """Tables of exactly ``batch_rows`` rows (the last one fewer), from blocks of any size."""
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    yielded = False
    for block in blocks:
        pending.append(block)
        pending_rows += block.num_rows
        while pending_rows >= batch_rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, batch_rows)
            yielded = True
            rest = table.slice(batch_rows)
            pending, pending_rows = rest.to_batches(), rest.num_rows
    if pending_rows or (pending and not yielded):  # the rest; or no good row, but a batch
        yield pa.Table.from_batches(pending)


def _text_frame(table: pa.Table) -> pl.DataFrame:
    """One contiguous Polars frame of the table's text, surrounding blanks removed."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.rechunk().with_columns(pl.all().str.strip_chars())


def _number_rows(count: int, next_line: int, bad_lines: list[int]) -> tuple[np.ndarray, int]:
    """Line numbers of ``count`` good rows starting at ``next_line``, skipping bad lines."""
    skipped = np.array(sorted(b for b in bad_lines if b >= next_line), dtype=np.int64)
    candidates = np.arange(next_line, next_line + count + len(skipped), dtype=np.int64)
    rows = candidates[~np.isin(candidates, skipped)][:count]
    following = int(rows[-1]) + 1 if count else next_line
    return rows, following


# -- Parquet --------------------------------------------------------------------------------------


def _open_parquet(path: Path, kind: FileKind, batch_rows: int) -> OpenedFile:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as error:
        return _failed(path, kind, f"not a Parquet file ({error})")
    schema = parquet.schema_arrow
    opened = OpenedFile(path, kind, list(schema.names), _header_problems(path, kind, schema.names))
    for name in schema.names:
        problem = _type_problem(name, schema.field(name).type)
        if problem:
            opened.problems.append(Problem(str(path), 0, name, "", problem))
    if not opened.problems:
        opened._batches = _parquet_batches(opened, parquet, batch_rows)
    return opened


def _type_problem(name: str, arrow_type: pa.DataType) -> str | None:
    if name in AMOUNT_COLUMNS | {"annual_rate"} and pa.types.is_floating(arrow_type):
        return "floating-point amounts and rates are refused: use a decimal or string column"
    if name in _DATE_COLUMNS and pa.types.is_timestamp(arrow_type):
        return "dates must be a date or a YYYY-MM-DD string, not a timestamp"
    supported = (
        pa.types.is_string(arrow_type)
        or pa.types.is_large_string(arrow_type)
        or pa.types.is_integer(arrow_type)
        or pa.types.is_decimal(arrow_type)
        or pa.types.is_date32(arrow_type)
        or pa.types.is_boolean(arrow_type)
        or pa.types.is_null(arrow_type)
    )
    return None if supported else f"unsupported column type {arrow_type}"


def _parquet_batches(
    opened: OpenedFile, parquet: pq.ParquetFile, batch_rows: int
) -> Iterator[RawBatch]:
    first = 1
    try:
        for batch in parquet.iter_batches(batch_size=batch_rows):
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            as_text = frame.select(
                pl.col(name).cast(pl.Utf8).fill_null("").str.strip_chars() for name in frame.columns
            )
            rows = np.arange(first, first + frame.height, dtype=np.int64)
            first += frame.height
            yield RawBatch(rows, as_text)
    except (pa.ArrowInvalid, OSError) as error:
        opened.problems.append(
            Problem(str(opened.path), 0, "", "", f"cannot read past record {first - 1}: {error}")
        )
