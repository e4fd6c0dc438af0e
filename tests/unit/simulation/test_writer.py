"""Portfolios are written as import files: CSV appended chunk by chunk, Parquet by row group."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arrears.simulation import generate_portfolio, write_portfolio
from arrears.simulation.formats import SCHEMAS

AS_OF = date(2026, 11, 27)
REQUIRED = ["borrowers", "loans", "payments", "collateral", "valuations"]


def test_csv_files_are_named_by_kind_and_read_back_to_the_frames(tmp_path: Path) -> None:
    """Each kind gets ``<kind>.csv`` whose header is the doc's columns and whose rows are the frames'."""
    files = write_portfolio(tmp_path, loans=1_500, seed=3, as_of=AS_OF, chunk_loans=500)
    assert set(REQUIRED) <= set(files)
    chunks = list(generate_portfolio(loans=1_500, seed=3, as_of=AS_OF, chunk_loans=500))
    for kind, path in files.items():
        assert path == tmp_path / f"{kind}.csv"
        assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(SCHEMAS[kind])
        expected = pl.concat([chunk.frames()[kind] for chunk in chunks])
        read = pl.read_csv(path, schema=SCHEMAS[kind])
        assert read.equals(expected), kind


def test_schedules_are_written_only_when_some_loan_has_one(tmp_path: Path) -> None:
    """A tiny book without explicit schedules has no schedules file; a larger one has."""
    tiny = write_portfolio(tmp_path / "tiny", loans=3, seed=3, as_of=AS_OF)
    tiny_rows = sum(c.schedules.height for c in generate_portfolio(loans=3, seed=3, as_of=AS_OF))
    assert tiny_rows == 0
    assert "schedules" not in tiny
    assert not (tmp_path / "tiny" / "schedules.csv").exists()
    larger = write_portfolio(tmp_path / "larger", loans=1_000, seed=3, as_of=AS_OF)
    assert larger["schedules"].exists()


def test_an_empty_portfolio_still_writes_headers(tmp_path: Path) -> None:
    """Zero loans give the five required files with only their header row."""
    files = write_portfolio(tmp_path, loans=0, seed=1, as_of=AS_OF)
    assert sorted(files) == sorted(REQUIRED)
    for kind, path in files.items():
        assert path.read_text(encoding="utf-8").splitlines() == [",".join(SCHEMAS[kind])]


def test_parquet_has_one_row_group_per_chunk_and_no_float_amounts(tmp_path: Path) -> None:
    """Parquet files hold a row group per chunk, amounts as text and dates as dates."""
    files = write_portfolio(
        tmp_path, loans=900, seed=3, as_of=AS_OF, fmt="parquet", chunk_loans=300
    )
    loans = pq.ParquetFile(files["loans"])
    assert loans.metadata.num_row_groups == 3
    schema = loans.schema_arrow
    assert schema.names == list(SCHEMAS["loans"])
    assert pa.types.is_large_string(schema.field("principal").type)
    assert pa.types.is_date32(schema.field("origination_date").type)
    for path in files.values():
        assert not any(pa.types.is_floating(f.type) for f in pq.read_schema(path))
    assert pl.read_parquet(files["payments"]).height > 900 * 10


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    """Only csv and parquet are offered."""
    with pytest.raises(ValueError, match="unknown format"):
        write_portfolio(tmp_path, loans=1, seed=1, as_of=AS_OF, fmt="xlsx")  # type: ignore[arg-type]
