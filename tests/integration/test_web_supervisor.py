"""The supervisor console: approval queues, team activity, the strategy (check and activate an
uploaded file, every problem shown) and the dashboard."""

from __future__ import annotations

from sqlalchemy import text

from arrears.strategy.check import default_strategy_text
from support import web as fixtures
from support.web import World, sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world


def review_id(world: World, treatment: str) -> int:
    with world.container.engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT id FROM actions WHERE treatment = :t"), {"t": treatment}
            ).scalar_one()
        )


def test_approving_and_rejecting_review_items(world: World) -> None:
    """Approving the settlement review prices an offer (here beyond a supervisor's authority,
    so it waits for a manager); rejecting the legal review records it; a refused workflow
    leaves its item pending with the rule that refused it."""
    client = world.client()
    csrf = sign_in(client, "sue")
    page = client.get("/supervisor/approvals").text
    assert "Waiting for a decision (3)" in page
    assert "agency placement review" in page
    settlement = review_id(world, "settlement_offer")
    row = client.post(
        f"/supervisor/approvals/{settlement}", data={"decision": "approve", "note": "ok"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )  # fmt: skip
    assert row.status_code == 200
    assert '<tr id="review-' in row.text
    assert "approved" in row.text
    legal = review_id(world, "legal_referral_review")
    rejected = client.post(f"/supervisor/approvals/{legal}",
                           data={"decision": "reject", "csrf_token": csrf})  # fmt: skip
    assert rejected.status_code == 303
    page = client.get("/supervisor/approvals").text
    assert "Waiting for a decision (1)" in page
    assert "Settlement offers beyond the proposer's authority (1)" in page
    again = client.post(f"/supervisor/approvals/{settlement}",
                        data={"decision": "reject", "csrf_token": csrf})  # fmt: skip
    assert again.status_code == 409
    bad = client.post(f"/supervisor/approvals/{settlement}",
                      data={"decision": "maybe", "csrf_token": csrf})  # fmt: skip
    assert bad.status_code == 422
    agency = client.post(f"/supervisor/approvals/{review_id(world, 'agency_placement_review')}",
                         data={"decision": "approve", "csrf_token": csrf})  # fmt: skip
    assert agency.status_code == 422
    assert "no active tier-1 agency" in agency.text
    beyond = client.post("/supervisor/offers/1", data={"decision": "approve", "csrf_token": csrf})
    assert beyond.status_code == 422
    assert "manager" in beyond.text
    admin = world.client()
    admin_csrf = sign_in(admin, "adam")
    assert "Approve" in admin.get("/supervisor/approvals").text
    approved = admin.post("/supervisor/offers/1", data={"decision": "approve",
                                                        "csrf_token": admin_csrf})  # fmt: skip
    assert approved.status_code == 303
    assert "(1)" not in client.get("/supervisor/approvals").text.split("Waiting")[0]


def test_team_activity_comes_from_the_audit_trail(world: World) -> None:
    alice = world.client()
    sign_in(alice, "alice")
    alice.get("/agent/accounts/L1")
    client = world.client()
    sign_in(client, "sue")
    page = client.get("/supervisor/team").text
    assert "alice" in page
    assert "account.viewed × 1" in page


def test_checking_a_strategy_shows_every_problem_with_its_line(world: World) -> None:
    client = world.client()
    csrf = sign_in(client, "sue")
    broken = default_strategy_text().replace("treatment: reminder_sms", "treatment: carrier_pigeon")
    response = client.post(
        "/supervisor/strategy", data={"action": "check", "csrf_token": csrf},
        files=[("files", ("mine.yaml", broken.encode(), "text/yaml"))],
    )  # fmt: skip
    assert response.status_code == 422
    assert "carrier_pigeon" in response.text
    assert "mine.yaml:" in response.text
    refused = client.post(
        "/supervisor/strategy", data={"action": "activate", "csrf_token": csrf},
        files=[("files", ("mine.yaml", broken.encode(), "text/yaml"))],
    )  # fmt: skip
    assert refused.status_code == 422
    assert "was not activated" in refused.text


def test_activating_a_strategy(world: World) -> None:
    client = world.client()
    csrf = sign_in(client, "sue")
    text_ = default_strategy_text().replace("version: 1", "version: 7", 1)
    assert "version: 7" in text_
    response = client.post(
        "/supervisor/strategy", data={"action": "activate", "csrf_token": csrf},
        files=[("files", ("house.yaml", text_.encode(), "text/yaml"))],
    )  # fmt: skip
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "v7 is now in force" in page
    assert "Strategy in force" in page


def test_uploads_are_plain_files(world: World) -> None:
    """Only the base name of an upload is used, and it must be a plain file name: nothing is
    ever written or named outside the upload's own folder."""
    client = world.client()
    csrf = sign_in(client, "sue")
    pathy = client.post(
        "/supervisor/strategy", data={"action": "check", "csrf_token": csrf},
        files=[("files", ("../../etc/x.yaml", b"name: x", "text/yaml"))],
    )  # fmt: skip
    assert pathy.status_code == 422
    assert "x.yaml" in pathy.text
    assert "../" not in pathy.text
    hidden = client.post(
        "/supervisor/strategy", data={"action": "activate", "csrf_token": csrf},
        files=[("files", ("..\\evil.yaml", b"name: x", "text/yaml"))],
    )  # fmt: skip
    assert hidden.status_code == 400
    assert "not a plain file name" in hidden.text


def test_the_dashboard(world: World) -> None:
    client = world.client()
    sign_in(client, "cora")
    page = client.get("/supervisor/analytics").text
    assert "Portfolio today" in page
    assert "90-119" in page
    assert "charged off" in page.lower()


def test_the_analytics_report(world: World) -> None:
    client = world.client()
    sign_in(client, "sue")
    page = client.get("/supervisor/analytics/report")
    assert page.status_code == 200
    assert "Analytics report" in page.text
    assert "3 accounts" in page.text
