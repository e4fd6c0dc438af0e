"""Authorization on every route for every role: the role matrix below is the contract
(``docs/web.md`` lists the same). Anyone not signed in is sent to sign in (401 on the API),
a role not in the matrix gets 403, a role in it gets past the check. A route missing from the
matrix fails the test, so a new route cannot ship without deciding who may call it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from arrears.entrypoints.web.access import Access
from support import web as fixtures
from support.web import World, portal_sign_in, routes_of, sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world

AG, SU, CO, AD, AY, BO = "agent", "supervisor", "compliance", "admin", "agency", "borrower"
EVERYONE = {AG, SU, CO, AD, AY, BO}
WORK = {AG, SU}
READ = {AG, SU, CO}
MATRIX: dict[tuple[str, str], set[str]] = {
    ("POST", "/logout"): EVERYONE,
    ("GET", "/agent/queue"): WORK,
    ("GET", "/agent/accounts"): READ,
    ("GET", "/agent/accounts/{ref}"): READ,
    ("POST", "/agent/accounts/{ref}/take"): WORK,
    ("POST", "/agent/accounts/{ref}/release"): WORK,
    ("POST", "/agent/accounts/{ref}/holds"): READ,
    ("POST", "/agent/accounts/{ref}/verify-dob"): WORK,
    ("POST", "/agent/accounts/{ref}/contacts"): WORK,
    ("POST", "/agent/accounts/{ref}/promises"): WORK,
    ("POST", "/agent/accounts/{ref}/plans"): WORK,
    ("POST", "/agent/accounts/{ref}/referrals"): WORK,
    ("GET", "/supervisor/approvals"): {SU, AD},
    ("POST", "/supervisor/approvals/{action_id}"): {SU},
    ("GET", "/supervisor/team"): {SU, AD},
    ("GET", "/supervisor/strategy"): {SU, CO, AD},
    ("POST", "/supervisor/strategy"): {SU},
    ("GET", "/supervisor/analytics"): {SU, CO},
    ("GET", "/supervisor/analytics/report"): {SU, CO},
    ("GET", "/admin/users"): {AD},
    ("POST", "/admin/users"): {AD},
    ("POST", "/admin/users/{username}/active"): {AD},
    ("POST", "/admin/tokens"): {AD},
    ("POST", "/admin/tokens/{token_id}/revoke"): {AD},
    ("GET", "/agency"): {AY},
    ("GET", "/portal/accounts"): {BO},
    ("GET", "/portal/accounts/{ref}"): {BO},
    ("GET", "/portal/accounts/{ref}/pay"): {BO},
    ("POST", "/portal/accounts/{ref}/pay"): {BO},
    ("GET", "/portal/accounts/{ref}/plan"): {BO},
    ("POST", "/portal/accounts/{ref}/plan"): {BO},
    ("GET", "/portal/accounts/{ref}/{form}"): {BO},
    ("POST", "/portal/accounts/{ref}/{form}"): {BO},
    ("GET", "/portal/preferences"): {BO},
    ("POST", "/portal/preferences"): {BO},
    ("GET", "/api/v1/me"): EVERYONE,
    ("GET", "/api/v1/borrowers/{ref}"): READ,
    ("GET", "/api/v1/metrics/portfolio"): {SU, CO, AD},
    ("GET", "/api/v1/strategy"): {SU, CO, AD},
    ("GET", "/api/v1/loans"): READ | {BO},
    ("GET", "/api/v1/loans/{ref}"): READ | {BO},
    ("GET", "/api/v1/loans/{ref}/schedule"): READ | {BO},
    ("GET", "/api/v1/loans/{ref}/payments"): READ | {BO},
    ("GET", "/api/v1/loans/{ref}/holds"): READ | {BO},
    ("GET", "/api/v1/loans/{ref}/decisions"): READ,
    ("GET", "/api/v1/loans/{ref}/actions"): READ,
    ("POST", "/api/v1/loans/{ref}/holds"): READ,
    ("POST", "/api/v1/holds/{hold_id}/end"): {SU, CO},
    ("POST", "/api/v1/loans/{ref}/disputes"): {BO},
    ("GET", "/api/v1/queue"): WORK,
    ("POST", "/api/v1/loans/{ref}/lock"): WORK,
    ("POST", "/api/v1/loans/{ref}/referrals"): WORK,
    ("DELETE", "/api/v1/loans/{ref}/lock"): WORK,
    ("GET", "/api/v1/reviews"): {SU},
    ("POST", "/api/v1/reviews/{action_id}/decision"): {SU},
    ("GET", "/api/v1/loans/{ref}/contacts"): READ,
    ("POST", "/api/v1/loans/{ref}/contacts"): WORK,
    ("GET", "/api/v1/loans/{ref}/promises"): READ | {BO},
    ("POST", "/api/v1/loans/{ref}/promises"): WORK,
    ("GET", "/api/v1/loans/{ref}/plans"): READ | {BO},
    ("POST", "/api/v1/loans/{ref}/plans"): WORK,
    ("POST", "/api/v1/loans/{ref}/card-payments"): {BO, AG, SU},
    ("POST", "/api/v1/payments"): {SU, AD},
    ("POST", "/agent/accounts/{ref}/offers"): WORK,
    ("POST", "/agent/accounts/{ref}/offers/{offer_id}/present"): WORK,
    ("POST", "/supervisor/offers/{offer_id}"): {SU, AD},
    ("GET", "/portal/accounts/{ref}/offers/{offer_id}"): {BO},
    ("POST", "/portal/accounts/{ref}/offers/{offer_id}"): {BO},
    ("GET", "/api/v1/loans/{ref}/offers"): READ | {BO},
    ("POST", "/api/v1/loans/{ref}/offers"): WORK,
    ("POST", "/api/v1/offers/{offer_id}/decision"): {SU, AD},
    ("POST", "/api/v1/loans/{ref}/offers/{offer_id}/answer"): {BO},
}
#: Routes whose handler changes something even without input: only refusals are tried there.
SIDE_EFFECTS = {
    ("POST", "/logout"),
    ("POST", "/agent/accounts/{ref}/take"),
    ("POST", "/agent/accounts/{ref}/release"),
    ("POST", "/admin/tokens/{token_id}/revoke"),
    ("DELETE", "/api/v1/loans/{ref}/lock"),
}


def protected_routes(world: World) -> set[tuple[str, str]]:
    found = set()
    for route in routes_of(world.app):
        access = [d for d in route.dependencies if isinstance(d, Access)]
        if access and not any(a.public for a in access):
            found.update((method, route.path) for method in route.methods if method != "HEAD")
    return found


def clients(world: World) -> dict[str | None, tuple[TestClient, str]]:
    signed: dict[str | None, tuple[TestClient, str]] = {None: (world.client(), "")}
    for username, role in {"alice": AG, "sue": SU, "cora": CO, "adam": AD, "ada": AY}.items():
        client = world.client()
        signed[role] = (client, sign_in(client, username))
    borrower = world.client()
    signed[BO] = (borrower, portal_sign_in(borrower, "B1"))
    return signed


def concrete(path: str, review_id: int) -> str:
    values = {
        "{ref}": "L1", "{action_id}": str(review_id), "{hold_id}": "1", "{token_id}": "1",
        "{username}": "bob", "{form}": "dispute", "{offer_id}": "1",
    }  # fmt: skip
    for name, value in values.items():
        path = path.replace(name, value)
    return path


def test_the_matrix_covers_every_protected_route(world: World) -> None:
    """Every route that is not public appears in the matrix, and nothing else does."""
    assert protected_routes(world) == set(MATRIX)


def test_every_role_against_every_route(world: World) -> None:
    """Anonymous: sign in first; a role outside the matrix: 403; a role inside: admitted (the
    request may still be refused for its content: 404, 409, 422 — never 401 or 403)."""
    with world.container.engine.connect() as connection:
        review_id = connection.execute(
            text("SELECT MIN(id) FROM actions WHERE kind = 'review'")
        ).scalar_one()
    signed = clients(world)
    failures = []
    for (method, template), allowed in sorted(MATRIX.items()):
        path = concrete(template, review_id)
        api = path.startswith("/api/")
        for role, (client, csrf) in signed.items():
            if role in allowed and ((method, template) in SIDE_EFFECTS or role is None):
                continue
            headers = {"X-CSRF-Token": csrf} if csrf else {}
            response = client.request(method, path, headers=headers)
            got = response.status_code
            if role is None:
                expected_ok = got == 401 if api else got == 303
                if api and got == 401:
                    assert response.headers["content-type"] == "application/problem+json"
            elif role not in allowed:
                expected_ok = got == 403
                if api and got == 403:
                    assert response.json()["type"] == "urn:arrears:problem:forbidden"
            else:
                expected_ok = got not in (401, 403)
            if not expected_ok:
                failures.append(f"{role or 'anonymous'} {method} {path}: {got}")
    assert failures == []


def test_api_tokens_carry_their_role(world: World) -> None:
    """A system's bearer token acts with the token's role; a revoked or unknown token is
    not signed in; a token never authenticates a web page."""
    client = world.client()
    agent = {"Authorization": f"Bearer {world.tokens['agent']}"}
    supervisor = {"Authorization": f"Bearer {world.tokens['supervisor']}"}
    assert client.get("/api/v1/queue", headers=agent).status_code == 200
    assert client.get("/api/v1/reviews", headers=agent).status_code == 403
    assert client.get("/api/v1/reviews", headers=supervisor).status_code == 200
    assert client.get("/api/v1/me", headers=supervisor).json()["kind"] == "token"
    forged = {"Authorization": "Bearer arr_00000000_forged"}
    assert client.get("/api/v1/me", headers=forged).status_code == 401
    assert client.get("/agent/queue", headers=agent).status_code == 303
    assert client.post("/api/v1/loans/L1/lock", headers=agent).status_code == 422, "no CSRF"
