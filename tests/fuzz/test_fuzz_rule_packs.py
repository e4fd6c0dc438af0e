"""Hostile compliance rule packs (issue 12): the shipped packs (``compliance/packs/*.toml``)
with one value replaced by a value of any TOML type, a key removed or an unknown key added,
and the TOML text itself cut or garbled. The loader either reads the pack or refuses it with
a ``PackError`` that names the pack, the rule or the exemption — never another exception.

Seeded; a few hundred examples in CI (the parser is pure and fast), thousands under
``-m slow``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from importlib.resources import files
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from arrears.compliance.checks import CHECKS, CONDITIONS
from arrears.compliance.packs import PackError, parse_pack
from fuzz.conftest import examples

FOLDER = files("arrears.compliance") / "packs"
PACKS = {
    p.name[:-5]: p.read_text(encoding="utf-8") for p in FOLDER.iterdir() if p.name.endswith(".toml")
}


def toml_value(value: Any) -> str:
    """``value`` as an inline TOML value (the packs are re-written inline: same data)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_text(data: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(key)} = {toml_value(value)}\n" for key, value in data.items())


scalars = (
    st.text(max_size=20)
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats()
    | st.booleans()
    | st.dates()
    | st.sampled_from(["call", "sms", "email", "block", "disclose", "contact_cap", "MA", ""])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the data: keys of tables and indexes of lists."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


@st.composite
def mutated_packs(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(PACKS)))
    data = tomllib.loads(PACKS[name])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from([p for p in _paths(data) if p]))
        parent = _parent(data, path)
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(values)
        else:
            parent.append(draw(values))
    return name, toml_text(data)


def _load(name: str, text: str) -> None:
    """Load a pack: fine, or a PackError whose message starts with what it concerns."""
    message = ""
    try:
        parse_pack(text, name=name, known_checks=CHECKS, known_conditions=CONDITIONS)
    except PackError as refused:
        message = str(refused) or "(empty)"
    if message:
        where, _, why = message.partition(": ")
        assert where.strip(), f"a PackError names what it concerns: {message}"
        assert why.strip(), f"a PackError says what is wrong: {message}"


def test_the_shipped_packs_round_trip_through_the_inline_writer() -> None:
    """The writer the fuzzer uses keeps a pack's meaning: each shipped pack re-written inline
    loads to the same rules (so a refusal below is the mutation's doing)."""
    for name, text in PACKS.items():
        again = toml_text(tomllib.loads(text))
        original = parse_pack(text, name=name, known_checks=CHECKS, known_conditions=CONDITIONS)
        rewritten = parse_pack(again, name=name, known_checks=CHECKS, known_conditions=CONDITIONS)
        assert rewritten == original, name


@given(case=mutated_packs())
@example(case=("us_ma", toml_text({"pack": "us_ma", "rule": []})))
@example(case=("us_ma", toml_text({"pack": {"id": "x", "states": "MA"}})))
@example(case=("us_ma", toml_text({"rule": [{"id": "r", "check": "quiet_hours", "reason": 5,
                                              "source": "s"}]})))  # fmt: skip
@example(case=("us_ma", toml_text({"rule": [1, 2]})))
@example(case=("us_ma", toml_text({"exemption": [{"id": "e", "condition": ["x"]}]})))
@examples(ci=300, slow=5000)
def test_mutated_packs_load_or_are_refused_with_a_pack_error(case: tuple[str, str]) -> None:
    """A shipped pack with values of other types, keys removed or unknown keys added."""
    _load(*case)


@given(name=st.sampled_from(sorted(PACKS)), data=st.data())
@examples(ci=150, slow=3000)
def test_garbled_pack_text_is_refused_with_a_pack_error(name: str, data: st.DataObject) -> None:
    """A shipped pack's text cut short or with a few characters changed."""
    text = PACKS[name]
    cut = data.draw(st.integers(0, len(text)))
    edits = data.draw(
        st.lists(st.tuples(st.integers(0, max(cut - 1, 0)), st.text(max_size=3)), max_size=4)
    )
    garbled = text[:cut]
    for where, insert in edits:
        garbled = garbled[:where] + insert + garbled[where + 1 :]
    _load(name, garbled)
