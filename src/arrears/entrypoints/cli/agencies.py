"""``arrears agency``: agencies, placements and recalls (with their files), remittances,
reconciliation and scorecards. File layouts: docs/agencies.md."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from arrears.adapters.files.agency_files import (
    PLACEMENT_COLUMNS,
    RECALL_COLUMNS,
    placement_row,
    read_remittance,
    recall_row,
    write_csv,
    write_rejects,
)
from arrears.domain.agencies.model import Agency, parse_fees
from arrears.entrypoints.cli.output import console, errors, handle_errors, money
from arrears.entrypoints.cli.recovery_output import actor, percent, ready
from arrears.errors import ArrearsError
from arrears.services import agency_placement as placement
from arrears.services.agency_remittance import import_remittance, reconcile
from arrears.services.agency_scorecard import agency_scorecards

app = typer.Typer(no_args_is_help=True, help="Debt recovery agencies: place, recall, remit.")

By = Annotated[str, typer.Option("--by", help="Who acts (kept in the audit trail).")]
FileOption = Annotated[Path | None, typer.Option("--file", help="Write the CSV file here.")]


@app.command("add")
@handle_errors
def add_command(
    code: str,
    name: Annotated[str, typer.Option(help="Agency name.")],
    fees: Annotated[str, typer.Option(help='Contingency rates by age: "0:0.20,181:0.28".')],
    states: Annotated[str, typer.Option(help="Licensed states: MA,CA,TX.")],
    by: By,
    tier: Annotated[int, typer.Option(help="Placement tier (1 = first placement).")] = 1,
    capacity: Annotated[int, typer.Option(help="Accounts it may hold at once.")] = 1000,
    challenger: Annotated[bool, typer.Option(help="In the challenger arm of its tier.")] = False,
    phone: Annotated[str, typer.Option(help="Phone for the placement notice.")] = "",
) -> None:
    """Add an agency with its fee schedule, capacity and licensing states."""
    container, _ = ready()
    agency = Agency(
        code=code,
        name=name,
        tier=tier,
        fees=parse_fees(fees),
        capacity=capacity,
        states=frozenset(s.strip().upper() for s in states.split(",") if s.strip()),
        challenger=challenger,
        phone=phone,
    )
    agency_id = placement.add_agency(
        agency, actor=actor(by), uow_factory=container.uow, clock=container.clock
    )
    console.print(f"Agency {code} added (#{agency_id}).")


@app.command("list")
@handle_errors
def list_command() -> None:
    """Agencies with their tier, fees, capacity in use and states."""
    container, _ = ready()
    with container.uow() as uow:
        agencies, loads = uow.agencies.agencies(), uow.agencies.loads()
    table = Table(title="Agencies")
    for column in ("code", "name", "tier", "arm", "fees", "placed", "capacity", "states"):
        table.add_column(column)
    for a in agencies:
        fees = ", ".join(f"{s.min_age_days}d+ {percent(s.rate)}" for s in a.fees)
        table.add_row(
            a.code,
            a.name,
            str(a.tier),
            "challenger" if a.challenger else "champion",
            fees,
            str(loads.get(a.id or 0, 0)),
            str(a.capacity),
            ",".join(sorted(a.states)),
        )
    console.print(table)


@app.command("place")
@handle_errors
def place_command(
    loans: Annotated[list[str] | None, typer.Argument(help="Loan ids (lender's).")] = None,
    by: By = "cli",
    agency: Annotated[str | None, typer.Option(help="This agency (default: by rule).")] = None,
    all_eligible: Annotated[
        bool, typer.Option("--all", help="Every account the policy makes eligible.")
    ] = False,
    file: FileOption = None,
) -> None:
    """Place accounts by hand or by rule and write the placement file."""
    container, settings = ready(send=True)
    refs = list(loans or [])
    if all_eligible:
        refs = placement.unplaced_accounts(uow_factory=container.uow)
    if not refs:
        raise ArrearsError("name loans to place, or --all")
    who = actor(by)
    if agency is not None or (len(refs) == 1 and not all_eligible):
        made = [
            placement.place_account(
                ref,
                actor=who,
                uow_factory=container.uow,
                clock=container.clock,
                recovery=settings,
                agency_code=agency,
            )
            for ref in refs
        ]
        skipped: dict[str, int] = {}
    else:
        report = placement.place_by_rule(
            refs, actor=who, uow_factory=container.uow, clock=container.clock, recovery=settings
        )
        made, skipped = report.placed, report.skipped
    console.print(f"{len(made)} account(s) placed.")
    for why, count in sorted(skipped.items()):
        console.print(f"  skipped {count}: {why}")
    if file is not None and made:
        rows = placement.placement_file_rows(
            [p.id for p in made if p.id is not None], uow_factory=container.uow
        )
        written = write_csv(file, PLACEMENT_COLUMNS, (placement_row(r) for r in rows))
        console.print(f"Placement file: {file} ({written} rows).")


@app.command("recall")
@handle_errors
def recall_command(
    placements: Annotated[list[int] | None, typer.Argument(help="Placement numbers.")] = None,
    by: By = "cli",
    due: Annotated[bool, typer.Option("--due", help="Every placement whose time is up.")] = False,
    reason: Annotated[str, typer.Option(help="Why (on the recall file).")] = "recalled",
    file: FileOption = None,
) -> None:
    """Recall placements (on demand or when due) and write the recall file."""
    container, _ = ready()
    who = actor(by)
    recalled = []
    if due:
        recalled += placement.recall_due(
            actor=who, uow_factory=container.uow, clock=container.clock
        )
    for placement_id in placements or []:
        recalled.append(
            placement.recall_placement(
                placement_id,
                reason=reason,
                actor=who,
                uow_factory=container.uow,
                clock=container.clock,
            )
        )
    console.print(f"{len(recalled)} placement(s) recalled.")
    if file is not None and recalled:
        rows = placement.placement_file_rows(
            [p.id for p in recalled if p.id is not None], uow_factory=container.uow
        )
        written = write_csv(file, RECALL_COLUMNS, (recall_row(r) for r in rows))
        console.print(f"Recall file: {file} ({written} rows).")


@app.command("remit")
@handle_errors
def remit_command(
    agency: str,
    file: Annotated[Path, typer.Argument(help="The agency's remittance CSV.")],
    by: By = "cli",
    rejects: Annotated[
        Path | None, typer.Option(help="Post the good rows; write the others here.")
    ] = None,
) -> None:
    """Import a remittance: all or nothing, unless --rejects."""
    container, settings = ready()
    rows, problems = read_remittance(file)
    digest = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else ""
    report = import_remittance(
        agency,
        rows,
        file_name=file.name,
        sha256=digest,
        actor=actor(by),
        uow_factory=container.uow,
        clock=container.clock,
        recovery=settings,
        accept_rejects=rejects is not None,
        file_problems=problems,
    )
    console.print(
        f"Remittance {report.remittance_id}: {report.posted} of {report.rows} payment(s) posted, "
        f"{money(report.collected_minor)} collected, {money(report.commission_minor)} commission."
    )
    if report.problems and rejects is not None:
        write_rejects(rejects, report.problems)
        errors.print(f"{len(report.problems)} problem(s) written to {rejects}", markup=False)
    for item in report.differences:
        console.print(f"  row {item['line_no']} {item['kind']}: {item['message']}", markup=False)


@app.command("reconcile")
@handle_errors
def reconcile_command(
    agency: str,
    remittance: Annotated[int | None, typer.Option(help="One remittance only.")] = None,
    file: FileOption = None,
) -> None:
    """The differences found in an agency's remittances."""
    container, _ = ready()
    result = reconcile(agency, uow_factory=container.uow, remittance_id=remittance)
    for r in result.remittances:
        console.print(
            f"Remittance {r['id']} ({r['file_name']}, {r['imported_on']}): {r['posted']} posted, "
            f"{r['rejected']} rejected, {money(r['collected_minor'])} collected."
        )
    table = Table(title=f"Differences with {agency}")
    for column in ("remittance", "row", "payment", "account", "kind", "expected", "found", "why"):
        table.add_column(column)
    for d in result.differences:
        table.add_row(
            str(d["remittance_id"]),
            str(d["line_no"]),
            d["payment_ref"],
            d["account"],
            d["kind"],
            "" if d["expected_minor"] is None else money(d["expected_minor"]),
            "" if d["found_minor"] is None else money(d["found_minor"]),
            d["message"],
        )
    console.print(table)
    if file is not None:
        columns = (
            "remittance_id",
            "line_no",
            "payment_ref",
            "account",
            "kind",
            "expected_minor",
            "found_minor",
            "message",
        )
        write_csv(file, columns, result.differences)
        console.print(f"Reconciliation report: {file}")


@app.command("scorecard")
@handle_errors
def scorecard_command(
    group: Annotated[str, typer.Option(help="agency, or arm (champion/challenger)")] = "agency",
) -> None:
    """Liquidation by placement vintage, cost and complaints, per agency or per arm."""
    container, _ = ready()
    if group not in {"agency", "arm"}:
        raise ArrearsError("--group is agency or arm")
    rows = agency_scorecards(uow_factory=container.uow, by=group)
    table = Table(title=f"Scorecard by {group}")
    for column in (
        "group",
        "vintage",
        "placed",
        "balance placed",
        "collected",
        "liquidation",
        "commission",
        "cost rate",
        "complaints /100",
    ):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.group,
            r.vintage,
            str(r.placements),
            money(r.placed_minor),
            money(r.collected_minor),
            percent(r.liquidation_rate),
            money(r.commission_minor),
            percent(r.cost_rate),
            f"{r.complaints_per_100:.1f}",
        )
    console.print(table)
