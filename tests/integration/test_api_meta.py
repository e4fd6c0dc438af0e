"""``/api/v1``: who am I, borrowers (masked), portfolio metrics, the strategy in force and the
API's own description, served without any CDN."""

from __future__ import annotations

from sqlalchemy import text

from support import web as fixtures
from support.web import World, portal_sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world


def auth(world: World, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[role]}"}


def test_me(world: World) -> None:
    client = world.client()
    assert client.get("/api/v1/me", headers=auth(world, "compliance")).json() == {
        "kind": "token", "role": "compliance", "name": "compliance system",
    }  # fmt: skip
    portal_sign_in(client, "B2")
    assert client.get("/api/v1/me").json()["role"] == "borrower"


def test_a_borrower_record_is_masked_and_its_view_audited(world: World) -> None:
    client = world.client()
    found = client.get("/api/v1/borrowers/B1", headers=auth(world, "agent")).json()
    assert found["masked_ssn"] == "***-**-6789"
    assert found["has_date_of_birth"] is True
    assert found["loans"] == ["L1"]
    assert "123-45-6789" not in str(found)
    assert "1985-04-12" not in str(found)
    with world.container.engine.connect() as connection:
        viewed = connection.execute(
            text("SELECT actor FROM audit_log WHERE action = 'borrower.viewed'")
        ).scalars().all()  # fmt: skip
    assert viewed == ["token:agent system"]


def test_portfolio_metrics_and_the_strategy(world: World) -> None:
    client = world.client()
    rows = client.get("/api/v1/metrics/portfolio", headers=auth(world, "supervisor")).json()
    assert sum(r["accounts"] for r in rows) == 3
    strategy = client.get("/api/v1/strategy", headers=auth(world, "admin")).json()
    assert strategy["segments"]
    assert strategy["source"].startswith("default.yaml")


def test_the_api_describes_itself_without_a_cdn(world: World) -> None:
    client = world.client()
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "arrears"
    assert "/api/v1/loans/{ref}" in schema["paths"]
    assert not any(path.startswith(("/agent", "/portal")) for path in schema["paths"])
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "GET /api/v1/loans" in docs.text
    assert "cdn" not in docs.text.lower()
    assert "https://" not in docs.text
