"""The security headers middleware: what every response carries, and what it leaves alone."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from arrears.entrypoints.web.security_headers import CSP, SecurityHeaders


def _app() -> Starlette:
    def page(_: object) -> PlainTextResponse:
        return PlainTextResponse("page")

    def cached(_: object) -> PlainTextResponse:
        return PlainTextResponse("cached", headers={"Cache-Control": "max-age=60"})

    routes = [
        Route("/page", page),
        Route("/cached", cached),
        Route("/static/site.css", page),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(SecurityHeaders)
    return app


def test_a_page_gets_every_header_and_is_not_stored() -> None:
    headers = TestClient(_app()).get("/page").headers
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in headers  # plain HTTP: HSTS would be ignored


def test_static_files_may_be_cached() -> None:
    headers = TestClient(_app()).get("/static/site.css").headers
    assert "cache-control" not in headers
    assert headers["x-content-type-options"] == "nosniff"


def test_a_header_the_route_set_is_kept() -> None:
    headers = TestClient(_app()).get("/cached").headers
    assert headers["cache-control"] == "max-age=60"
    assert headers.get_list("cache-control") == ["max-age=60"]


def test_https_gets_strict_transport_security() -> None:
    client = TestClient(_app(), base_url="https://testserver")
    assert client.get("/page").headers["strict-transport-security"] == "max-age=31536000"
