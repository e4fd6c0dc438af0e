"""Concurrency through the API, as clients really race (issue 12 "Concurrency"): the same card
payment sent several times at once with one Idempotency-Key, two agents taking one account at
once, and a borrower's offer answered twice at once with different keys. Exactly one request
does the work; the others get a clear answer (409, or the first answer replayed), and the
ledger stays whole. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import text

from arrears import bootstrap
from arrears.domain.settlements.offers import OfferType, PresentedVia
from arrears.domain.settlements.pricing import OfferRequest
from arrears.entrypoints.web.access import COOKIE
from arrears.services.recovery_settings import Actor
from arrears.services.settlement_offers import present_offer, propose_offer
from reliability.ledger_checks import assert_ledger_whole
from support import web as fixtures
from support.web import World, key, portal_sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world
RACERS = 4
CARD = {"card_number": "4242424242424242", "expiry_month": 12, "expiry_year": 2030,
        "cvc": "123", "holder": "Ana"}  # fmt: skip


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Send the requests together (a barrier releases the threads at the same moment)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def count(world: World, sql: str) -> int:
    with world.container.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def borrower_clients(world: World, n: int) -> tuple[list[object], str]:
    """``n`` clients sharing B1's one portal session (one browser, several tabs)."""
    first = world.client()
    csrf = portal_sign_in(first, "B1")
    session = str(first.cookies.get(COOKIE))
    clients = [first]
    for _ in range(n - 1):
        other = world.client()
        other.cookies.set(COOKIE, session)
        clients.append(other)
    return clients, csrf


def test_one_card_payment_sent_at_once_with_one_key_charges_once(world: World) -> None:
    """Four tabs post the same card payment with the same key at the same moment: one charge,
    one payment; every other answer is "in progress" (409) or the first answer replayed with
    the same reference."""
    clients, csrf = borrower_clients(world, RACERS)
    same = key()
    body = {**CARD, "amount": "12.00"}
    answers = at_once([
        lambda c=c: c.post("/api/v1/loans/L1/card-payments", json=body,  # type: ignore[attr-defined]
                           headers={"X-CSRF-Token": csrf, "Idempotency-Key": same})
        for c in clients
    ])  # fmt: skip
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}, statuses
    references = {a.json()["reference"] for a in answers if a.status_code == 201}
    assert len(references) == 1
    replays = [a for a in answers if a.status_code == 201 and a.headers.get("idempotent-replayed")]
    assert len(replays) == statuses.count(201) - 1
    assert count(world, "SELECT COUNT(*) FROM card_payments") == 1
    assert count(world, "SELECT COUNT(*) FROM payments WHERE source = 'portal'") == 1
    assert_ledger_whole(world.container)


def test_two_agents_taking_one_account_at_once(world: World) -> None:
    """Two agents' systems lock L1 at the same moment: one holds it, the other is told the
    account is being worked (409) — never two holders."""
    api = world.client()
    tokens = [world.tokens["agent"], world.tokens["supervisor"]]
    answers = at_once([
        lambda t=t: api.post("/api/v1/loans/L1/lock",
                             headers={"Authorization": f"Bearer {t}", "Idempotency-Key": key()})
        for t in tokens
    ])  # fmt: skip
    statuses = sorted(a.status_code for a in answers)
    assert statuses[1] == 409, statuses
    assert statuses[0] < 300, statuses
    assert count(world, "SELECT COUNT(*) FROM account_locks") == 1


def test_an_offer_answered_twice_at_once_is_accepted_once(world: World) -> None:
    """B1 accepts the offer on L1 from two tabs with different keys at once: one acceptance,
    the other refused with its reason; the offer's history has one acceptance and the ledger
    is whole."""
    container = world.container
    recovery = bootstrap.recovery(container, send=False)
    offer = propose_offer(
        "L1", OfferRequest(OfferType.LUMP_SUM, 1, None), actor=Actor("user:m", "manager"),
        uow_factory=container.uow, clock=container.clock, recovery=recovery,
    )  # fmt: skip
    present_offer(offer.id, via=PresentedVia.PORTAL, actor=Actor("user:m", "manager"),
                  uow_factory=container.uow, clock=container.clock, recovery=recovery)  # fmt: skip
    clients, csrf = borrower_clients(world, 2)
    answers = at_once([
        lambda c=c: c.post(f"/api/v1/loans/L1/offers/{offer.id}/answer",  # type: ignore[attr-defined]
                           json={"answer": "accept"},
                           headers={"X-CSRF-Token": csrf, "Idempotency-Key": key()})
        for c in clients
    ])  # fmt: skip
    statuses = sorted(a.status_code for a in answers)
    assert statuses[0] == 200, [a.text[:200] for a in answers]
    loser = next(a for a in answers if a.status_code != 200)
    # a conflict when both ran together, or (when they took turns) the refusal of a move the
    # offer no longer allows — both say why, as problem+json
    assert loser.status_code in (409, 422), loser.text[:200]
    assert loser.json()["type"] in ("urn:arrears:problem:conflict",
                                    "urn:arrears:problem:rule-violation")  # fmt: skip
    assert count(world, "SELECT COUNT(*) FROM settlement_events WHERE to_status = 'accepted'") == 1
    assert_ledger_whole(container)
