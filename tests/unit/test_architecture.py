"""Rules of the house that code review alone would miss (DESIGN §1–2)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "arrears"
DOCS = Path(__file__).resolve().parents[2] / "docs"
CLOCK_ADAPTER = SRC / "adapters" / "system_clock.py"


def _calls_to_the_real_clock(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            owner = ast.unparse(node.func.value)
            if (
                name in {"now", "today", "utcnow"} and owner.split(".")[-1] in {"datetime", "date"}
            ) or (
                name in {"time", "monotonic"}
                and owner == "time"
                and "entrypoints" not in path.parts
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno} {owner}.{name}()")
    return found


def test_only_the_clock_adapter_reads_the_real_time() -> None:
    """Dates come from an injected Clock; nothing else may call datetime.now() or date.today()."""
    offenders = [
        call
        for path in SRC.rglob("*.py")
        if path != CLOCK_ADAPTER
        for call in _calls_to_the_real_clock(path)
    ]
    assert offenders == []


def test_no_floats_for_money_in_the_pure_layers() -> None:
    """``float(`` never appears where amounts are computed (domain, ledger)."""
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for layer in ("domain", "ledger")
        for path in (SRC / layer).rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bfloat\(", line)
    ]
    assert offenders == []


def test_the_import_format_document_matches_the_code() -> None:
    """Every kind's columns in docs/data-formats.md are exactly those the importer accepts."""
    from arrears.adapters.files.kinds import COLUMNS

    text = (DOCS / "data-formats.md").read_text()
    for kind, specs in COLUMNS.items():
        section = text.split(f"## {kind.value}", 1)[1].split("\n## ", 1)[0]
        documented: set[str] = set()
        for line in section.splitlines():
            if (
                line.startswith("| ")
                and not line.startswith("| column")
                and not line.startswith("|---")
            ):
                cell = line.split("|")[1].strip()
                documented.update(c.strip() for c in cell.split(","))
        assert documented == {s.name for s in specs}, kind


@pytest.mark.parametrize("module", ["domain", "ledger"])
def test_pure_layers_have_no_io_imports(module: str) -> None:
    forbidden = {"sqlalchemy", "httpx", "requests", "smtplib", "socket", "subprocess", "os"}
    for path in (SRC / module).rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            assert not set(names) & forbidden, f"{path.relative_to(SRC)} imports {names}"
