"""``arrears simulate``: replay a simulated book under strategies, side by side, over seeds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from arrears.domain.file_names import require_relative_name
from arrears.entrypoints.cli.output import console, whole_money
from arrears.errors import ArrearsError

if TYPE_CHECKING:
    import polars as pl

    from arrears.batch.scoring.model import RecoveryModel
    from arrears.services.simulate import Comparison, Estimate, RunResult

Pick = Callable[["RunResult"], float]


def simulate_command(
    strategy: Annotated[Path, typer.Option("--strategy", help="Strategy file (YAML).")],
    vs: Annotated[
        list[Path] | None, typer.Option("--vs", help="Strategy files to compare with it.")
    ] = None,
    accounts: Annotated[int, typer.Option(help="Loans in each simulated book.")] = 2_000,
    days: Annotated[int, typer.Option(help="Days to play out.")] = 180,
    seed: Annotated[int, typer.Option(help="First seed.")] = 1,
    seeds: Annotated[int, typer.Option(help="How many seeds (books) to average over.")] = 5,
    model: Annotated[
        Path | None,
        typer.Option(help="A trained model file for strategies that optimise (else: train one)."),
    ] = None,
    train_accounts: Annotated[
        int | None, typer.Option(help="Loans in the training book (default: --accounts).")
    ] = None,
    save_model: Annotated[
        Path | None, typer.Option(help="Directory to save the trained model in.")
    ] = None,
    behaviour: Annotated[
        Path | None, typer.Option(help="Borrower-behaviour parameters (TOML) to use instead.")
    ] = None,
) -> None:
    """Compare strategies on simulated books with common random numbers (docs/decision-engine.md).

    Every strategy meets the same borrowers with the same luck on each seed; figures are means
    over the seeds with 95% intervals, and differences from the first strategy are paired by
    seed. A strategy with an ``optimise`` block needs a model: without ``--model`` one is trained
    on a separate book (seed + 1000) played under an exploration policy, never on the books
    compared and never on the simulator's parameters.
    """
    from arrears.batch.scoring.model import model_from_json
    from arrears.services.simulate import compare, train_on_simulation
    from arrears.services.simulate_day import Policy
    from arrears.simulation.behaviour_model.params import default_params, parse_params
    from arrears.strategy.check import load_strategy

    files = [strategy, *(vs or [])]
    loaded = []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as failure:
            raise ArrearsError(f"cannot read {file}: {failure}") from None
        loaded.append(load_strategy(text, source=str(file), include=_reader(file.parent)))
    params = parse_params(behaviour.read_text(encoding="utf-8")) if behaviour else default_params()
    trained = model_from_json(model.read_text(encoding="utf-8")) if model else None
    policies = []
    for file, found in zip(files, loaded, strict=True):
        label = f"{found.label} ({file.name})"
        if found.optimise is not None and trained is None:
            console.print(f"Training a model for {label} on a separate simulated book…")
            trained, history = train_on_simulation(
                Policy(label, found), accounts=train_accounts or accounts, days=days,
                seed=seed + 1000, params=params,
            )  # fmt: skip
            console.print(f"  model {trained.version}: {history.height:,} decisions")
            _print_checks(trained, history, accounts=train_accounts or accounts, seed=seed + 1000)
            if save_model:
                from arrears.adapters.files.model_store import FileModelStore

                console.print(f"  saved to {FileModelStore(save_model).save(trained)}")
        policies.append(Policy(label, found, model=trained if found.optimise else None))
    comparison = compare(
        policies, accounts=accounts, days=days, seeds=range(seed, seed + seeds), params=params,
        progress=lambda text: console.print(f"  {text}", style="dim"),
    )  # fmt: skip
    _print(comparison, [p.label for p in policies], days=days)


def _print_checks(model: RecoveryModel, history: pl.DataFrame, *, accounts: int, seed: int) -> None:
    """The model's hold-out checks and its fairness tables (age band, ZIP region)."""
    from arrears.services.simulate import DEFAULT_START, open_book
    from arrears.services.simulate_fairness import fairness_report

    for horizon, found in model.metrics.get("holdout", {}).items():
        console.print(
            f"  hold-out {horizon}: AUC {found['auc']:.3f}, Brier {found['brier']:.3f}, "
            f"calibration error {found['ece']:.3f}, predicted {found['predicted_rate']:.3f} "
            f"vs actual {found['observed_rate']:.3f} paying"
        )
    opening = open_book(accounts=accounts, seed=seed, start=DEFAULT_START)
    for group, table in fairness_report(model, history, opening, on=DEFAULT_START).items():
        shown = Table(title=f"Outcomes by {group} (not a model input)")
        for column in table.columns:
            shown.add_column(column, justify="left" if column == group else "right")
        for row in table.iter_rows():
            shown.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))
        console.print(shown)


def _reader(folder: Path) -> Callable[[str], str]:
    """Reads the strategy files an experiment arm names, next to the strategy."""

    def read(name: str) -> str:
        safe = require_relative_name(name, what="included strategy file")
        return (folder / safe).read_text(encoding="utf-8")

    return read


def _print(comparison: Comparison, labels: list[str], *, days: int) -> None:
    from arrears.services.simulate import CURVE_DAYS

    table = Table(title=f"{len(comparison.seeds)} seed(s) × {days} days: mean [95% interval]")
    table.add_column("")
    for label in labels:
        table.add_column(label, justify="right")

    def money(estimate: Estimate) -> str:
        low, high = whole_money(round(estimate.low)), whole_money(round(estimate.high))
        return f"{whole_money(round(estimate.mean))} [{low}, {high}]"

    def row(name: str, pick: Pick, shown: Callable[[Estimate], str]) -> None:
        table.add_row(name, *(shown(comparison.metric(label, pick)) for label in labels))

    row("net recovery", lambda r: r.net_minor, money)
    row("collected", lambda r: r.collected_minor, money)
    row("cost", lambda r: r.cost_minor, money)
    for day in (d for d in CURVE_DAYS if d <= days):
        row(f"recovered by day {day}", _curve(day), lambda e: f"{100 * e.mean:.1f}% of arrears")
    for name, pick in (
        ("complaints", lambda r: r.complaints),
        ("compliance blocks", lambda r: r.compliance_blocks),
        ("disputes", lambda r: r.disputes),
    ):
        row(name, pick, lambda e: f"{e.mean:,.1f} [{e.low:,.1f}, {e.high:,.1f}]")
    row("optimiser: mean share of bound", _bound_share,
        lambda e: "—" if e.mean != e.mean else f"{100 * e.mean:.2f}%")  # fmt: skip
    console.print(table)
    base = labels[0]
    for label in labels[1:]:
        net = comparison.relative(label, base, lambda r: r.net_minor)
        cost = comparison.paired(label, base, lambda r: r.cost_minor)
        console.print(
            f"{label} vs {base}: net recovery {100 * net.mean:+.1f}% "
            f"[{100 * net.low:+.1f}%, {100 * net.high:+.1f}%], cost "
            f"{money(cost)} (paired by seed)"
        )


def _bound_share(run: RunResult) -> float:
    return sum(run.bound_shares) / len(run.bound_shares) if run.bound_shares else float("nan")


def _curve(day: int) -> Pick:
    def pick(run: RunResult) -> float:
        return run.curve.get(day, 0) / max(run.arrears_at_start_minor, 1)

    return pick
