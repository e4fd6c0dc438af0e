"""Payments through the API: a card through the payment gateway (approved, declined, replayed
without charging twice) and payments another system reports — each posted to the ledger once."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text

from support import web as fixtures
from support.web import World, key, portal_sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world

CARD = {"card_number": "4242 4242 4242 4242", "expiry_month": 12, "expiry_year": 2030,
        "cvc": "123"}  # fmt: skip


def owed(client: TestClient, ref: str, headers: dict[str, str] | None = None) -> int:
    return int(client.get(f"/api/v1/loans/{ref}", headers=headers or {}).json()["balance"]
               ["total"]["minor"])  # fmt: skip


def borrower(world: World) -> tuple[TestClient, str]:
    client = world.client()
    return client, portal_sign_in(client, "B1")


def test_a_card_payment_is_posted_once_however_often_it_is_sent(world: World) -> None:
    client, csrf = borrower(world)
    before = owed(client, "L1")
    headers = {"X-CSRF-Token": csrf, "Idempotency-Key": key()}
    paid = client.post("/api/v1/loans/L1/card-payments", json={**CARD, "amount": "100.00"},
                       headers=headers)  # fmt: skip
    assert paid.status_code == 201
    body = paid.json()
    assert body["approved"] is True
    assert body["card_last4"] == "4242"
    again = client.post("/api/v1/loans/L1/card-payments", json={**CARD, "amount": "100.00"},
                        headers=headers)  # fmt: skip
    assert again.json() == body
    assert owed(client, "L1") == before - 10000
    payments = client.get("/api/v1/loans/L1/payments").json()
    assert sum(1 for p in payments if p["source"] == "portal") == 1
    with world.container.engine.connect() as connection:
        stored = connection.execute(text("SELECT * FROM card_payments")).mappings().all()
        events = connection.execute(
            text("SELECT event FROM funnel_events WHERE event LIKE 'payment%'")
        ).scalars().all()  # fmt: skip
    assert len(stored) == 1
    assert "4242424242424242" not in str(dict(stored[0]))
    assert events == ["payment_made"]


def test_a_declined_card_changes_nothing_owed(world: World) -> None:
    client, csrf = borrower(world)
    before = owed(client, "L1")
    declined = client.post(
        "/api/v1/loans/L1/card-payments", json={**CARD, "card_number": "4000000000000002",
                                                 "amount": "50.00"},
        headers={"X-CSRF-Token": csrf, "Idempotency-Key": key()},
    )  # fmt: skip
    assert declined.status_code == 201
    assert (declined.json()["approved"], declined.json()["decline_reason"]) == (
        False, "card declined",
    )  # fmt: skip
    assert owed(client, "L1") == before


def test_card_payments_are_checked_before_the_gateway(world: World) -> None:
    client, csrf = borrower(world)
    too_much = client.post(
        "/api/v1/loans/L1/card-payments", json={**CARD, "amount": "99999.00"},
        headers={"X-CSRF-Token": csrf, "Idempotency-Key": key()},
    )  # fmt: skip
    assert too_much.status_code == 422
    assert too_much.json()["rule"] == "payment.amount"
    expired = client.post(
        "/api/v1/loans/L1/card-payments",
        json={**CARD, "expiry_year": 2026, "expiry_month": 1, "amount": "10.00"},
        headers={"X-CSRF-Token": csrf, "Idempotency-Key": key()},
    )  # fmt: skip
    assert expired.status_code == 422
    assert "expired" in expired.json()["detail"]
    float_amount = client.post(
        "/api/v1/loans/L1/card-payments", json={**CARD, "amount": 10.5},
        headers={"X-CSRF-Token": csrf, "Idempotency-Key": key()},
    )  # fmt: skip
    assert float_amount.status_code == 422, "amounts are decimal strings, never floats"


def test_a_borrower_cannot_pay_someone_elses_account(world: World) -> None:
    client, csrf = borrower(world)
    response = client.post(
        "/api/v1/loans/L2/card-payments", json={**CARD, "amount": "10.00"},
        headers={"X-CSRF-Token": csrf, "Idempotency-Key": key()},
    )  # fmt: skip
    assert response.status_code == 404


def test_a_servicing_system_reports_payments_idempotently(world: World) -> None:
    """The same payment id again changes nothing; with other facts it is a conflict."""
    client = world.client()
    system = {"Authorization": f"Bearer {world.tokens['supervisor']}"}
    before = owed(client, "L2", system)
    body = {"loan": "L2", "external_id": "SVC-1", "amount": "356.34",
            "effective_date": "2026-11-27", "method": "ach"}  # fmt: skip
    first = client.post("/api/v1/payments", json=body,
                        headers={**system, "Idempotency-Key": key()})  # fmt: skip
    assert first.status_code == 201
    assert first.json()["created"] is True
    resent = client.post("/api/v1/payments", json=body,
                         headers={**system, "Idempotency-Key": key()})  # fmt: skip
    assert resent.status_code == 200
    assert resent.json()["created"] is False
    assert owed(client, "L2", system) == before - 35634
    changed = client.post("/api/v1/payments", json={**body, "amount": "1.00"},
                          headers={**system, "Idempotency-Key": key()})  # fmt: skip
    assert changed.status_code == 409
    future = client.post(
        "/api/v1/payments",
        json={**body, "external_id": "SVC-2",
              "effective_date": str(world.container.clock.today() + timedelta(days=1))},
        headers={**system, "Idempotency-Key": key()},
    )  # fmt: skip
    assert future.status_code == 422
    assert future.json()["rule"] == "payment.date"
    agent = {"Authorization": f"Bearer {world.tokens['agent']}"}
    assert client.post("/api/v1/payments", json=body,
                       headers={**agent, "Idempotency-Key": key()}).status_code == 403  # fmt: skip
