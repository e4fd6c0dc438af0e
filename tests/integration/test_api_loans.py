"""``/api/v1/loans``: pages of accounts, an account's balance by component, delinquency,
schedule, payments, holds, decisions and actions; problem+json for every error; borrowers see
only their own accounts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from arrears.services.auth import Auth
from arrears.services.portal import request_link
from support import web as fixtures
from support.web import World, csrf_of, portal_sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world

PROBLEM = "application/problem+json"


def staff(world: World, role: str = "agent") -> tuple[TestClient, dict[str, str]]:
    return world.client(), {"Authorization": f"Bearer {world.tokens[role]}"}


def test_loans_come_in_pages(world: World) -> None:
    client, auth = staff(world)
    first = client.get("/api/v1/loans?per_page=2", headers=auth).json()
    assert (first["total"], first["pages"], first["page"]) == (3, 2, 1)
    second = client.get("/api/v1/loans?per_page=2&page=2", headers=auth).json()
    refs = [i["ref"] for i in first["items"] + second["items"]]
    assert refs == ["L1", "L2", "L3"]
    assert first["items"][0]["principal"] == {"minor": 120000, "currency": "USD",
                                               "display": "$1,200.00"}  # fmt: skip


def test_an_account_shows_its_balance_by_component_and_its_delinquency(world: World) -> None:
    """L1 is 104 days late: the components add up to the total, DOFD is the first missed due."""
    client, auth = staff(world)
    loan = client.get("/api/v1/loans/L1", headers=auth).json()
    balance = loan["balance"]
    parts = sum(a["minor"] for a in balance["components"].values()) - balance["suspense"]["minor"]
    assert parts == balance["total"]["minor"] == 63654
    assert loan["delinquency"]["dpd"] == 104
    assert loan["delinquency"]["dofd"] == "2026-08-15"
    assert loan["borrowers"] == [
        {"ref": "B1", "name": "Ana García", "relation": "borrower", "masked_ssn": "***-**-6789"}
    ]
    assert "123-45-6789" not in str(loan)
    assert "1985" not in str(loan)


def test_schedule_payments_holds_decisions_and_actions(world: World) -> None:
    client, auth = staff(world)
    schedule = client.get("/api/v1/loans/L1/schedule", headers=auth).json()
    assert len(schedule) == 12
    assert [row["status"] for row in schedule[:7]] == ["paid"] * 6 + ["past due"]
    payments = client.get("/api/v1/loans/L2/payments", headers=auth).json()
    assert len(payments) == 17
    assert any(p["status"] == "returned" and p["return_reason"] == "R01" for p in payments)
    assert client.get("/api/v1/loans/L1/holds", headers=auth).json() == []
    decisions = client.get("/api/v1/loans/L1/decisions", headers=auth).json()
    assert decisions[0]["dpd"] == 104
    assert decisions[0]["items"]
    actions = client.get("/api/v1/loans/L1/actions?per_page=1", headers=auth).json()
    assert actions["per_page"] == 1
    assert actions["total"] >= 2


def test_a_missing_account_is_a_not_found_problem(world: World) -> None:
    client, auth = staff(world)
    response = client.get("/api/v1/loans/NOPE", headers=auth)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:arrears:problem:not-found"
    assert body["status"] == 404
    assert body["title"] == "Not Found"
    assert "NOPE" in body["detail"]


def test_invalid_parameters_are_a_problem_listing_every_field(world: World) -> None:
    client, auth = staff(world)
    response = client.get("/api/v1/loans?page=0&per_page=999", headers=auth)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"query.page", "query.per_page"}


def test_an_unknown_path_and_method_are_problems_too(world: World) -> None:
    client, auth = staff(world)
    missing = client.get("/api/v1/nothing-here", headers=auth)
    assert (missing.status_code, missing.headers["content-type"]) == (404, PROBLEM)
    wrong = client.put("/api/v1/loans/L1", headers=auth)
    assert (wrong.status_code, wrong.headers["content-type"]) == (405, PROBLEM)


def test_a_borrower_sees_only_their_own_accounts(world: World) -> None:
    """Ana (B1) lists one account; asking for Tom's L2 in any way returns nothing of it."""
    client = world.client()
    portal_sign_in(client, "B1")
    listed = client.get("/api/v1/loans").json()
    assert [i["ref"] for i in listed["items"]] == ["L1"]
    assert client.get("/api/v1/loans/L1").status_code == 200
    for path in ("", "/schedule", "/payments", "/holds", "/promises", "/plans"):
        response = client.get(f"/api/v1/loans/L2{path}")
        assert response.status_code == 404, path
        assert "Tom" not in response.text
        assert "13,875" not in response.text
    assert client.get("/api/v1/loans/L1/decisions").status_code == 403


def test_a_co_borrower_sees_the_loan_they_co_signed(world: World) -> None:
    """Sam (B3) co-borrows L2 and owes L3: both are theirs (signed in through a link)."""
    auth: Auth = world.app.state.web.auth
    request_link("sam@example.org", address="t", base_url="http://testserver",
                 sender=world.links.append, auth=auth)  # fmt: skip
    token = world.links[-1].url.rsplit("/", 1)[1]
    client = world.client()
    page = client.get(f"/portal/link/{token}")
    client.post(f"/portal/link/{token}", data={"csrf_token": csrf_of(page.text)})
    refs = [i["ref"] for i in client.get("/api/v1/loans").json()["items"]]
    assert refs == ["L2", "L3"]
    assert client.get("/api/v1/loans/L1").status_code == 404
