"""The shipped strategy checks clean and docs/strategy.md documents it and the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arrears.strategy.catalogue import default_catalogue
from arrears.strategy.check import check_strategy, default_strategy, default_strategy_text
from arrears.strategy.features import FIELDS

DOC = (Path(__file__).resolve().parents[3] / "docs" / "strategy.md").read_text()


def test_the_default_strategy_has_no_errors_and_no_warnings() -> None:
    """No unreachable or overlapping segment, no rule that is never due."""
    checked = check_strategy(default_strategy_text(), source="default.yaml")
    assert [str(p) for p in checked.problems] == []


def test_the_default_strategy_covers_every_delinquent_stage() -> None:
    """Early, mid and late stage, pre-charge-off and charged-off accounts all have a segment."""
    names = [s.name for s in default_strategy().segments]
    for stage in ("early_stage", "mid_stage", "late_stage", "pre_charge_off", "charged_off"):
        assert stage in names


def test_every_default_segment_is_documented_with_its_rules() -> None:
    """Each segment has a section whose bullets name each of its treatments."""
    for segment in default_strategy().segments:
        section = DOC.split(f"### `{segment.name}`", 1)[1].split("\n### ", 1)[0]
        for rule in segment.treatments:
            assert f"`{rule.treatment}`" in section, (segment.name, rule.treatment)


def _doc_table_rows() -> dict[str, list[str]]:
    section = DOC.split("## The treatment catalogue", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells
    return rows


@pytest.mark.parametrize("treatment", [t.id for t in default_catalogue().treatments])
def test_the_catalogue_table_in_the_docs_matches_the_data(treatment: str) -> None:
    """Kind, channel, category, cost and capacity in docs/strategy.md are those of the TOML."""
    entry = default_catalogue()[treatment]
    _, kind, channel, category, cost, capacity, requires, _ = _doc_table_rows()[treatment]
    assert (kind, channel, category) == (entry.kind, entry.channel or "", entry.category)
    assert cost == f"${entry.cost_minor // 100}.{entry.cost_minor % 100:02d}"
    expected = f"{entry.capacity_units} {entry.capacity_class}" if entry.capacity_class else ""
    assert capacity == expected
    assert requires == ", ".join(entry.requires)


def test_every_condition_field_is_documented() -> None:
    """The conditions table names every field a ``when:`` accepts."""
    section = DOC.split("### Conditions", 1)[1].split("\n### ", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    assert set(FIELDS) <= documented
