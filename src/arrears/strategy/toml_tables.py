"""Arrays of TOML tables read with line numbers, so data files can be refused line by line.

``tomllib`` gives values but not positions; the tables of a data file like the treatment
catalogue are simple (``[[name]]`` headers, one ``key = value`` per line), so a scan of the text
finds the line of each header and key. Values come from ``tomllib`` itself.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field

from arrears.strategy.problems import StrategyProblem

_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_ERROR_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True, slots=True)
class Key:
    """What a key may hold: text, a whole number ≥ ``minimum``, or a list of text."""

    name: str
    kind: type[str] | type[int] | type[list[str]]
    required: bool = False
    choices: frozenset[str] | None = None
    minimum: int = 0


@dataclass(slots=True)
class Table:
    """One ``[[name]]`` table: its values and the line of its header and of each key."""

    line: int
    values: dict[str, object]
    key_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def read_tables(
    text: str, *, source: str, name: str, keys: Sequence[Key], problems: list[StrategyProblem]
) -> list[Table]:
    """The ``[[name]]`` tables of ``text``, with a problem appended for every bad key or value."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as failure:
        found = _ERROR_LINE.search(str(failure))
        problems.append(StrategyProblem(source, int(found[1]) if found else 0, "", str(failure)))
        return []
    tables = [Table(0, dict(values)) for values in document.pop(name, [])]
    for unexpected in document:
        problems.append(
            StrategyProblem(
                source, 0, unexpected, f"unknown top-level key; only [[{name}]] tables belong here"
            )
        )
    _locate(text, name, tables)
    spec = {key.name: key for key in keys}
    for index, table in enumerate(tables):
        where = f"{name}[{index}]"
        for key in keys:
            if key.required and key.name not in table.values:
                problems.append(
                    StrategyProblem(source, table.line, f"{where}.{key.name}", "is required")
                )
        for key_name, value in table.values.items():
            line = table.line_of(key_name)
            if key_name not in spec:
                problems.append(StrategyProblem(source, line, f"{where}.{key_name}", "unknown key"))
                continue
            message = _value_problem(spec[key_name], value)
            if message:
                problems.append(StrategyProblem(source, line, f"{where}.{key_name}", message))
    return tables


def _locate(text: str, name: str, tables: list[Table]) -> None:
    header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
    current = -1
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            current += 1
            if current < len(tables):
                tables[current].line = number
        elif line.lstrip().startswith("["):
            current = len(tables)  # another table: its keys are not ours
        elif 0 <= current < len(tables) and (key := _KEY_LINE.match(line)):
            tables[current].key_lines.setdefault(key[1], number)


def _value_problem(key: Key, value: object) -> str:
    if key.kind is int:
        return _number_problem(key, value)
    if key.kind is str:
        if not isinstance(value, str) or not value.strip():
            return f"must be non-empty text, not {value!r}"
        return _choice_problem(key, [value])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"must be a list of text, not {value!r}"
    if len(set(value)) != len(value):
        return "lists a value twice"
    return _choice_problem(key, value)


def _number_problem(key: Key, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number, not {value!r}"
    return f"must be at least {key.minimum}" if value < key.minimum else ""


def _choice_problem(key: Key, values: list[str]) -> str:
    if key.choices is None:
        return ""
    unknown = [v for v in values if v not in key.choices]
    if not unknown:
        return ""
    return f"unknown value {unknown[0]!r} (one of: {', '.join(sorted(key.choices))})"
