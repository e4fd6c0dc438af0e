"""Password and token handling (issue 12 "Security"; ``services/auth.py``, ``services/users.py``):
argon2id for passwords, re-hashed when the parameters are raised; the same work for an unknown
user as for a wrong password (no user enumeration by timing); tokens that must be exact and are
compared without leaking where they differ; a short password refused.

Where the stored forms are checked in a raw dump, see ``test_secrets_at_rest``.
"""

from __future__ import annotations

import hmac

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from arrears.entrypoints.web import access
from arrears.errors import ValidationFailed
from arrears.services import auth as auth_module
from arrears.services.users import create_user
from support.web import PASSWORD, World, csrf_of, sign_in


class CountingHasher(PasswordHasher):
    """argon2 as configured, counting the hashes it checks."""

    def __init__(self, **parameters: int) -> None:
        super().__init__(**parameters)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


def stored_hash(world: World, username: str) -> str:
    with world.container.engine.connect() as connection:
        found: str = connection.execute(
            text("SELECT password_hash FROM users WHERE username = :u"), {"u": username}
        ).scalar_one()
    return found


def attempt(world: World, username: str, password: str) -> int:
    client = world.client()
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    return answer.status_code


def test_an_unknown_user_costs_one_argon2_check_like_a_wrong_password(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signing in as nobody still checks a password hash (a dummy one), so the answer takes
    as long as for a real user with a wrong password; both get the same refusal."""
    hasher = CountingHasher(time_cost=1, memory_cost=256, parallelism=1)
    monkeypatch.setattr(auth_module, "_HASHER", hasher)
    unknown = attempt(world, "nobody", "whatever password")
    assert hasher.verified == 1
    wrong = attempt(world, "bob", "whatever password")
    assert hasher.verified == 2
    assert unknown == wrong != 303


def test_passwords_are_rehashed_when_the_parameters_are_raised(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user whose hash was made with weaker argon2 parameters gets a new hash, with the
    current parameters, at the next good sign-in; the password still works afterwards."""
    before = stored_hash(world, "bob")
    assert "m=256,t=1" in before
    monkeypatch.setattr(
        auth_module, "_HASHER", PasswordHasher(time_cost=2, memory_cost=512, parallelism=1)
    )
    assert attempt(world, "bob", PASSWORD) == 303
    after = stored_hash(world, "bob")
    assert after.startswith("$argon2id$")
    assert "m=512,t=2" in after
    assert attempt(world, "bob", PASSWORD) == 303


def test_a_short_password_is_refused(world: World) -> None:
    """Creating a user with a password under the minimum length is a validation problem."""
    with pytest.raises(ValidationFailed) as refused:
        create_user(
            username="short", display_name="Short", role="agent", password="abc", by="test",
            uow_factory=world.container.uow, clock=world.container.clock,
        )  # fmt: skip
    assert [p.column for p in refused.value.problems] == ["password"]
    assert "abc" not in str(refused.value.problems), "the password is not echoed back"


def test_a_token_must_match_exactly(world: World) -> None:
    """A bearer token with one character changed, cut short, lengthened or in another case is
    not signed in."""
    client = world.client()
    good = world.tokens["agent"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    changed = good[:-1] + ("A" if good[-1] != "A" else "B")
    for forged in (changed, good[:-1], good + "x", good.upper()):
        answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
        assert answer.status_code == 401, forged


def test_the_csrf_token_is_compared_in_constant_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form's token is checked with ``hmac.compare_digest`` (its time does not depend on
    where the tokens differ); a token differing in its last character is refused."""
    compared: list[tuple[str, str]] = []
    original = hmac.compare_digest

    def recording(a: str, b: str) -> bool:
        compared.append((a, b))
        return original(a, b)

    client = world.client()
    csrf = sign_in(client, "alice")
    monkeypatch.setattr(access.hmac, "compare_digest", recording)
    near = csrf[:-1] + ("A" if csrf[-1] != "A" else "B")
    refused = client.post("/agent/accounts/L1/take", data={"csrf_token": near})
    assert refused.status_code in (400, 403)
    assert (near, csrf) in compared
    monkeypatch.undo()
    assert client.post("/agent/accounts/L1/take", data={"csrf_token": csrf}).status_code == 303


def test_api_tokens_are_looked_up_by_digest_only(world: World) -> None:
    """The token's SHA-256 is the only key the database is asked for: a timing difference in
    that lookup could reveal digest bytes, never the token's."""
    with world.container.engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM api_tokens")).keys()
        rows = connection.execute(text("SELECT prefix, token_hash FROM api_tokens")).all()
    assert "token" not in columns
    for token in world.tokens.values():
        matching = [r for r in rows if r.token_hash == auth_module.digest(token)]
        assert len(matching) == 1
        assert token.startswith(f"arr_{matching[0].prefix}_")
