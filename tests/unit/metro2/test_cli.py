"""``arrears metro2 validate`` and ``convert`` through Typer's test runner: exit codes, every
problem listed, the JSON report, and conversions that never leave half a file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arrears.entrypoints.cli.metro2 import PROBLEMS_EXIT, app
from arrears.formats.metro2 import Format, loads, read_file, validate_bytes
from arrears.formats.metro2.framing.descriptors import detect

runner = CliRunner()


@pytest.fixture
def valid(tmp_path: Path, build_file: Callable[..., bytes]) -> Path:
    path = tmp_path / "valid.metro2"
    path.write_bytes(build_file())
    return path


@pytest.fixture
def invalid(
    tmp_path: Path, build_file: Callable[..., bytes], patched: Callable[[bytes, int, bytes], bytes]
) -> Path:
    data = patched(build_file(), 426 + 123, b"XX")
    data = patched(data, 426 + 324, b"4")
    path = tmp_path / "invalid.metro2"
    path.write_bytes(data)
    return path


def test_validate_a_valid_file_exits_zero(valid: Path) -> None:
    """A clean file: exit 0 and an OK line with the record count."""
    result = runner.invoke(app, ["validate", str(valid)])
    assert result.exit_code == 0, result.output
    assert "OK: valid.metro2: 3 record(s), no problems" in result.output


def test_validate_lists_every_problem_and_exits_non_zero(invalid: Path) -> None:
    """Each problem on its own line with record, field, byte and rule; exit status 6."""
    result = runner.invoke(app, ["validate", str(invalid)])
    assert result.exit_code == PROBLEMS_EXIT == 6
    lines = result.output.splitlines()
    assert any("record 2 base.account_status at byte 549 'XX'" in line for line in lines)
    assert any("base.ecoa_code at byte 750" in line and "[code.ecoa" in line for line in lines)
    assert lines[-1].startswith("INVALID: invalid.metro2: 3 problem(s)")


def test_validate_json_report(invalid: Path) -> None:
    """--json prints one document with every problem and counts per rule."""
    result = runner.invoke(app, ["validate", str(invalid), "--json"])
    assert result.exit_code == PROBLEMS_EXIT
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["records"] == 3
    assert report["problem_count"] == len(report["problems"]) == 3
    assert report["counts"] == {"code.account-status": 1, "code.ecoa": 1, "trailer.total": 1}
    first = report["problems"][0]
    assert set(first) == {
        "record",
        "segment",
        "field",
        "position",
        "value",
        "rule",
        "section",
        "message",
    }


def test_validate_json_of_a_valid_file(valid: Path) -> None:
    """A clean file's JSON report says ok with no problems."""
    result = runner.invoke(app, ["validate", str(valid), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["ok"] is True


def test_validate_garbage_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """Not Metro 2 at all: one problem at byte 0, exit 6."""
    path = tmp_path / "garbage.bin"
    path.write_bytes(b"\xff\xfe garbage")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == PROBLEMS_EXIT
    assert "framing.not-metro2" in result.output


def test_convert_to_json_and_back(valid: Path, tmp_path: Path) -> None:
    """Metro 2 -> JSON -> Metro 2 gives the same bytes (totals recomputed either way)."""
    as_json = tmp_path / "file.json"
    result = runner.invoke(app, ["convert", str(valid), "--to", "json", "-o", str(as_json)])
    assert result.exit_code == 0, result.output
    assert loads(as_json.read_bytes()) == read_file(valid.read_bytes())
    back = tmp_path / "back.metro2"
    result = runner.invoke(app, ["convert", str(as_json), "--to", "metro2", "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert back.read_bytes() == valid.read_bytes()


def test_convert_to_json_on_stdout(valid: Path) -> None:
    """Without -o the document goes to standard output."""
    result = runner.invoke(app, ["convert", str(valid), "--to", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["accounts"][0]["base"]["surname"] == "DOE"


def test_convert_character_to_packed(valid: Path, tmp_path: Path) -> None:
    """--packed re-spells the file in the packed format, which validates cleanly."""
    packed = tmp_path / "file.packed"
    result = runner.invoke(
        app, ["convert", str(valid), "--to", "metro2", "--packed", "-o", str(packed)]
    )
    assert result.exit_code == 0, result.output
    data = packed.read_bytes()
    framing = detect(data[:16])
    assert framing is not None
    assert framing.format is Format.PACKED
    assert validate_bytes(data).ok
    assert read_file(data).accounts == read_file(valid.read_bytes()).accounts


def test_a_refused_conversion_leaves_no_output(tmp_path: Path) -> None:
    """Invalid JSON: exit 6, the problems on stderr, and no output file."""
    source = tmp_path / "bad.json"
    source.write_text('{"accounts": [{"base": {"current_balance": -5}}], "header": null}')
    target = tmp_path / "out.metro2"
    result = runner.invoke(app, ["convert", str(source), "--to", "metro2", "-o", str(target)])
    assert result.exit_code == PROBLEMS_EXIT
    assert "header.missing" in result.output
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_convert_a_garbled_metro2_file_is_refused(tmp_path: Path, golden: Path) -> None:
    """A crasher cannot be converted: the framing problems are listed, exit 6."""
    crasher = next((golden / "crashers").iterdir())
    result = runner.invoke(
        app, ["convert", str(crasher), "--to", "json", "-o", str(tmp_path / "x.json")]
    )
    assert result.exit_code == PROBLEMS_EXIT
    assert "Refused:" in result.output
    assert not (tmp_path / "x.json").exists()
