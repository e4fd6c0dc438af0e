"""Shared set-up for web and API tests: the small portfolio imported and decided, one user per
staff role, the app, and helpers to sign in (staff or borrower) and call it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from arrears.bootstrap import Container
from arrears.entrypoints.web.app import create_app
from arrears.services import auth as auth_module
from arrears.services.cycle import run_cycle
from arrears.services.portal import LinkMessage
from arrears.services.users import create_user, issue_token
from support import world_cache
from support.db import run_import
from support.portfolio import TODAY

PASSWORD = "correct horse battery"
#: username -> role; two agents so locks can be contested.
STAFF = {
    "alice": "agent",
    "bob": "agent",
    "sue": "supervisor",
    "cora": "compliance",
    "adam": "admin",
    "ada": "agency",
}
#: The borrowers of the small portfolio and how they sign in to the portal.
BORROWERS = {
    "B1": {"loan": "L1", "dob": "1985-04-12", "zip": "02139"},
    "B2": {"loan": "L2", "dob": "1970-09-30", "zip": "90012"},
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with small parameters: the same algorithm, fast enough for many test users. The
    hash an unknown user's password is checked against (so that a wrong name takes as long as
    a wrong password) is made with them too."""
    quick = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    monkeypatch.setattr(auth_module, "_HASHER", quick)
    monkeypatch.setattr(auth_module, "_DUMMY_HASH", quick.hash("an unknown user never matches"))


@dataclass
class World:
    container: Container
    app: FastAPI
    links: list[LinkMessage]
    tokens: dict[str, str]

    def client(self, *, https: bool = False) -> TestClient:
        base = "https://testserver" if https else "http://testserver"
        return TestClient(self.app, base_url=base, follow_redirects=False)


def build_world(container: Container, files: list[Path], *, fresh: bool = False) -> World:
    """The world on ``container``: built once per run and copied for the tests after the first
    (``support.world_cache``), or built here with ``fresh`` (for a test about the building)."""
    build = lambda: _build_into(container, files)  # noqa: E731
    tokens = build() if fresh else world_cache.built_once(container, files, build)
    links: list[LinkMessage] = []
    return World(container, create_app(container, link_sender=links.append), links, tokens)


def _build_into(container: Container, files: list[Path]) -> dict[str, str]:
    """Import, decide, add the staff users; the API tokens by role."""
    run_import(container, files)
    run_cycle(
        as_of=TODAY,
        uow_factory=container.uow,
        clock=container.clock,
        settings=container.cycle_settings,
    )
    for username, role in STAFF.items():
        create_user(
            username=username,
            display_name=username.capitalize(),
            role=role,
            password=PASSWORD,
            by="test",
            uow_factory=container.uow,
            clock=container.clock,
        )
    return {
        role: issue_token(
            name=f"{role} system", role=role, by="test", uow_factory=container.uow,
            clock=container.clock,
        )[1]
        for role in ("agent", "supervisor", "compliance", "admin", "agency")
    }  # fmt: skip


@pytest.fixture
def world(container: Container, portfolio_files: list[Path]) -> World:
    return build_world(container, portfolio_files)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with world.client() as found:
        yield found


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign a staff user in; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/agent/accounts" if username != "adam" else "/admin/users").text)


def portal_sign_in(client: TestClient, borrower: str) -> str:
    """Sign a borrower in by reference, date of birth and ZIP; returns the CSRF token."""
    facts = BORROWERS[borrower]
    token = csrf_of(client.get("/portal/sign-in").text)
    response = client.post(
        "/portal/sign-in",
        data={
            "reference": facts["loan"], "dob": facts["dob"], "zip_code": facts["zip"],
            "csrf_token": token,
        },
    )  # fmt: skip
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/portal/preferences").text)


def key() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    dependencies: tuple[object, ...]
    module: str


def routes_of(app: FastAPI) -> list[RouteInfo]:
    """Every route with its effective dependencies (those of the routers it was included
    through too), on FastAPI versions that flatten included routers and those that do not."""
    from fastapi import routing
    from starlette.routing import Mount

    iterate = getattr(routing, "iter_route_contexts", None)
    found = []
    for route in iterate(app.routes) if iterate else app.routes:
        path = route.path
        if isinstance(getattr(route, "original_route", route), Mount) or path is None:
            found.append(RouteInfo(path or "", frozenset(), (), "starlette.mount"))
            continue
        endpoint = route.endpoint
        found.append(
            RouteInfo(
                path=path,
                methods=frozenset(route.methods or ()),
                dependencies=tuple(d.dependency for d in getattr(route, "dependencies", [])),
                module=getattr(endpoint, "__module__", ""),
            )
        )
    return found
