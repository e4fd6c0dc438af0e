"""``arrears offer`` and ``arrears legal`` on a real database: the commands a user types."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arrears.bootstrap import Container
from arrears.entrypoints.cli.main import app
from support.recovery import import_book

runner = CliRunner()


@pytest.fixture
def cli(container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Container:
    if container.schema:
        pytest.skip("the CLI opens the default schema")
    import_book(container, tmp_path / "book")
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("ARREARS_DATABASE_URL", container.settings.effective_database_url)
    monkeypatch.setenv("ARREARS_DATA_DIR", str(container.settings.data_dir))
    return container


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_an_offer_from_price_to_acceptance(cli: Container) -> None:
    code, out = run("offer", "price", "R1", "--json")
    assert code == 0, out
    shown = json.loads(out)
    assert shown["amount_minor"] == 300_000
    assert shown["required_role"] == "manager"
    code, out = run("offer", "propose", "R1", "--by", "alex", "--role", "agent")
    assert code == 0
    assert "waits for a manager" in out
    code, out = run("offer", "approve", "1", "--by", "sam", "--role", "supervisor")
    assert code == 5
    assert "a manager must approve it" in out
    assert run("offer", "approve", "1", "--by", "morgan", "--role", "manager")[0] == 0
    code, out = run("offer", "present", "1", "--by", "alex", "--via", "letter")
    assert code == 0
    assert "presented by letter" in out
    code, out = run("offer", "accept", "1", "--by", "alex")
    assert code == 0
    assert "payment plan" in out
    code, out = run("offer", "fulfil", "1", "--by", "alex")
    assert code == 5
    assert "not paid yet" in out
    code, out = run("offer", "list", "--loan", "R1")
    assert code == 0
    assert "accepted" in out
    code, out = run("offer", "show", "1")
    assert code == 0
    assert "drafted → approved" in out.replace("—", "-").replace("- →", "→")


def test_an_offer_below_the_floor_is_refused_by_the_command(cli: Container) -> None:
    code, out = run("offer", "propose", "R4", "--by", "alex", "--amount", "7000.00")
    assert code == 5
    assert "below the floor" in out


def test_a_case_from_referral_to_judgment(cli: Container) -> None:
    code, out = run("legal", "cost-benefit", "R1")
    assert code == 0
    assert "Worth suing" in out
    code, out = run("legal", "refer", "R3", "--by", "alex")
    assert code == 5
    assert "1006.26(b)" in out
    code, out = run("legal", "refer", "R1", "--by", "alex", "--firm", "Lex & Co")
    assert code == 0
    assert "Legal case 1" in out
    for step in ("demand_sent", "filed", "served"):
        code, out = run("legal", "advance", "1", step, "--by", "alex")
        assert code == 0, out
    code, out = run("legal", "advance", "1", "judgment", "--by", "alex",
                    "--judgment-amount", "5120.00", "--judgment-date", "2026-11-20")  # fmt: skip
    assert code == 0
    assert "judgment" in out
    code, out = run("legal", "cost", "1", "filing_fee", "250.00", "--by", "alex")
    assert code == 0
    assert "charged to the borrower" in out
    code, out = run("legal", "show", "1")
    assert code == 0
    assert "$5,120.00" in out
    assert "summons_cover_sheet" in out
    code, out = run("legal", "advance", "1", "referred", "--by", "alex")
    assert code == 5
    assert "cannot go from judgment to referred" in out
