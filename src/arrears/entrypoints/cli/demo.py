"""``arrears demo``: a realistic portfolio through the real import path, then its status."""

from __future__ import annotations

import csv
import secrets
import shutil
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from arrears import bootstrap
from arrears.bootstrap import Container, build, initialise, web_auth
from arrears.config import Settings, load_settings
from arrears.domain.calendar import US_FEDERAL
from arrears.domain.clock import FixedClock
from arrears.entrypoints.cli.cycle import print_cycle
from arrears.entrypoints.cli.output import RichProgress, console
from arrears.entrypoints.cli.portfolio import compute_status, print_import, print_status, run_import
from arrears.entrypoints.cli.report import write_demo_report
from arrears.entrypoints.cli.serve import run_server
from arrears.services import portal
from arrears.services.auth import Principal, Role
from arrears.services.cycle import CycleReport, run_cycle
from arrears.services.outbox import enqueue_day
from arrears.services.users import ensure_user
from arrears.services.work_queue import call_queue


def demo_command(
    accounts: Annotated[int, typer.Option(help="Loans in the demo portfolio.")] = 5_000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same portfolio.")] = 42,
    days: Annotated[int, typer.Option(help="Calendar days of daily cycles to run.")] = 90,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Stop after the status.")] = False,
    port: Annotated[int, typer.Option(help="Port of the web app.")] = 8000,
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
        data_dir=demo_dir,
        database_url=f"sqlite:///{demo_dir / 'arrears-demo.sqlite'}",
        email_transport="maildir",  # the demo's emails are files under demo/mail, never sent
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
        queue_messages(container, as_of=last.as_of)
    write_demo_report(
        container, today=today, directory=demo_dir, elapsed=time.monotonic() - started
    )
    console.print(f"Demo finished its work in {time.monotonic() - started:.1f}s.")
    if not no_serve:
        serve_demo(settings, portfolio=demo_dir / "portfolio", port=port)


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


def queue_messages(container: Container, *, as_of: date) -> None:
    """The last day's messages into the outbox, each past the compliance gate; the web app's
    sender then delivers them (emails into the demo's maildir, letters to the print batch)."""
    report = enqueue_day(
        as_of=as_of, uow_factory=container.uow, messaging=bootstrap.messaging(container),
        clock=container.clock,
    )  # fmt: skip
    console.print(
        f"Outbox for {as_of}: {report.queued:,} messages queued, {report.blocked:,} blocked by "
        "the compliance gate"
        + "".join(f"; {rule} {count:,}" for rule, count in report.blocked_by_rule.most_common(3)),
        markup=False,
        soft_wrap=True,
    )


DEMO_USERS = {
    "agent": ("agent", "Alex Agent"),
    "agent2": ("agent", "Blair Agent"),
    "supervisor": ("supervisor", "Sam Supervisor"),
    "compliance": ("compliance", "Casey Compliance"),
    "admin": ("admin", "Ari Admin"),
    "agency": ("agency", "Acme Recovery"),
}


def serve_demo(settings: Settings, *, portfolio: Path, port: int) -> None:
    """Demo users with fresh passwords, a borrower to try the portal with, then the web app
    (on the real clock, in demo mode: portal sign-in links go to the console)."""
    container = build(settings.model_copy(update={"demo_mode": True}))
    url = f"http://127.0.0.1:{port}"
    console.print(
        f"\n[bold]Sign in at {url}/login[/] (demo users, passwords made for this run):",
        soft_wrap=True,
    )
    for username, (role, name) in DEMO_USERS.items():
        password = secrets.token_urlsafe(9)
        ensure_user(
            username=username, display_name=name, role=role, password=password, by="demo",
            uow_factory=container.uow, clock=container.clock,
        )  # fmt: skip
        console.print(f"  {role:<11} {username:<11} {password}", markup=False)
    borrower = demo_borrower(container, portfolio)
    if borrower is not None:
        ref, dob, zip_code, email = borrower
        console.print(f"[bold]Borrower portal at {url}/portal[/] (synthetic demo borrower):")
        console.print(f"  account {ref}, date of birth {dob}, ZIP {zip_code}", markup=False)
        sent: list[portal.LinkMessage] = []
        if email:
            portal.request_link(
                email, address="demo", base_url=url, sender=sent.append,
                auth=web_auth(container),
            )  # fmt: skip
        for message in sent:
            console.print(
                f"  or open {message.url} (one use, 30 minutes)", markup=False, soft_wrap=True
            )
    console.print(
        f"Emails the outbox sender delivers are files in {settings.data_dir / 'mail'} (Maildir); "
        f"letters go to the print batches in {bootstrap.print_dir(container)}.",
        markup=False,
        soft_wrap=True,
    )
    run_server(container, host="127.0.0.1", port=port)


def demo_borrower(container: Container, portfolio: Path) -> tuple[str, str, str, str] | None:
    """The borrower of the most urgent call in the queue: (loan, date of birth, ZIP, email)."""
    agent = Principal(kind="staff", role=Role.AGENT, name="demo", display_name="demo")
    page = call_queue(agent, page=1, per_page=1, uow_factory=container.uow, clock=container.clock)
    if not page.items:
        return None
    ref = str(page.items[0]["loan_ref"])
    borrower = _row(portfolio / "loans.csv", "loan_id", ref)
    person = _row(portfolio / "borrowers.csv", "borrower_id", borrower.get("borrower_id", ""))
    if not person.get("date_of_birth"):
        return None
    email = person.get("email") or person.get("work_email") or ""
    return ref, person["date_of_birth"], person.get("zip", "")[:5], email


def _row(path: Path, key: str, value: str) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next((row for row in csv.DictReader(handle) if row.get(key) == value), {})
