"""docs/metro2-format.md documents exactly the layouts and rules the code implements."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.formats.metro2.spec import APPENDAGES, BASE, HEADER, RULES, TRAILER, SegmentLayout

DOC = Path(__file__).resolve().parents[3] / "docs" / "metro2-format.md"


def _section(layout: SegmentLayout) -> str:
    text = DOC.read_text()
    start = text.index(f"### {layout.title} (")
    return text[start : text.index("\n### ", start + 1)]


@pytest.mark.parametrize(
    "layout", [HEADER, BASE, TRAILER, *APPENDAGES], ids=lambda layout: layout.name
)
def test_every_field_is_documented_with_its_positions(layout: SegmentLayout) -> None:
    """Each field's row gives its name, character positions and length (and packed position)."""
    section = _section(layout)
    for spec in layout.fields:
        row = next(line for line in section.splitlines() if line.startswith(f"| `{spec.name}` |"))
        cells = [cell.strip() for cell in row.split("|")[1:-1]]
        assert cells[2:4] == [f"{spec.start}-{spec.end}", str(spec.length)], spec.name
        if layout in (HEADER, BASE, TRAILER):
            assert cells[6].startswith(f"{layout.packed_offset(spec.name) + 1} ("), spec.name


def test_every_rule_is_documented() -> None:
    """The rule table lists every rule id with its metro2.md section."""
    text = DOC.read_text()
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.section} |" in text, rule.id
