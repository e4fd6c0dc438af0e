"""``arrears demo``: a realistic portfolio through the real import path, then its status."""

from __future__ import annotations

import shutil
import time
from datetime import date, timedelta
from typing import Annotated

import typer

from arrears.bootstrap import Container, build, initialise
from arrears.config import load_settings
from arrears.domain.calendar import US_FEDERAL
from arrears.domain.clock import FixedClock
from arrears.entrypoints.cli.cycle import print_cycle
from arrears.entrypoints.cli.output import RichProgress, console
from arrears.entrypoints.cli.portfolio import compute_status, print_import, print_status, run_import
from arrears.services.cycle import CycleReport, run_cycle


def demo_command(
    accounts: Annotated[int, typer.Option(help="Loans in the demo portfolio.")] = 5_000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same portfolio.")] = 42,
    days: Annotated[int, typer.Option(help="Calendar days of daily cycles to run.")] = 90,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Stop after the status.")] = False,
) -> None:
    """Generate a demo portfolio, import it, run the daily cycle over recent business days and
    show the result."""
    from arrears.simulation.portfolio import write_portfolio

    started = time.monotonic()
    base = load_settings()
    demo_dir = base.data_dir / "demo"
    if demo_dir.exists():
        shutil.rmtree(demo_dir)
    settings = load_settings(
        data_dir=demo_dir, database_url=f"sqlite:///{demo_dir / 'arrears-demo.sqlite'}"
    )
    system = build(settings, create_keys=True)
    today = system.clock.today()
    container = build(settings, clock=FixedClock.on(today))
    console.print(
        f"[bold]arrears demo[/]: {accounts:,} loans (seed {seed}) as of {today:%d %b %Y}, "
        f"database {container.database_label}"
    )
    initialise(container)
    files = write_portfolio(demo_dir / "portfolio", loans=accounts, seed=seed, as_of=today)
    console.print(
        f"Generated {', '.join(sorted(files))} in {time.monotonic() - started:.1f}s "
        f"under {demo_dir / 'portfolio'}"
    )
    report = run_import(container, list(files.values()), rejects=None)
    print_import(report)
    print_status(compute_status(container, today))
    last = run_recent_cycles(container, today=today, days=days)
    if last is not None:
        print_cycle(last)
    console.print(f"Demo finished its work in {time.monotonic() - started:.1f}s.")
    if not no_serve:
        console.print("The web app is not part of this release yet; nothing to serve.")


def run_recent_cycles(container: Container, *, today: date, days: int) -> CycleReport | None:
    """The daily cycle on every business day of the last ``days`` days, oldest first, so the
    demo portfolio has a decision history (cadences, experiments, work queues)."""
    dates = [
        today - timedelta(days=back)
        for back in range(days - 1, -1, -1)
        if US_FEDERAL.is_business_day(today - timedelta(days=back))
    ]
    progress = RichProgress()
    progress.start(f"daily cycles over the last {days} days", unit="business days")
    report = None
    for day in dates:
        report = run_cycle(
            as_of=day,
            uow_factory=container.uow,
            clock=container.clock,
            settings=container.cycle_settings,
        )
        progress.advance(1)
    progress.finish()
    return report
