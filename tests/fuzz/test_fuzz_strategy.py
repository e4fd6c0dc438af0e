"""Hostile strategy files (issue 12): random YAML documents, the shipped
``strategy/data/default.yaml`` with values replaced by values of any YAML type, keys removed or
added, and its text cut or garbled. ``check_strategy`` (what ``arrears strategy check`` runs)
always returns — problems with the file's name and a line number inside the file — and
``load_strategy`` only ever refuses with ``StrategyInvalid``; never another exception.

Seeded; 5 to 100 examples per test in CI, thousands under ``-m slow``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from hypothesis import example, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from arrears.entrypoints.cli.main import app
from arrears.strategy.check import check_strategy, default_strategy_text, load_strategy
from arrears.strategy.problems import StrategyInvalid
from fuzz.conftest import examples

SOURCE = "fuzzed.yaml"
DEFAULT = default_strategy_text()

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    | st.sampled_from(["early", "late", "sms", "email", "call", "letter", "0.5", "1..3", "*"])
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(scalars, inner, max_size=4),
    max_leaves=12,
)


def _checked(text: str, *, load: bool = False) -> None:
    """Check ``text``: every problem is located in the file; with ``load``, loading refuses
    only with ``StrategyInvalid`` listing the check's errors."""
    lines = text.count("\n") + 2
    checked = check_strategy(text, source=SOURCE, include=lambda name: text)
    for problem in checked.problems:
        assert problem.file, problem
        assert 0 <= problem.line <= lines, problem
        assert problem.message, problem
    if not load:
        return
    refused: StrategyInvalid | None = None
    try:
        load_strategy(text, source=SOURCE, include=lambda name: text)
    except StrategyInvalid as error:
        refused = error
    if refused is not None:
        assert refused.strategy_problems == checked.errors
        assert refused.problems


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


@st.composite
def mutated_default(draw: st.DrawFn) -> str:
    data = yaml.safe_load(DEFAULT)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from([p for p in _paths(data) if p]))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(scalars.filter(lambda k: k is not None))] = draw(values)
        else:
            parent.append(draw(values))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@given(text=mutated_default())
@examples(ci=50, slow=3000)
def test_the_default_strategy_mutated(text: str) -> None:
    """The shipped strategy with values of other types, keys removed or unknown keys added."""
    _checked(text)


@given(document=values)
@example(document={"strategy": "x", "version": 2**70, "segments": [{"name": "a", "when": None}]})
@example(document={"strategy": ["x"], "version": 1.5, "segments": {"a": 1}})
@examples(ci=100, slow=3000)
def test_random_yaml_documents(document: Any) -> None:
    """Random YAML documents: a mapping, a list, a scalar, nested anything."""
    _checked(yaml.safe_dump(document, allow_unicode=True), load=True)


@given(data=st.data())
@example(data=None)
@examples(ci=50, slow=3000)
def test_the_default_strategy_garbled(data: st.DataObject | None) -> None:
    """The shipped strategy's text cut short or with a few characters changed (indentation,
    colons, quotes, anchors)."""
    if data is None:  # deep nesting and alias bombs: problems, not a crash or a hang
        for text in ("[" * 5000, "a: &a [*a]\n", "a: &x [1]\nb: [*x, *x, *x]\n" + "c: " * 50):
            _checked(text)
        return
    cut = data.draw(st.integers(0, len(DEFAULT)))
    text = DEFAULT[:cut]
    alphabet = st.sampled_from([" ", ":", "-", "\t", "'", '"', "&a", "*a", "!!python/object", "\n"])
    for _ in range(data.draw(st.integers(0, 4))):
        where = data.draw(st.integers(0, max(len(text) - 1, 0)))
        text = text[:where] + data.draw(alphabet | st.text(max_size=3)) + text[where + 1 :]
    _checked(text)


@given(text=mutated_default())
@examples(ci=5, slow=200)
def test_the_check_command_reports_and_never_crashes(tmp_path: Path, text: str) -> None:
    """``arrears strategy check FILE`` on a mutated file: exit 0 or the refusal's code, with
    the problems printed; never a traceback."""
    path = tmp_path / SOURCE
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["strategy", "check", str(path)])
    assert result.exit_code in (0, StrategyInvalid.exit_code), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
