"""Console output shared by the commands: errors, tables, money and progress."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from arrears.adapters.db.failures import as_storage_error
from arrears.domain.money import Money
from arrears.errors import ArrearsError, ValidationFailed

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)

P = ParamSpec("P")
R = TypeVar("R")


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Expected failures become a readable message and their exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as failure:
            errors.print(f"[bold red]Refused:[/] {failure}")
            for problem in failure.problems:
                errors.print(f"  {problem}", markup=False)
            if failure.total > len(failure.problems):
                errors.print(f"  … and {failure.total - len(failure.problems):,} more")
            if failure.listing:
                errors.print(f"Every problem is listed in {failure.listing}", markup=False)
            raise typer.Exit(failure.exit_code) from None
        except ArrearsError as failure:
            errors.print(f"[bold red]Error:[/] {failure}", markup=True)
            raise typer.Exit(failure.exit_code) from None
        except Exception as error:  # a database that is down or full is not a bug
            storage = as_storage_error(error)
            if storage is None:
                raise
            errors.print(f"[bold red]Error:[/] {escape(str(storage))}")
            raise typer.Exit(storage.exit_code) from None

    return wrapper


def parse_date(text: str | None, *, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArrearsError(f"{option} {text!r} is not a date (use YYYY-MM-DD)") from None


def money(minor: int, currency: str = "USD") -> str:
    return Money(minor, currency).format()


def whole_money(minor: int, currency: str = "USD") -> str:
    """An amount to the nearest whole unit, for portfolio totals (``$129,543,412``)."""
    return Money(minor, currency).format(whole=True)


class RichProgress:
    """The import's progress: rows read per file, with a spinner and elapsed time."""

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._task: int | None = None

    def start(self, label: str, unit: str = "rows") -> None:
        self.finish()
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=None),
            TextColumn("{task.completed:,} " + unit),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(label, total=None)

    def advance(self, rows: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, rows)  # type: ignore[arg-type]

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
