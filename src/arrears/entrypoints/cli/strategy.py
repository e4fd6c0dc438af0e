"""``arrears strategy``: check a strategy file, print the default strategy, list the treatments."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from arrears.domain.file_names import require_relative_name
from arrears.entrypoints.cli.output import console, handle_errors, money
from arrears.errors import ArrearsError
from arrears.strategy.catalogue import default_catalogue
from arrears.strategy.check import StrategyCheck, check_strategy, default_strategy_text
from arrears.strategy.problems import Severity, StrategyInvalid

app = typer.Typer(
    help="Strategies as data: check a file, start from the default, see the treatments.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def check_command(
    file: Annotated[Path, typer.Argument(help="Strategy file (YAML).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON (for editors and CI).")
    ] = False,
) -> None:
    """List every problem in a strategy file with its line; exit non-zero if there are errors."""
    checked = check_strategy(_read(file), source=str(file), include=_reader_beside(file))
    if as_json:
        typer.echo(json.dumps(_as_dict(checked), indent=2, ensure_ascii=False))
    else:
        _print(checked)
    if not checked.ok:
        raise typer.Exit(StrategyInvalid.exit_code)


def default_command() -> None:
    """Print the default strategy (YAML) as a starting point: ``> my-strategy.yaml``."""
    typer.echo(default_strategy_text(), nl=False)


def treatments_command() -> None:
    """The treatment catalogue: kind, channel, cost, capacity and requirements of each."""
    table = Table(title="Treatments")
    for column in ("id", "kind", "channel", "category", "cost", "capacity", "requires"):
        table.add_column(
            column, justify="right" if column == "cost" else "left", no_wrap=column == "id"
        )
    for t in default_catalogue().treatments:
        capacity = f"{t.capacity_units} {t.capacity_class}" if t.capacity_class else ""
        table.add_row(
            t.id,
            t.kind,
            t.channel or "",
            t.category,
            money(t.cost_minor),
            capacity,
            ", ".join(t.requires),
        )
    console.print(table)


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as failure:
        raise ArrearsError(f"cannot read {file}: {failure}") from None


def _reader_beside(file: Path) -> Callable[[str], str]:
    """Reads the strategy files an experiment arm names, relative to ``file``."""

    def read(name: str) -> str:
        return _read(file.parent / require_relative_name(name, what="included strategy file"))

    return read


def _print(checked: StrategyCheck) -> None:
    strategy = checked.strategy
    if strategy is not None:
        console.print(
            f"{checked.source}: strategy {strategy.name!r} version {strategy.version}, "
            f"{len(strategy.segments)} segment(s), {len(strategy.experiments)} experiment(s)",
            soft_wrap=True,
        )
    for problem in checked.problems:
        style = "red" if problem.severity is Severity.ERROR else "yellow"
        console.print(str(problem), style=style, markup=False, highlight=False, soft_wrap=True)
    summary = f"{len(checked.errors)} error(s), {len(checked.warnings)} warning(s)"
    console.print(f"[green]OK[/]: {summary}" if checked.ok else f"[bold red]Refused[/]: {summary}")


def _as_dict(checked: StrategyCheck) -> dict[str, object]:
    strategy = checked.strategy
    return {
        "file": checked.source,
        "ok": checked.ok,
        "strategy": strategy.name if strategy else None,
        "version": strategy.version if strategy else None,
        "errors": len(checked.errors),
        "warnings": len(checked.warnings),
        "problems": [p.as_dict() for p in checked.problems],
    }


def activate_command(
    file: Annotated[Path, typer.Argument(help="Strategy file (YAML).")],
    by: Annotated[str, typer.Option(help="Who activates it (audit trail).")] = "cli",
) -> None:
    """Check a strategy file and make it the one the daily cycle runs.

    A file with errors is refused with every problem listed; the strategy in force stays.
    """
    from arrears.bootstrap import build
    from arrears.services.strategies import activate_strategy

    container = build()
    container.require_schema()
    active = activate_strategy(
        file, by=by, uow_factory=container.uow, clock=container.clock, buckets=container.buckets
    )
    console.print(
        f"{active.strategy.label} is now in force (digest {active.digest[:12]}, from {file})."
    )


def active_command() -> None:
    """Which strategy the daily cycle runs now."""
    from arrears.bootstrap import build
    from arrears.services.strategies import active_strategy

    container = build()
    container.require_schema()
    with container.uow() as uow:
        active = active_strategy(uow, buckets=container.buckets)
    console.print(f"{active.strategy.label} from {active.source} (digest {active.digest[:12]})")
    for segment in active.strategy.segments:
        console.print(f"  {segment.name}: {len(segment.treatments)} treatment rule(s)")


app.command("check")(handle_errors(check_command))
app.command("activate")(handle_errors(activate_command))
app.command("active")(handle_errors(active_command))
app.command("default")(handle_errors(default_command))
app.command("treatments")(handle_errors(treatments_command))
