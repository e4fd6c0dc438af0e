"""Administration: staff users (argon2 passwords, roles, disabling ends sessions) and API
tokens for systems (shown once, stored as digests, revocable) — from the pages and the CLI."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import text
from typer.testing import CliRunner

from arrears.entrypoints.cli.main import app as cli
from arrears.services.users import issue_token
from support import web as fixtures
from support.web import PASSWORD, World, sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world


def test_an_admin_adds_a_user_who_can_then_sign_in(world: World) -> None:
    client = world.client()
    csrf = sign_in(client, "adam")
    added = client.post("/admin/users", data={
        "username": "dana", "display_name": "Dana Doe", "role": "agent", "queues": "early, mid",
        "password": "a long enough passphrase", "csrf_token": csrf,
    })  # fmt: skip
    assert added.status_code == 303
    assert "Dana Doe" in client.get("/admin/users").text
    dana = world.client()
    sign_in(dana, "dana", "a long enough passphrase")
    queue = dana.get("/agent/queue").text
    assert ">L2<" in queue, "L2 is in the early queue"
    assert ">L1<" not in queue, "L1 is in the late queue"
    with world.container.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT password_hash FROM users WHERE username = 'dana'")
        ).scalar_one()
    assert stored.startswith("$argon2id$")
    assert "passphrase" not in stored


def test_bad_users_are_refused_with_every_problem(world: World) -> None:
    client = world.client()
    csrf = sign_in(client, "adam")
    refused = client.post("/admin/users", data={
        "username": "X Y", "display_name": "x", "role": "borrower", "password": "short",
        "csrf_token": csrf,
    })  # fmt: skip
    assert refused.status_code == 422
    for field in ("username", "role", "password"):
        assert field in refused.text
    taken = client.post("/admin/users", data={
        "username": "alice", "display_name": "x", "role": "agent",
        "password": "a long enough passphrase", "csrf_token": csrf,
    })  # fmt: skip
    assert taken.status_code == 409


def test_disabling_a_user_ends_their_sessions(world: World) -> None:
    alice = world.client()
    sign_in(alice, "alice")
    admin = world.client()
    csrf = sign_in(admin, "adam")
    admin.post("/admin/users/alice/active", data={"active": "false", "csrf_token": csrf})
    assert alice.get("/agent/queue").status_code == 303
    again = world.client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', again.get("/login").text)
    assert token
    refused = again.post("/login", data={"username": "alice", "password": PASSWORD,
                                         "csrf_token": token.group(1)})  # fmt: skip
    assert refused.status_code == 401


def test_a_token_is_shown_once_stored_as_a_digest_and_revocable(world: World) -> None:
    client = world.client()
    csrf = sign_in(client, "adam")
    issued = client.post("/admin/tokens", data={"name": "servicing", "role": "supervisor",
                                                "days": "30", "csrf_token": csrf})  # fmt: skip
    assert issued.status_code == 201
    found = re.search(r"<code>(arr_[0-9a-f]{8}_[\w-]+)</code>", issued.text)
    assert found
    secret = found.group(1)
    assert secret not in client.get("/admin/users").text, "never shown again"
    with world.container.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, token_hash FROM api_tokens")).all()
    assert all(secret not in row.token_hash for row in rows)
    system = world.client()
    auth = {"Authorization": f"Bearer {secret}"}
    assert system.get("/api/v1/reviews", headers=auth).status_code == 200
    token_id = max(row.id for row in rows)
    client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert system.get("/api/v1/reviews", headers=auth).status_code == 401


def test_a_token_expires(world: World) -> None:
    _, secret = issue_token(name="short", role="agent", by="test", days=1,
                            uow_factory=world.container.uow, clock=world.container.clock)  # fmt: skip
    client = world.client()
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    world.container.clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
    assert client.get("/api/v1/me", headers=auth).status_code == 401


def test_the_user_commands(world: World) -> None:
    """``arrears user add`` (password from standard input), ``list``, ``token``, ``disable``."""
    settings = world.container.settings
    env = {"ARREARS_DATABASE_URL": settings.effective_database_url,
           "ARREARS_DATA_DIR": str(settings.data_dir)}  # fmt: skip
    if world.container.schema:
        return  # the CLI reads its database from the environment: SQLite only
    runner = CliRunner()
    added = runner.invoke(
        cli,
        ["user", "add", "erin", "--role", "compliance", "--name", "Erin", "--password-stdin"],
        input="another long passphrase\n",
        env=env,
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["user", "list"], env=env)
    assert "erin" in listed.output
    assert "compliance" in listed.output
    issued = runner.invoke(cli, ["user", "token", "servicing", "--role", "supervisor"], env=env)
    assert issued.exit_code == 0
    assert re.search(r"arr_[0-9a-f]{8}_", issued.output)
    bad = runner.invoke(cli, ["user", "add", "x", "--role", "wizard", "--password-stdin"],
                        input="short\n", env=env)  # fmt: skip
    assert bad.exit_code == 6
    assert "role" in bad.output
    disabled = runner.invoke(cli, ["user", "disable", "erin"], env=env)
    assert disabled.exit_code == 0
