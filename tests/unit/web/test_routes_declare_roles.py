"""Every route of the app says who may call it: an ``Access`` dependency with its roles, or an
explicit public declaration. A route added without one fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from arrears.bootstrap import build
from arrears.config import Settings
from arrears.entrypoints.web.access import Access
from arrears.entrypoints.web.app import create_app
from arrears.services.auth import Role
from support.web import RouteInfo, routes_of

#: The routes anyone may call: signing in, the health check and the API's own description.
PUBLIC = {
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/portal"),
    ("GET", "/portal/language"),
    ("GET", "/portal/sign-in"),
    ("POST", "/portal/sign-in"),
    ("POST", "/portal/link"),
    ("GET", "/portal/link/{token}"),
    ("POST", "/portal/link/{token}"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    folder: Path = tmp_path_factory.mktemp("app")
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'a.sqlite'}")
    return create_app(build(settings, create_keys=True))


def declared(route: RouteInfo) -> list[Access]:
    return [d for d in route.dependencies if isinstance(d, Access)]


def api_routes(app: FastAPI) -> list[RouteInfo]:
    return [r for r in routes_of(app) if r.module != "starlette.mount"]


def test_every_route_declares_who_may_call_it(app: FastAPI) -> None:
    """No route without an Access dependency; nothing else mounted but the static files."""
    routes = routes_of(app)
    assert len(routes) > 50
    missing = [r.path for r in api_routes(app) if not declared(r)]
    assert missing == []
    mounts = [r.path for r in routes if r.module == "starlette.mount"]
    assert mounts == ["/static"]


def test_only_the_sign_in_pages_health_and_api_description_are_public(app: FastAPI) -> None:
    """Public routes are exactly the known list (webhooks, once present, check signatures)."""
    public = {
        (method, route.path)
        for route in api_routes(app)
        if any(a.public for a in declared(route)) and "sms_webhooks" not in route.module
        for method in route.methods
    }
    assert public == PUBLIC


def test_no_route_admits_a_borrower_and_staff_to_the_same_staff_pages(app: FastAPI) -> None:
    """Borrowers reach the portal, ``/logout``, ``/api/v1/me`` and the API routes that check
    ownership (loans, payments, disputes, promises and plans) — never a staff page."""
    for route in api_routes(app):
        roles = set().union(*(a.roles for a in declared(route) if not a.public))
        narrowest = [a.roles for a in declared(route) if not a.public]
        admits_borrower = bool(narrowest) and all(Role.BORROWER in r for r in narrowest)
        if admits_borrower and not route.path.startswith(("/portal", "/api/v1")):
            assert route.path == "/logout", route.path
        if route.path.startswith(("/agent", "/supervisor", "/admin")):
            assert Role.BORROWER not in roles or not admits_borrower, route.path


def callbacks(app: FastAPI) -> set[str]:
    """Paths providers and mail clients call (SMS webhooks, one-click unsubscribe): they carry
    their own signature or token, and answer as their protocols say."""
    return {r.path for r in routes_of(app) if r.module.endswith("sms_webhooks")}


def test_every_api_post_takes_an_idempotency_key(app: FastAPI) -> None:
    """Every POST under /api/v1 (except provider callbacks) requires the Idempotency-Key."""
    schema = app.openapi()
    skip = callbacks(app)
    for path, methods in schema["paths"].items():
        post = methods.get("post")
        if post is None or path in skip:
            continue
        headers = {p["name"]: p for p in post.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path
        assert headers["Idempotency-Key"]["required"] is True, path


def test_every_api_operation_documents_problem_responses(app: FastAPI) -> None:
    """The OpenAPI description lists the problem+json errors of each API operation."""
    schema = app.openapi()
    skip = callbacks(app)
    for path, methods in schema["paths"].items():
        if path in skip:
            continue  # providers sign their requests; they are not signed-in callers
        for operation in methods.values():
            assert "401" in operation["responses"], path
            assert "application/problem+json" in operation["responses"]["404"]["content"], path
