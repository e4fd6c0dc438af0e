"""Property-based tests of the API from its own OpenAPI schema (schemathesis): for every
operation, requests generated from the schema — valid and invalid — as a signed-in staff
system (bearer token, agent and supervisor roles) and as a borrower signed in to the portal
(session cookie). Never a 500; every error is ``application/problem+json`` (RFC 9457).

Seeded; ``EXAMPLES`` per operation and principal in CI, many more under ``-m slow``.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import given

from fuzz.conftest import examples
from support import web as fixtures
from support.web import World, portal_sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world

PROBLEM = "application/problem+json"


def principals(world: World) -> dict[str, dict[str, Any]]:
    """How each principal calls: headers for staff tokens, cookies for the borrower."""
    with world.client() as client:
        csrf = portal_sign_in(client, "B1")
        cookies = dict(client.cookies)
    return {
        "agent": {"headers": {"Authorization": f"Bearer {world.tokens['agent']}"}},
        "supervisor": {"headers": {"Authorization": f"Bearer {world.tokens['supervisor']}"}},
        "borrower": {"cookies": cookies, "headers": {"X-CSRF-Token": csrf}},
    }


def failures(world: World, principal: dict[str, Any], ci: int, slow: int) -> list[str]:
    """Every operation's generated requests as ``principal``: what went wrong, if anything."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.app)
    found: list[str] = []
    calls: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @examples(ci, slow)
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            response = case.call(**principal)
            calls.append(case.method)
            kind = response.headers.get("content-type", [""])
            kind = kind[0] if isinstance(kind, list) else kind
            where = f"{case.method} {case.formatted_path} -> {response.status_code}"
            if response.status_code >= 500:
                found.append(f"{where}: {response.text[:300]}")
            elif response.status_code >= 400 and not kind.startswith(PROBLEM):
                found.append(f"{where}: {kind} {response.text[:200]}")

        check()
    assert len(calls) >= 20, f"only {len(calls)} requests were made"
    return found


@pytest.mark.parametrize("who", ["agent", "supervisor", "borrower"])
def test_no_request_from_the_schema_gets_a_500_or_an_error_that_is_not_problem_json(
    world: World, who: str
) -> None:
    """A handful of generated requests per operation (seeded): no 500, errors problem+json."""
    assert failures(world, principals(world)[who], ci=6, slow=6) == []


@pytest.mark.slow
@pytest.mark.parametrize("who", ["agent", "supervisor", "borrower"])
def test_many_requests_from_the_schema(world: World, who: str) -> None:
    """The long variant: 150 generated requests per operation and principal."""
    assert failures(world, principals(world)[who], ci=150, slow=150) == []
