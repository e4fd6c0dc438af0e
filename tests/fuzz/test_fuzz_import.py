"""Hostile import files (issue 12): the portfolio importer on CSV and Parquet files made of
random bytes, cut short, or with valid headers and hostile cell values (wrong types, huge
fields, unicode, spreadsheet formulas, NUL bytes, negative and overlong amounts, impossible
dates). The outcome is either an import or a refusal — ``ValidationFailed`` (or another
``ArrearsError``) whose problems name the file, the row and the field — never another
exception; a refused import writes nothing (every table counted before and after).

One database per module (SQLite, and PostgreSQL when configured) is shared by the examples;
seeded, a few dozen examples in CI and many more under ``-m slow``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from arrears.bootstrap import Container
from arrears.errors import ArrearsError, ValidationFailed
from fuzz.conftest import examples
from support.db import run_import, table_counts
from support.portfolio import BORROWERS, COLLATERAL, LOANS, PAYMENTS, VALUATIONS

BOOK = {
    "borrowers": BORROWERS,
    "loans": LOANS,
    "collateral": COLLATERAL,
    "valuations": VALUATIONS,
    "payments": PAYMENTS,
}

HOSTILE_CELLS = [
    "", " ", "abc", "-1", "-0.01", "0", "1e308", "NaN", "inf", "12.345", "9" * 40,
    "99999999999999999999.99", "-99999999999999999999", "2026-02-30", "0000-00-00",
    "9999-12-31", "2026-13-01", "1-1-1", "=HYPERLINK(\"http://x\")", "+SUM(A1)", "@cmd",
    "\x00", "a\x00b", "\u202eevil", "名前", "😀", "\r\n", "\"", "'", ",", "x" * 70_000,
    "true", "yes", "maybe", "L1", "B1", "C1", "P1-1",
]  # fmt: skip

cells = st.sampled_from(HOSTILE_CELLS) | st.text(max_size=40)


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def _files(folder: Path, replaced: dict[str, bytes], *, parquet: str | None = None) -> list[Path]:
    """The small book as files in ``folder``, the kinds in ``replaced`` with the given bytes
    (``parquet`` names the kind whose replacement is a Parquet file)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    paths = []
    for kind, rows in BOOK.items():
        suffix = ".parquet" if kind == parquet else ".csv"
        path = folder / f"{kind}{suffix}"
        path.write_bytes(replaced.get(kind, b"") if kind in replaced else _csv_bytes(rows))
        paths.append(path)
    return paths


def _outcome(container: Container, paths: list[Path], *, fields: bool = False) -> None:
    """Import ``paths``: success, or a refusal that names file, row (and, with ``fields``,
    for well-formed lines, the field) and writes nothing. Any other exception fails the test
    (and hypothesis shrinks the input)."""
    before = table_counts(container)
    names = {p.name for p in paths}
    refused: ArrearsError | None = None
    try:
        run_import(container, paths)
    except ArrearsError as error:  # ValidationFailed and every other expected failure
        refused = error
    if refused is None:
        return
    assert str(refused)
    assert table_counts(container) == before, "a refused import must change nothing"
    problems = refused.problems if isinstance(refused, ValidationFailed) else []
    assert problems or not isinstance(refused, ValidationFailed), "a refusal lists problems"
    for problem in problems:
        assert Path(problem.file).name in names, problem
        assert problem.row >= 0, problem
        assert problem.message, problem
        if fields and problem.row > 0:
            assert problem.column, f"a row problem names its field: {problem}"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


KINDS = st.sampled_from(list(BOOK))


@given(kind=KINDS, data=st.binary(max_size=2000), parquet=st.booleans())
@example(kind="loans", data=b"loan_id\x00,principal\n", parquet=False)
@example(kind="payments", data=b"PAR1\x00\x00PAR1", parquet=True)
@examples(ci=12, slow=300)
def test_random_bytes_as_a_file_are_refused_cleanly(
    module_container: Container, folder: Path, kind: str, data: bytes, parquet: bool
) -> None:
    """A file of random bytes in place of one of the book's files (CSV or Parquet)."""
    paths = _files(folder, {kind: data}, parquet=kind if parquet else None)
    _outcome(module_container, paths)


@given(kind=KINDS, cut=st.floats(0, 1, exclude_max=True), parquet=st.booleans())
@examples(ci=10, slow=200)
def test_truncated_files_are_refused_cleanly(
    module_container: Container, folder: Path, kind: str, cut: float, parquet: bool
) -> None:
    """A valid file cut short at any byte (mid-row, mid-quote, mid-Parquet footer)."""
    if parquet:
        buffer = io.BytesIO()
        pl.DataFrame(BOOK[kind], infer_schema_length=None).write_parquet(buffer)
        whole = buffer.getvalue()
    else:
        whole = _csv_bytes(BOOK[kind])
    data = whole[: int(len(whole) * cut)]
    _outcome(module_container, _files(folder, {kind: data}, parquet=kind if parquet else None))


@st.composite
def _hostile_rows(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    kind = draw(KINDS)
    rows = [dict(row) for row in BOOK[kind]]
    for _ in range(draw(st.integers(1, 3))):
        row = draw(st.integers(0, len(rows) - 1))
        column = draw(st.sampled_from(sorted({k for r in rows for k in r})))
        rows[row][column] = draw(cells)
    return kind, rows


@given(case=_hostile_rows())
@example(case=("loans", [{**LOANS[0], "principal": "9" * 40}, *LOANS[1:]]))
@example(case=("borrowers", [{**BORROWERS[0], "first_name": "a\x00b"}, *BORROWERS[1:]]))
@example(case=("payments", [{**PAYMENTS[0], "effective_date": "0000-00-00"}, *PAYMENTS[1:]]))
@examples(ci=20, slow=400)
def test_hostile_cells_under_a_valid_header(
    module_container: Container, folder: Path, case: tuple[str, list[dict[str, str]]]
) -> None:
    """Valid CSV headers, a few cells replaced by hostile values."""
    kind, rows = case
    _outcome(module_container, _files(folder, {kind: _csv_bytes(rows)}), fields=True)


PARQUET_VALUES = (
    st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | cells
    | st.none()
)


@given(kind=KINDS, data=st.data())
@examples(ci=10, slow=200)
def test_hostile_parquet_columns(
    module_container: Container, folder: Path, kind: str, data: st.DataObject
) -> None:
    """A Parquet file with the right column names but one column of another type (integers,
    floats with NaN and infinity, booleans, strings, nulls)."""
    frame = pl.DataFrame(BOOK[kind], infer_schema_length=None)
    column = data.draw(st.sampled_from(frame.columns))
    values = data.draw(st.lists(PARQUET_VALUES, min_size=frame.height, max_size=frame.height))
    kinds = {type(v) for v in values if v is not None}
    if len(kinds) > 1:  # one Parquet column has one type
        values = [None if v is None else str(v) for v in values]
    frame = frame.with_columns(pl.Series(column, values, strict=False))
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    _outcome(module_container, _files(folder, {kind: buffer.getvalue()}, parquet=kind))


def test_a_nul_byte_in_a_cell_is_a_problem_of_that_cell(
    module_container: Container, folder: Path
) -> None:
    """Found by the fuzzer: a NUL in a text cell reached PostgreSQL's COPY and aborted the
    import with a database error; it is now a problem naming file, row and field."""
    rows = [{**BORROWERS[0], "first_name": "a\x00b"}, *BORROWERS[1:]]
    before = table_counts(module_container)
    with pytest.raises(ValidationFailed) as refused:
        run_import(module_container, _files(folder, {"borrowers": _csv_bytes(rows)}))
    found = [(Path(p.file).name, p.row, p.column) for p in refused.value.problems]
    assert ("borrowers.csv", 2, "first_name") in found
    assert table_counts(module_container) == before
