"""Frames have exactly the columns of docs/data-formats.md, typed so CSV and Parquet are valid."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from arrears.simulation.formats import KINDS, SCHEMAS, amount_text, rate_ppm_text, rate_text

DOC = Path(__file__).resolve().parents[3] / "docs" / "data-formats.md"


def documented_columns() -> dict[str, list[str]]:
    """Column names per kind, read from the tables under each ``## kind`` heading of the doc."""
    columns: dict[str, list[str]] = {}
    kind = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\w+)", line)
        if heading:
            kind = heading.group(1)
            continue
        if kind in KINDS and line.startswith("| ") and not line.startswith("| column"):
            cell = line.split("|")[1].strip()
            columns.setdefault(kind, []).extend(name.strip() for name in cell.split(","))
    return columns


def test_the_doc_defines_all_six_kinds() -> None:
    """The parser finds every kind in the doc (so the column test below compares something)."""
    assert sorted(documented_columns()) == sorted(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_schemas_have_exactly_the_documented_columns_in_order(kind: str) -> None:
    """Each kind's schema lists the doc's columns, no more, no fewer, in the doc's order."""
    assert list(SCHEMAS[kind]) == documented_columns()[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_generated_frames_have_the_documented_columns(kind: str, book: Any) -> None:
    """The generated frames carry the doc's columns and never a floating-point column."""
    frame = book.frames[kind]
    assert frame.columns == documented_columns()[kind]
    assert not [name for name, dtype in frame.schema.items() if dtype.is_float()]


def test_amounts_are_written_in_major_units_with_two_decimals() -> None:
    """Minor units become "1234.50", "0.05" and "0.00"."""
    frame = pl.DataFrame({"minor": [123_450, 5, 0, 100]})
    assert frame.select(amount_text(pl.col("minor"))).to_series().to_list() == [
        "1234.50",
        "0.05",
        "0.00",
        "1.00",
    ]


def test_rates_are_written_as_their_shortest_decimal_fraction() -> None:
    """Rates in millionths print as the importer's decimal fractions, the same in bulk and alone."""
    ppm = [129_900, 61_250, 0, 100_000, 1]
    expected = ["0.1299", "0.06125", "0", "0.1", "0.000001"]
    frame = pl.DataFrame({"ppm": ppm})
    assert frame.select(rate_text(pl.col("ppm"))).to_series().to_list() == expected
    assert [rate_ppm_text(p) for p in ppm] == expected
