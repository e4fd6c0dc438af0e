"""Problems found in a strategy or catalogue file, as data: where, what, and how serious.

A file is checked completely before it is refused, so the author sees every problem at once
(DESIGN §6). Errors refuse the file; warnings (an overlap that first-match-wins resolves) do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from arrears.errors import Problem, ValidationFailed


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class StrategyProblem:
    """One problem: file, 1-based line (0 = the whole file), dotted field path and message."""

    file: str
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}: {self.severity}:{field} {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "severity": self.severity.value,
            "message": self.message,
        }


def sort_problems(problems: Sequence[StrategyProblem]) -> list[StrategyProblem]:
    """Problems in reading order: by file, then line, errors before warnings on a line."""
    return sorted(problems, key=lambda p: (p.file, p.line, p.severity != Severity.ERROR))


class StrategyInvalid(ValidationFailed):
    """A strategy or catalogue file has errors; ``strategy_problems`` lists every one of them."""

    def __init__(self, problems: Sequence[StrategyProblem]) -> None:
        self.strategy_problems = sort_problems(problems)
        super().__init__(
            [
                Problem(p.file, p.line, p.field, "", f"{p.severity}: {p.message}")
                for p in self.strategy_problems
            ]
        )
