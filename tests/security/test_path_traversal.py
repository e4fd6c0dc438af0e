"""Path traversal wherever arrears takes a name for a file (OWASP "Path Traversal"; issue 12
"Security"): ``../`` and absolute paths are refused with a clear message, and the file they
point at is never read or written.

The file parameters that take a name (not a path the operator types on purpose): the model a
strategy's ``optimise`` block names, the strategy files an experiment arm includes (``arrears
strategy check``, ``arrears strategy activate``, ``arrears simulate`` and the supervisor's
upload), message and document template names and languages, the portal's language.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arrears.adapters.channels.templates import JinjaTemplates
from arrears.adapters.documents import JinjaDocuments
from arrears.adapters.files.model_store import FileModelStore
from arrears.domain.file_names import plain_name_problem, relative_name_problem
from arrears.entrypoints.cli.main import app
from arrears.errors import ArrearsError
from arrears.services.ports import TemplateFailure
from arrears.strategy.check import check_strategy, default_strategy_text
from support.web import World, sign_in
from unit.templates.contexts import context_for

TRAVERSALS = ["../outside", "../../outside", "/etc/passwd", "a/../../outside", "..\\outside",
              "~/outside", "x\x00y"]  # fmt: skip
CHAMPION = Path(__file__).parents[1] / "unit" / "strategy" / "files" / "with_challenger_file.yaml"


def strategy_naming(file: str) -> str:
    """A strategy with an experiment whose second arm is read from ``file``."""
    text = CHAMPION.read_text(encoding="utf-8")
    assert "strategy: challenger.yaml" in text
    return text.replace("strategy: challenger.yaml", f"strategy: {json.dumps(file)}")


@pytest.mark.parametrize("name", TRAVERSALS)
def test_names_that_climb_out_or_start_at_the_root_are_not_names(name: str) -> None:
    """The shared rule (``domain.file_names``): refused as a plain name and as a relative one."""
    assert plain_name_problem(name) is not None
    assert relative_name_problem(name) is not None


def test_plain_and_nested_names_are_names() -> None:
    assert plain_name_problem("recovery-2026-11-27") is None
    assert relative_name_problem("arms/challenger.yaml") is None
    assert plain_name_problem("arms/challenger.yaml") is not None


@pytest.mark.parametrize("name", TRAVERSALS)
def test_a_model_name_cannot_reach_outside_the_model_folder(tmp_path: Path, name: str) -> None:
    """The model store refuses the name before it looks at the disk; a model file placed
    where the name points is never read."""
    models = tmp_path / "data" / "models"
    models.mkdir(parents=True)
    (tmp_path / "data" / "outside.json").write_text("{}")
    with pytest.raises(ArrearsError, match="model: "):
        FileModelStore(models).load(name)


def test_a_strategy_naming_a_model_by_path_is_refused_at_its_line() -> None:
    """``optimise.model: ../../secrets`` is an error of the strategy file, with its line."""
    block = "\noptimise:\n  capacities: {letters: 10}\n  model: ../../secrets\n"
    checked = check_strategy(default_strategy_text() + block, source="s.yaml")
    found = [p for p in checked.errors if p.field == "optimise.model"]
    assert found, [p.message for p in checked.errors]
    assert "a model is named, not a path" in found[0].message
    assert found[0].line > 0


@pytest.mark.parametrize("name", ["../outside.yaml", "/ABSOLUTE/outside.yaml"])
def test_the_cli_check_does_not_read_an_arm_file_outside_the_strategys_folder(
    tmp_path: Path, name: str
) -> None:
    """``arrears strategy check``: an arm naming ``../outside.yaml`` (which exists, and would
    be a valid strategy) or an absolute path is an error at that line, not a read."""
    folder = tmp_path / "strategies"
    folder.mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text(default_strategy_text())
    target = name.replace("/ABSOLUTE/outside.yaml", str(outside))
    (folder / "main.yaml").write_text(strategy_naming(target))
    result = CliRunner().invoke(app, ["strategy", "check", str(folder / "main.yaml"), "--json"])
    assert result.exit_code != 0, result.output
    problems = json.loads(result.stdout)["problems"]
    messages = [p["message"] for p in problems]
    assert any("included strategy file" in m for m in messages), messages


def test_the_cli_check_still_reads_an_arm_file_beside_the_strategy(tmp_path: Path) -> None:
    """The rule does not stop the legitimate case: a file in the strategy's own folder."""
    (tmp_path / "other.yaml").write_text(default_strategy_text())
    (tmp_path / "main.yaml").write_text(strategy_naming("other.yaml"))
    result = CliRunner().invoke(app, ["strategy", "check", str(tmp_path / "main.yaml"), "--json"])
    problems = json.loads(result.stdout)["problems"]
    assert not [p for p in problems if "included strategy file" in p["message"]]


def test_an_uploaded_strategy_cannot_include_a_file_on_the_server(world: World) -> None:
    """The supervisor's upload: an arm naming a file on the server (``../../etc/passwd`` or
    ``/etc/passwd``) is read only from the uploaded files, so it is "not uploaded"."""
    client = world.client()
    csrf = sign_in(client, "sue")
    for name in ("../../etc/passwd", "/etc/passwd"):
        answer = client.post(
            "/supervisor/strategy", data={"action": "check", "csrf_token": csrf},
            files=[("files", ("main.yaml", strategy_naming(name).encode(), "text/yaml"))],
        )  # fmt: skip
        assert answer.status_code == 422
        assert "was not uploaded with the strategy" in answer.text
        assert "root:" not in answer.text


@pytest.mark.parametrize("name", ["../messages/payment_reminder", "/etc/passwd", "..", "../.."])
def test_a_message_template_name_is_looked_up_only_in_the_library(name: str) -> None:
    """A template name with a path in it is "no message template", never a file elsewhere."""
    with pytest.raises(TemplateFailure):
        JinjaTemplates().render(template=name, channel="letter", language="en",
                                context=context_for("payment_reminder"))  # fmt: skip


@pytest.mark.parametrize("language", ["../es", "../../payment_reminder/en", "/etc"])
def test_a_language_with_a_path_in_it_never_picks_a_file_outside(language: str) -> None:
    """A language (stored per borrower) that is a path is refused or falls back to English."""
    try:
        rendered = JinjaTemplates().render(template="payment_reminder", channel="sms",
                                           language=language, context=context_for("payment_reminder"))  # fmt: skip
    except TemplateFailure:
        return
    assert rendered.language == "en"


@pytest.mark.parametrize("template", ["../documents/summons_cover_sheet", "/etc/passwd"])
def test_a_document_template_name_with_a_path_is_refused(template: str) -> None:
    with pytest.raises(TemplateFailure):
        JinjaDocuments().render(template=template, language="en", context={})


def test_the_portal_language_ignores_a_path(world: World) -> None:
    """``/portal/language?lang=../../etc`` is refused or ignored: the session stays in English
    (a known language), and no file of that name is looked for."""
    client = world.client()
    answer = client.get("/portal/language", params={"lang": "../../etc/passwd"})
    assert answer.status_code in (200, 303, 422)
    page = client.get("/portal/sign-in")
    assert page.status_code == 200
    assert 'lang="en"' in page.text
