"""``arrears strategy``: check, default and treatments through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from arrears.entrypoints.cli.strategy import app
from arrears.strategy.check import check_strategy

FILES = Path(__file__).parent / "files"
runner = CliRunner()


def test_a_good_file_checks_ok() -> None:
    """A valid file exits 0 and says OK."""
    result = runner.invoke(app, ["check", str(FILES / "good_minimal.yaml")])
    assert result.exit_code == 0, result.output
    assert "strategy 'minimal' version 3, 2 segment(s), 1 experiment(s)" in result.output
    assert "OK: 0 error(s), 0 warning(s)" in result.output


def test_a_bad_file_lists_every_problem_and_exits_non_zero() -> None:
    """Errors exit with status 6 and each problem is printed with file and line."""
    path = FILES / "unknown_values.yaml"
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 6
    for line in (6, 7, 8, 9, 10, 12, 14):
        assert f"{path}:{line}: error:" in result.output
    assert "Refused: 7 error(s), 0 warning(s)" in result.output


def test_warnings_do_not_fail_the_check() -> None:
    """A file with only overlap warnings exits 0 and shows the warnings."""
    result = runner.invoke(app, ["check", str(FILES / "overlapping.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output.count(": warning:") == 4


def test_json_output_is_the_problem_list() -> None:
    """``--json`` prints the problems as data, with lines, fields and severities."""
    result = runner.invoke(app, ["check", str(FILES / "unreachable.yaml"), "--json"])
    assert result.exit_code == 6
    report = json.loads(result.output)
    assert (report["ok"], report["errors"], report["warnings"]) == (False, 3, 2)
    assert report["problems"][0] == {
        "file": str(FILES / "unreachable.yaml"),
        "line": 8,
        "field": "segment thirties",
        "severity": "error",
        "message": "unreachable: every account it matches goes to an earlier segment "
        "('delinquent')",
    }


def test_arms_read_strategy_files_beside_the_strategy() -> None:
    """A challenger file named by an arm is read relative to the checked file."""
    result = runner.invoke(app, ["check", str(FILES / "with_challenger_file.yaml")])
    assert result.exit_code == 0, result.output


def test_a_missing_file_is_a_readable_error() -> None:
    """A file that does not exist gives a message, not a traceback."""
    result = runner.invoke(app, ["check", str(FILES / "nope.yaml")])
    assert result.exit_code == 1
    assert "cannot read" in result.output


def test_default_prints_a_strategy_that_checks_clean(tmp_path: Path) -> None:
    """The printed default is valid YAML and passes the check, ready to be edited."""
    result = runner.invoke(app, ["default"])
    assert result.exit_code == 0
    assert yaml.safe_load(result.output)["strategy"] == "default"
    assert check_strategy(result.output, source="copy.yaml").problems == []


def test_treatments_lists_the_catalogue() -> None:
    """The catalogue table shows each treatment with its cost."""
    result = runner.invoke(app, ["treatments"], terminal_width=200)
    assert result.exit_code == 0
    assert "validation_notice" in result.output
    assert "$3.00" in result.output
