"""``arrears simulate`` end to end: two strategies side by side, with intervals over seeds."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arrears.entrypoints.cli.main import app

DATA = Path(str(files("arrears.strategy.data")))


def test_two_strategies_side_by_side(tmp_path: Path) -> None:
    """The default strategy against a do-nothing one on two small books: the table has both,
    the comparison line is paired by seed, and doing nothing costs nothing."""
    nothing = tmp_path / "nothing.yaml"
    nothing.write_text(
        "strategy: nothing\nversion: 1\nsegments:\n  - name: all\n    treatments: []\n"
    )
    result = CliRunner().invoke(
        app,
        ["simulate", "--strategy", str(DATA / "default.yaml"), "--vs", str(nothing),
         "--accounts", "150", "--days", "35", "--seed", "3", "--seeds", "2"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "net recovery" in result.output
    assert "recovered by day 30" in result.output
    assert "paired by seed" in result.output
    assert "compliance blocks" in result.output


def test_the_optimised_strategy_trains_its_model_first(tmp_path: Path) -> None:
    """Without --model the optimised strategy's model is trained on a separate book, saved,
    checked (hold-out and fairness tables) and then used."""
    pytest.importorskip("sklearn")
    result = CliRunner().invoke(
        app,
        ["simulate", "--strategy", str(DATA / "default.yaml"), "--vs",
         str(DATA / "optimised.yaml"), "--accounts", "150", "--days", "100", "--seeds", "1",
         "--save-model", str(tmp_path / "models")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Training a model" in result.output
    assert list((tmp_path / "models").glob("recovery-*.json"))
    assert "Outcomes by region" in result.output
    assert "optimiser: mean" in result.output


def test_an_unreadable_strategy_is_a_clear_error(tmp_path: Path) -> None:
    """A missing file exits non-zero with a readable message."""
    result = CliRunner().invoke(app, ["simulate", "--strategy", str(tmp_path / "missing.yaml")])
    assert result.exit_code != 0
    assert "cannot read" in result.output
