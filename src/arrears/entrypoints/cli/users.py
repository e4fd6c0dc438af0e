"""``arrears user``: staff users of the web app and API tokens for systems."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from arrears.bootstrap import build
from arrears.entrypoints.cli.output import console, handle_errors
from arrears.services import users

app = typer.Typer(no_args_is_help=True, help="Staff users and API tokens.")
Role = Annotated[
    str, typer.Option(help="agent, supervisor, compliance, admin or agency.", show_default=False)
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered


@app.command("add")
@handle_errors
def add(
    username: Annotated[str, typer.Argument(help="Sign-in name (lowercase).")],
    role: Role,
    name: Annotated[str, typer.Option(help="Full name shown in the app.")] = "",
    queues: Annotated[str, typer.Option(help="Agent queues, comma-separated (all).")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a staff user (the password is asked for, or read from standard input)."""
    container = build()
    container.require_schema()
    users.create_user(
        username=username,
        display_name=name or username,
        role=role,
        password=_password(password_stdin),
        queues=tuple(q.strip() for q in queues.split(",") if q.strip()),
        by="cli",
        uow_factory=container.uow,
        clock=container.clock,
    )
    console.print(f"User {username} ({role}) added.")


@app.command("list")
@handle_errors
def list_users() -> None:
    """Every staff user with role, queues and last sign-in."""
    container = build()
    container.require_schema()
    table = Table(title="Users")
    for column in ("username", "name", "role", "queues", "active", "last sign-in"):
        table.add_column(column)
    for user in users.list_users(uow_factory=container.uow):
        table.add_row(
            user.username,
            user.display_name,
            user.role,
            ",".join(user.queues) or "all",
            "yes" if user.active else "no",
            f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "",
        )
    console.print(table)


@app.command("password")
@handle_errors
def password(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a new password; the user's sessions end."""
    container = build()
    container.require_schema()
    users.set_password(
        username,
        _password(password_stdin),
        by="cli",
        uow_factory=container.uow,
        clock=container.clock,
    )
    console.print(f"Password of {username} changed; their sessions have ended.")


@app.command("disable")
@handle_errors
def disable(username: Annotated[str, typer.Argument(help="Sign-in name.")]) -> None:
    """Stop a user from signing in (their sessions end)."""
    container = build()
    container.require_schema()
    users.set_active(username, False, by="cli", uow_factory=container.uow, clock=container.clock)
    console.print(f"{username} can no longer sign in.")


@app.command("token")
@handle_errors
def token(
    system: Annotated[str, typer.Argument(help="The system that will use the token.")],
    role: Role,
    days: Annotated[int, typer.Option(help="Days until it expires (0: never).")] = 365,
) -> None:
    """Issue an API token for a system; it is printed once and never shown again."""
    container = build()
    container.require_schema()
    token_id, secret = users.issue_token(
        name=system,
        role=role,
        days=days or None,
        by="cli",
        uow_factory=container.uow,
        clock=container.clock,
    )
    console.print(f"Token {token_id} for {system} ({role}); keep it secret, it is shown once:")
    typer.echo(secret)


@app.command("revoke-token")
@handle_errors
def revoke_token(token_id: Annotated[int, typer.Argument(help="Token number.")]) -> None:
    """Revoke an API token at once."""
    container = build()
    container.require_schema()
    users.revoke_token(token_id, by="cli", uow_factory=container.uow, clock=container.clock)
    console.print(f"Token {token_id} revoked.")
