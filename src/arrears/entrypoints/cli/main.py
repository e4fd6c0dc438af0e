"""The ``arrears`` command line."""

from __future__ import annotations

import typer

from arrears.entrypoints.cli.agencies import app as agencies_app
from arrears.entrypoints.cli.audit import app as audit_app
from arrears.entrypoints.cli.backup import backup_command, restore_command
from arrears.entrypoints.cli.collateral import app as collateral_app
from arrears.entrypoints.cli.compliance import app as compliance_app
from arrears.entrypoints.cli.cycle import cycle_command, decisions_command
from arrears.entrypoints.cli.demo import demo_command
from arrears.entrypoints.cli.holds import app as holds_app
from arrears.entrypoints.cli.keys import app as keys_app
from arrears.entrypoints.cli.legal import app as legal_app
from arrears.entrypoints.cli.metro2 import app as metro2_app
from arrears.entrypoints.cli.negotiation import app as negotiation_app
from arrears.entrypoints.cli.offers import app as offers_app
from arrears.entrypoints.cli.outbox import app as outbox_app
from arrears.entrypoints.cli.output import handle_errors
from arrears.entrypoints.cli.portfolio import import_command, init_command, status_command
from arrears.entrypoints.cli.report import app as report_app
from arrears.entrypoints.cli.serve import serve_command
from arrears.entrypoints.cli.simulate import simulate_command
from arrears.entrypoints.cli.snapshot import app as snapshot_app
from arrears.entrypoints.cli.strategy import app as strategy_app
from arrears.entrypoints.cli.users import app as users_app

app = typer.Typer(
    name="arrears",
    help="Open-source loan recovery: collections, compliance and credit reporting.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

app.command("init")(handle_errors(init_command))
app.command("import")(handle_errors(import_command))
app.command("status")(handle_errors(status_command))
app.command("cycle")(handle_errors(cycle_command))
app.command("decisions")(handle_errors(decisions_command))
app.command("demo")(handle_errors(demo_command))
app.command("serve")(handle_errors(serve_command))
app.command("simulate")(handle_errors(simulate_command))
app.command("backup")(backup_command)
app.command("restore")(restore_command)


app.add_typer(holds_app, name="hold", help="Holds: what may not be done on an account.")
app.add_typer(metro2_app, name="metro2", help="Metro 2 credit-reporting files.")
app.add_typer(outbox_app)  # arrears outbox / letters
app.add_typer(negotiation_app)  # arrears contact / promise / plan
app.add_typer(compliance_app, name="compliance", help="The compliance gate: check, rules.")
app.add_typer(strategy_app, name="strategy", help="Strategies: check, activate, inspect.")
app.add_typer(report_app)  # arrears report / goals / export
app.add_typer(users_app, name="user", help="Staff users and API tokens for systems.")
app.add_typer(offers_app, name="offer", help="Settlement offers: price, approve, settle.")
app.add_typer(legal_app, name="legal", help="Legal action: referral, proceedings, costs.")
app.add_typer(agencies_app, name="agency", help="Recovery agencies: place, recall, remit.")
app.add_typer(collateral_app, name="collateral", help="Collateral: registry, repossession.")
app.add_typer(snapshot_app, name="snapshot", help="Cycle snapshots as Parquet: export, show.")
app.add_typer(audit_app, name="audit", help="The audit trail: verify its hash chain.")
app.add_typer(keys_app, name="keys", help="Keys of the sealed fields: status, add, rotate.")


if __name__ == "__main__":  # pragma: no cover
    app()
