"""The furnishing document lists every field furnishing fills and every reason an account is
left out, so the table stays the mapping."""

from __future__ import annotations

from pathlib import Path

from arrears.batch.furnishing import BASE_FIELDS
from arrears.batch.furnishing.exclusions import EXCLUSIONS
from arrears.batch.furnishing.mapping import SOURCES

DOC = Path(__file__).resolve().parents[3] / "docs" / "metro2-furnishing.md"


def test_every_reported_field_is_in_the_mapping_table() -> None:
    text = DOC.read_text()
    assert [name for name in BASE_FIELDS if f"`{name}`" not in text] == []
    assert all(f"`{source.field}`" in text for source in SOURCES)


def test_every_reason_an_account_is_left_out_is_documented() -> None:
    text = DOC.read_text()
    assert [e.reason for e in EXCLUSIONS if f"`{e.reason}`" not in text] == []
