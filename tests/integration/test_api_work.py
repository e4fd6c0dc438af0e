"""``/api/v1``: holds, disputes, the work queue, account locks and review decisions — with
idempotency keys on every POST (a replay returns the first response, never a second record)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text

from arrears.adapters.db.schema_cycle import holds
from support import web as fixtures
from support.web import World, key, portal_sign_in, sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world


def token(world: World, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[role]}"}


def hold_count(world: World) -> int:
    with world.container.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(holds)).scalar_one())


def test_placing_a_hold_twice_with_one_key_places_it_once(world: World) -> None:
    client, idem = world.client(), key()
    headers = {**token(world, "agent"), "Idempotency-Key": idem}
    body = {"kind": "cease_communication", "reason": "asked in writing"}
    first = client.post("/api/v1/loans/L1/holds", json=body, headers=headers)
    again = client.post("/api/v1/loans/L1/holds", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert hold_count(world) == 1
    other = client.post(
        "/api/v1/loans/L1/holds", json={**body, "reason": "another"}, headers=headers
    )
    assert other.status_code == 422
    assert other.json()["type"] == "urn:arrears:problem:idempotency-key-reused"


def test_a_post_without_an_idempotency_key_is_refused(world: World) -> None:
    client = world.client()
    response = client.post(
        "/api/v1/loans/L1/holds", json={"kind": "dispute", "reason": "x"},
        headers=token(world, "agent"),
    )  # fmt: skip
    assert response.status_code == 422
    assert any(e["field"] == "header.Idempotency-Key" for e in response.json()["errors"])
    assert hold_count(world) == 0


def test_a_failed_request_frees_its_key_for_a_corrected_retry(world: World) -> None:
    client, idem = world.client(), key()
    headers = {**token(world, "agent"), "Idempotency-Key": idem}
    bad = client.post("/api/v1/loans/L1/holds", json={"kind": "bankruptcy", "reason": "ch"},
                      headers=headers)  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["rule"] == "hold.bankruptcy"
    fixed = client.post(
        "/api/v1/loans/L1/holds", json={"kind": "bankruptcy", "reason": "ch", "chapter": "7"},
        headers={**headers, "Idempotency-Key": key()},
    )  # fmt: skip
    assert fixed.status_code == 201


def test_ending_a_hold(world: World) -> None:
    client = world.client()
    placed = client.post(
        "/api/v1/loans/L1/holds", json={"kind": "dispute", "reason": "wrong amount"},
        headers={**token(world, "agent"), "Idempotency-Key": key()},
    ).json()  # fmt: skip
    ended = client.post(
        f"/api/v1/holds/{placed['id']}/end", json={"reason": "verification sent"},
        headers={**token(world, "compliance"), "Idempotency-Key": key()},
    )  # fmt: skip
    assert ended.status_code == 200
    assert ended.json()["in_force"] is False
    listed = client.get("/api/v1/loans/L1/holds", headers=token(world, "agent")).json()
    assert listed[0]["ends_on"] == "2026-11-27"


def test_a_borrower_disputes_only_their_own_debt(world: World) -> None:
    client = world.client()
    csrf = portal_sign_in(client, "B1")
    headers = {"X-CSRF-Token": csrf, "Idempotency-Key": key()}
    mine = client.post("/api/v1/loans/L1/disputes", json={"reason": "not mine"}, headers=headers)
    assert mine.status_code == 201
    theirs = client.post(
        "/api/v1/loans/L2/disputes", json={"reason": "x"},
        headers={**headers, "Idempotency-Key": key()},
    )  # fmt: skip
    assert theirs.status_code == 404
    assert hold_count(world) == 1
    no_csrf = client.post(
        "/api/v1/loans/L1/disputes", json={"reason": "x"}, headers={"Idempotency-Key": key()}
    )
    assert no_csrf.status_code == 403
    assert no_csrf.json()["type"] == "urn:arrears:problem:csrf"


def test_the_queue_is_by_priority_and_a_taken_account_is_locked(world: World) -> None:
    """Alice takes L1; Bob is told she has it; once she releases it Bob can take it."""
    client = world.client()
    alice = token(world, "agent")
    queue = client.get("/api/v1/queue", headers=alice).json()["items"]
    assert [i["priority"] for i in queue] == sorted((i["priority"] for i in queue), reverse=True)
    alice_client, bob_client = world.client(), world.client()
    alice_csrf, bob_csrf = sign_in(alice_client, "alice"), sign_in(bob_client, "bob")
    taken = alice_client.post(
        "/api/v1/loans/L1/lock", headers={"X-CSRF-Token": alice_csrf, "Idempotency-Key": key()}
    )
    assert taken.status_code == 200
    assert taken.json()["held_by"] == "alice"
    refused = bob_client.post(
        "/api/v1/loans/L1/lock", headers={"X-CSRF-Token": bob_csrf, "Idempotency-Key": key()}
    )
    assert refused.status_code == 409
    assert "Alice is working account L1" in refused.json()["detail"]
    hold = bob_client.post(
        "/api/v1/loans/L1/holds", json={"kind": "dispute", "reason": "x"},
        headers={"X-CSRF-Token": bob_csrf, "Idempotency-Key": key()},
    )  # fmt: skip
    assert hold.status_code == 409
    listed = bob_client.get("/api/v1/queue").json()["items"]
    assert next(i for i in listed if i["loan"] == "L1")["worked_by"] == "Alice"
    assert (
        alice_client.delete(
            "/api/v1/loans/L1/lock", headers={"X-CSRF-Token": alice_csrf}
        ).status_code
        == 204
    )
    again = bob_client.post(
        "/api/v1/loans/L1/lock", headers={"X-CSRF-Token": bob_csrf, "Idempotency-Key": key()}
    )
    assert again.status_code == 200
    assert again.json()["held_by"] == "bob"


def test_a_lock_expires(world: World) -> None:
    """After the lock's minutes another agent may take the account."""
    client = world.client()
    client.post(
        "/api/v1/loans/L1/lock", headers={**token(world, "agent"), "Idempotency-Key": key()}
    )
    world.container.clock.advance(timedelta(minutes=21))  # type: ignore[attr-defined]
    bob = world.client()
    csrf = sign_in(bob, "bob")
    taken = bob.post("/api/v1/loans/L1/lock", headers={"X-CSRF-Token": csrf,
                                                       "Idempotency-Key": key()})  # fmt: skip
    assert taken.status_code == 200
    assert taken.json()["held_by"] == "bob"


def test_reviews_are_decided_once(world: World) -> None:
    """Approving the settlement review starts the workflow (an offer is priced and queued for
    the authority it needs); a second decision is a conflict; an agency review that no agency
    can take is refused with its rule and stays pending."""
    client = world.client()
    sup = token(world, "supervisor")
    pending = client.get("/api/v1/reviews", headers=sup).json()
    assert pending["total"] == 3
    by_treatment = {i["treatment"]: i for i in pending["items"]}
    settlement = by_treatment["settlement_offer"]
    decided = client.post(
        f"/api/v1/reviews/{settlement['action_id']}/decision",
        json={"decision": "approve", "note": "ok"}, headers={**sup, "Idempotency-Key": key()},
    )  # fmt: skip
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"
    offers = client.get("/api/v1/loans/L3/offers", headers=sup).json()
    assert [(o["status"], o["required_role"]) for o in offers] == [("drafted", "manager")]
    twice = client.post(
        f"/api/v1/reviews/{settlement['action_id']}/decision", json={"decision": "reject"},
        headers={**sup, "Idempotency-Key": key()},
    )  # fmt: skip
    assert twice.status_code == 409
    agency = client.post(
        f"/api/v1/reviews/{by_treatment['agency_placement_review']['action_id']}/decision",
        json={"decision": "approve"}, headers={**sup, "Idempotency-Key": key()},
    )  # fmt: skip
    assert agency.status_code == 422
    assert agency.json()["rule"] == "agency.none_eligible"
    assert client.get("/api/v1/reviews", headers=sup).json()["total"] == 2
    only_legal = client.get("/api/v1/reviews?queue=legal", headers=sup).json()
    assert {i["queue"] for i in only_legal["items"]} <= {"legal"}
    with world.container.engine.connect() as connection:
        audit = connection.execute(
            text("SELECT actor FROM audit_log WHERE action = 'review.approved'")
        ).scalars().all()  # fmt: skip
    assert audit == ["token:supervisor system"]


def test_offers_within_and_beyond_authority(world: World) -> None:
    """An agent's offer within 10% off is approved at once; a deeper one on the charged-off
    account waits for a supervisor, who approves it; one offer is in play at a time."""
    beyond_ladder = world.client().post(
        "/api/v1/loans/L1/offers", json={"offer_type": "lump_sum", "amount": "500.00"},
        headers={**token(world, "agent"), "Idempotency-Key": key()},
    )  # fmt: skip
    assert beyond_ladder.status_code == 422
    assert beyond_ladder.json()["rule"] == "settlement.ladder"
    client = world.client()
    agent, sup = token(world, "agent"), token(world, "supervisor")
    within = client.post("/api/v1/loans/L2/offers", json={"offer_type": "lump_sum"},
                         headers={**agent, "Idempotency-Key": key()})  # fmt: skip
    assert within.status_code == 201
    assert within.json()["status"] == "approved"
    deeper = client.post("/api/v1/loans/L3/offers",
                         json={"offer_type": "lump_sum", "amount": "2600.00"},
                         headers={**agent, "Idempotency-Key": key()})  # fmt: skip
    assert deeper.json()["status"] == "drafted"
    assert deeper.json()["required_role"] == "supervisor"
    approved = client.post(f"/api/v1/offers/{deeper.json()['id']}/decision",
                           json={"decision": "approve"},
                           headers={**sup, "Idempotency-Key": key()})  # fmt: skip
    assert approved.json()["status"] == "approved"
    second = client.post("/api/v1/loans/L3/offers", json={"offer_type": "lump_sum"},
                         headers={**agent, "Idempotency-Key": key()})  # fmt: skip
    assert second.status_code == 409, "one offer in play at a time"


def test_contacts_promises_and_plans(world: World) -> None:
    """An agent logs a call, records a promise and sets up a plan; a borrower reads their
    promises and plans; a dispute outcome places its hold."""
    client, agent = world.client(), token(world, "agent")
    call = client.post(
        "/api/v1/loans/L1/contacts", json={"channel": "call", "outcome": "promise_made"},
        headers={**agent, "Idempotency-Key": key()},
    )  # fmt: skip
    assert call.status_code == 201
    promise = client.post(
        "/api/v1/loans/L1/promises",
        json={"amounts": [{"due_on": "2026-12-05", "amount": "200.00"}],
              "contact_id": call.json()["id"]},
        headers={**agent, "Idempotency-Key": key()},
    )  # fmt: skip
    assert promise.status_code == 201
    plan = client.post(
        "/api/v1/loans/L2/plans",
        json={"amount": "900.00", "periods": 3, "first_due_on": "2026-12-15"},
        headers={**agent, "Idempotency-Key": key()},
    )  # fmt: skip
    assert plan.status_code == 201
    contacts = client.get("/api/v1/loans/L1/contacts", headers=agent).json()
    assert [c["outcome"] for c in contacts] == ["promise_made"]
    borrower = world.client()
    portal_sign_in(borrower, "B1")
    promises = borrower.get("/api/v1/loans/L1/promises").json()
    assert promises[0]["status"] == "active"
    assert promises[0]["amounts"][0]["amount"]["minor"] == 20000
    plans = client.get("/api/v1/loans/L2/plans", headers=agent).json()
    assert plans[0]["periods"] == 3
    assert len(plans[0]["installments"]) == 3
    dispute = client.post(
        "/api/v1/loans/L2/contacts", json={"channel": "call", "outcome": "dispute_raised",
                                            "direction": "inbound"},
        headers={**agent, "Idempotency-Key": key()},
    )  # fmt: skip
    assert dispute.status_code == 201
    held = client.get("/api/v1/loans/L2/holds", headers=agent).json()
    assert [h["kind"] for h in held] == ["dispute"]
