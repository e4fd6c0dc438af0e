"""Typed reading of composed YAML nodes, collecting every problem with its line number.

PyYAML's composed nodes keep the source position of every value (``start_mark``) and the scalar
text as written, so numbers are read as ``Decimal`` from their text (money is never a float),
duplicate keys are caught (plain loading keeps the last silently) and each problem names the
line a person has to edit.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from decimal import Decimal, InvalidOperation

import yaml

from arrears.strategy.problems import Severity, StrategyProblem

Node = yaml.Node
_TAG = "tag:yaml.org,2002:"
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}


def line_of(node: Node) -> int:
    return int(node.start_mark.line) + 1


class Reader:
    """Reads values out of nodes; a bad value becomes a problem and reads as None."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[StrategyProblem] = []

    def error(self, where: Node | int, path: str, message: str) -> None:
        line = where if isinstance(where, int) else line_of(where)
        self.problems.append(StrategyProblem(self.source, line, path, message))

    def warning(self, where: Node | int, path: str, message: str) -> None:
        line = where if isinstance(where, int) else line_of(where)
        self.problems.append(
            StrategyProblem(self.source, line, path, message, severity=Severity.WARNING)
        )

    def compose(self, text: str) -> Node | None:
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as failure:
            mark = failure.problem_mark or failure.context_mark
            line = int(mark.line) + 1 if mark is not None else 0
            self.error(line, "", f"not valid YAML: {failure.problem or failure}")
            return None
        except yaml.YAMLError as failure:
            self.error(0, "", f"not valid YAML: {failure}")
            return None
        except RecursionError:  # PyYAML composes recursively: "[[[[…" thousands deep
            self.error(0, "", "not a strategy file: its values are nested too deeply")
            return None
        if node is None:
            self.error(0, "", "the file is empty")
        return node

    def mapping(
        self,
        node: Node,
        path: str,
        *,
        allowed: Collection[str],
        required: Collection[str] = (),
    ) -> dict[str, Node] | None:
        """The mapping's values by key; unknown, duplicate and missing keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            names = sorted(allowed)
            shown = ", ".join(names[:6]) + (", …" if len(names) > 6 else "")
            self.error(node, path, f"must be a mapping ({shown})")
            return None
        found: dict[str, Node] = {}
        for key_node, value in node.value:
            key = str(key_node.value)
            where = f"{path}.{key}" if path else key
            if key in found:
                self.error(key_node, where, f"{key!r} is given twice (line {line_of(found[key])})")
            elif key not in allowed:
                self.error(key_node, where, f"unknown field {key!r}{suggest(key, allowed)}")
            else:
                found[key] = value
        for key in required:
            if key not in found:
                self.error(node, path, f"{key!r} is required")
        return found

    def sequence(self, node: Node, path: str) -> list[Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, "must be a list")
            return None
        return list(node.value)

    def text(self, node: Node, path: str) -> str | None:
        if not _scalar(node, "str") or not str(node.value).strip():
            self.error(node, path, f"must be text, not {_shown(node)}")
            return None
        return str(node.value)

    def texts(self, node: Node, path: str) -> list[tuple[str, Node]] | None:
        """A list of words (or one word) as written: ``NO`` stays Norway's code, not false."""
        items = [node] if isinstance(node, yaml.ScalarNode) else self.sequence(node, path)
        if items is None:
            return None
        words: list[tuple[str, Node]] = []
        for index, item in enumerate(items):
            if isinstance(item, yaml.ScalarNode) and str(item.value).strip():
                words.append((str(item.value), item))
            else:
                self.error(item, f"{path}[{index}]", f"must be a word, not {_shown(item)}")
        return words

    def number(self, node: Node, path: str) -> Decimal | None:
        """A number exactly as written (``1_000.50`` is Decimal('1000.50'))."""
        if _scalar(node, "int") or _scalar(node, "float"):
            try:
                value = Decimal(str(node.value).replace("_", ""))
            except InvalidOperation:
                value = Decimal("NaN")
            if value.is_finite():
                return value
        self.error(node, path, f"must be a number, not {_shown(node)}")
        return None

    def whole(self, node: Node, path: str, *, minimum: int) -> int | None:
        value = self.number(node, path)
        if value is None:
            return None
        if value != value.to_integral_value() or value < minimum:
            self.error(node, path, f"must be a whole number ≥ {minimum}, not {node.value}")
            return None
        return int(value)

    def flag(self, node: Node, path: str) -> bool | None:
        word = str(node.value).lower() if _scalar(node, "bool") else ""
        if word in _TRUE | _FALSE:
            return word in _TRUE
        self.error(node, path, f"must be true or false, not {_shown(node)}")
        return None


def _scalar(node: Node, tag: str) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _TAG + tag


def _shown(node: Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return repr(node.value) if node.value != "" else "nothing"
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def suggest(word: str, choices: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
