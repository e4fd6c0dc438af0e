"""The one place where arrears' expected failures are defined.

Every failure a user can cause or fix (bad input, a refused action, a missing record) is an
``ArrearsError``. Entry points turn them into a readable message and a non-zero exit code (CLI) or
an RFC 9457 problem+json response (API). Anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ArrearsError(Exception):
    """Root of every expected failure."""

    exit_code = 1


class ConfigurationError(ArrearsError):
    """Settings are missing or contradictory (e.g. no encryption key for sensitive fields)."""

    exit_code = 2


class NotFoundError(ArrearsError):
    """A record the caller named does not exist."""

    exit_code = 3


class ConflictError(ArrearsError):
    """The action conflicts with the current state (already done, locked, stale version)."""

    exit_code = 4


class RuleViolation(ArrearsError):
    """A business or legal rule refuses the action; ``rule`` names it so users can look it up."""

    exit_code = 5

    def __init__(self, message: str, *, rule: str, source: str = "") -> None:
        super().__init__(message)
        self.rule = rule
        self.source = source


class CurrencyMismatch(ArrearsError):
    """Two amounts in different currencies were combined."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in input: where it is and what is wrong with it.

    ``row`` is the line number for text files (the header is line 1) and the 1-based record number
    for other formats; 0 means the problem concerns the whole file.
    """

    file: str
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        column = f" [{self.column}]" if self.column else ""
        value = f" {self.value!r}" if self.value else ""
        return f"{where}{column}{value}: {self.message}"


class ValidationFailed(ArrearsError):
    """Input was refused; ``problems`` lists every problem found, not just the first."""

    exit_code = 6

    def __init__(
        self, problems: Sequence[Problem], *, total: int | None = None, listing: str | None = None
    ) -> None:
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        #: Where every problem is written out when there are too many to show.
        self.listing = listing
        super().__init__(f"{self.total} problem(s) found; nothing was changed")


class StorageUnavailable(ArrearsError):
    """The database cannot be reached, or has no room left: nothing was changed, and trying
    again once it is back (or has room) is safe — every use case is one transaction."""

    exit_code = 7
