"""Problems found in Metro 2 input, and the error that carries them (DESIGN §6).

Validation never stops at the first problem: it returns every :class:`Metro2Problem` with the
record number, segment, field, byte position, value and the rule it breaks. Input that cannot be
read at all raises :class:`Metro2FormatError`, which carries the same problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from arrears.errors import Problem, ValidationFailed
from arrears.formats.metro2.spec.rules import rule

#: Shown instead of the value of a sensitive field (SSN, date of birth).
REDACTED = "<redacted>"


@dataclass(frozen=True, slots=True, kw_only=True)
class Metro2Problem:
    """One problem: where it is, what the bytes were and which rule they break.

    ``record`` is the 1-based record number in the file (the header is record 1; 0 means the
    whole file); ``position`` is the 0-based byte offset of the field in the original input
    (``None`` for JSON input, where ``field`` holds the JSON path instead).
    """

    record: int
    segment: str
    field: str
    position: int | None
    value: str
    rule: str
    message: str

    @classmethod
    def in_file(
        cls,
        rule_id: str,
        message: str,
        *,
        segment: str = "file",
        field: str = "",
        position: int | None = None,
        value: str = "",
        record: int = 0,
    ) -> Metro2Problem:
        """A problem not tied to a row of a segment matrix (framing, missing records, JSON)."""
        return cls(
            record=record,
            segment=segment,
            field=field,
            position=position,
            value=value,
            rule=rule_id,
            message=message,
        )

    @property
    def section(self) -> str:
        """The section of metro2.md the rule cites."""
        return rule(self.rule).section

    @property
    def structural(self) -> bool:
        """True when the bytes cannot be decoded into the typed model."""
        return rule(self.rule).structural

    def to_problem(self, *, file: str = "") -> Problem:
        """The project-wide :class:`~arrears.errors.Problem` view of this problem."""
        where = f"{self.segment}.{self.field}" if self.field else self.segment
        if self.position is not None:
            where = f"{where}@{self.position}"
        return Problem(file, self.record, where, self.value, f"{self.message} [{self.rule}]")

    def as_dict(self) -> dict[str, object]:
        return {
            "record": self.record,
            "segment": self.segment,
            "field": self.field,
            "position": self.position,
            "value": self.value,
            "rule": self.rule,
            "section": self.section,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"record {self.record} {self.segment}" if self.record else self.segment
        field = f".{self.field}" if self.field else ""
        at = f" at byte {self.position}" if self.position is not None else ""
        value = f" {self.value!r}" if self.value else ""
        return f"{where}{field}{at}{value}: {self.message} [{self.rule}, §{self.section}]"


class Metro2FormatError(ValidationFailed):
    """Metro 2 or JSON input that cannot be read or written; lists every problem found.

    ``position`` is the byte offset of the first problem (``None`` when not about bytes).
    """

    def __init__(self, problems: Iterable[Metro2Problem]) -> None:
        self.metro2_problems = list(problems)
        super().__init__([problem.to_problem() for problem in self.metro2_problems])
        first = self.metro2_problems[0] if self.metro2_problems else None
        self.position = first.position if first is not None else None
        if first is not None:
            self.args = (f"{self.total} problem(s) found; first: {first}",)


def printable(raw: bytes) -> str:
    """Bytes shown safely in a message: ASCII as is, anything else as ``\\xNN`` escapes."""
    return "".join(chr(byte) if 0x20 <= byte < 0x7F else f"\\x{byte:02x}" for byte in raw)
