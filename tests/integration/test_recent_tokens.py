"""A bearer token read in the last second is not read again, within limits: a token revoked
through arrears stops working at once, one revoked by another process within the cache's
second, and an expired token never authenticates (expiry is checked on every use)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from arrears.domain.clock import FixedClock
from arrears.services.recent_tokens import RecentTokens
from arrears.services.users import issue_token, revoke_token, token_principal
from support import web as fixtures
from support.web import World

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_recent_token_is_not_read_again_until_its_second_is_over(world: World) -> None:
    container = world.container
    token_id, secret = issue_token(name="sys", role="agent", by="test", days=30,
                                   uow_factory=container.uow, clock=container.clock)  # fmt: skip
    ticks = Ticks()
    recent = RecentTokens(ttl_seconds=1.0, monotonic=ticks)

    def principal() -> object:
        return token_principal(secret, uow_factory=container.uow, clock=container.clock,
                               recent=recent)  # fmt: skip

    assert principal() is not None
    with container.engine.begin() as connection:  # revoked by another process
        connection.execute(
            text("UPDATE api_tokens SET revoked_at = created_at WHERE id = :id"), {"id": token_id}
        )
    ticks.now += 0.5
    assert principal() is not None, "within its second the token was not read again"
    ticks.now += 0.6
    assert principal() is None, "after it, the revocation is seen"


def test_a_token_revoked_through_arrears_stops_at_once(world: World) -> None:
    container = world.container
    token_id, secret = issue_token(name="sys", role="agent", by="test", days=30,
                                   uow_factory=container.uow, clock=container.clock)  # fmt: skip
    client = world.client()
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    revoke_token(token_id, by="test", uow_factory=container.uow, clock=container.clock)
    assert client.get("/api/v1/me", headers=auth).status_code == 401


def test_an_expired_token_is_refused_even_when_it_was_read_a_moment_ago(world: World) -> None:
    container = world.container
    _, secret = issue_token(name="sys", role="agent", by="test", days=1,
                            uow_factory=container.uow, clock=container.clock)  # fmt: skip
    recent = RecentTokens(ttl_seconds=3600.0, monotonic=Ticks())
    assert token_principal(secret, uow_factory=container.uow, clock=container.clock,
                           recent=recent) is not None  # fmt: skip
    later = FixedClock(container.clock.now() + timedelta(days=2))
    assert token_principal(secret, uow_factory=container.uow, clock=later, recent=recent) is None
