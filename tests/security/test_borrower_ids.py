"""A borrower changing an id in a URL or an API call gets nothing (issue 12 "Security"): every
route a borrower may call that takes a loan reference or an offer id answers "not found" for
another borrower's — the same answer as for an id that does not exist, so it does not even say
that the account exists (404, never 403) — shows none of it and changes nothing.

The routes come from the role matrix (``integration/test_api_authorization.py``), which is
checked against the app's routes, so a new borrower route is tried here without being listed.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from arrears import bootstrap
from arrears.domain.settlements.offers import OfferType
from arrears.domain.settlements.pricing import OfferRequest
from arrears.services.recovery_settings import Actor
from arrears.services.settlement_offers import propose_offer
from integration.test_api_authorization import MATRIX
from support.web import World, key, portal_sign_in

BORROWER_ROUTES = sorted(
    (method, path) for (method, path), roles in MATRIX.items()
    if "borrower" in roles and "{" in path
)  # fmt: skip
#: What another borrower's pages and answers would show (B2 and co-borrower B3 of L2, L3).
THEIRS = ("Tom", "Lee", "Sam", "Ortiz", "Pine Ave", "Elm Rd", "90012", "78701")
#: Tables a refused request must not have written to.
WRITTEN = (
    "holds", "card_payments", "payments", "promises", "plans", "settlement_offers",
    "settlement_events", "settlements", "contacts",
)  # fmt: skip
CARD = {"card_number": "4242424242424242", "expiry_month": 12, "expiry_year": 2030, "cvc": "123"}
#: A valid body for each kind of request (by the path's last word), so the refusal is the
#: ownership check's and not the form's.
API_BODIES: dict[str, dict[str, object]] = {
    "card-payments": {**CARD, "holder": "X", "amount": "1.00"},
    "disputes": {"reason": "not mine"},
    "answer": {"answer": "accept"},
}
PAGE_FORMS: dict[str, dict[str, object]] = {
    "pay": {**CARD, "amount": "1.00", "key": "0" * 32},
    "plan": {"months": 3, "first_due_on": "2026-12-15"},
    "dispute": {"reason": "not mine"},
    "offer": {"answer": "accept"},
}


def body_for(path: str) -> dict[str, object]:
    last = path.rsplit("/", 1)[-1]
    if path.startswith("/api/"):
        return API_BODIES.get(last, {})
    return PAGE_FORMS.get("offer" if last.isdigit() else last, {})


def counts(world: World) -> dict[str, int]:
    found = {}
    with world.container.engine.connect() as connection:
        for table in WRITTEN:
            found[table] = connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    return found


def someone_elses_offer(world: World) -> int:
    """An approved offer on L3 (B3's charged-off card; B3 is not the borrower signed in)."""
    container = world.container
    offer = propose_offer(
        "L3", OfferRequest(OfferType.LUMP_SUM, 1, None), actor=Actor("user:m", "manager"),
        uow_factory=container.uow, clock=container.clock,
        recovery=bootstrap.recovery(container, send=False),
    )  # fmt: skip
    return offer.id


def test_every_borrower_route_answers_not_found_for_another_borrowers_ids(world: World) -> None:
    """B1, signed in, asks for L2 and L3 (not theirs), for a loan that does not exist and for
    an offer on L3 through their own L1: every answer is 404 (the same as for a made-up id),
    shows nothing of the other borrowers, and no table is written to."""
    offer = someone_elses_offer(world)
    client = world.client()
    csrf = portal_sign_in(client, "B1")
    before = counts(world)
    failures = []
    for method, template in BORROWER_ROUTES:
        tries = [("L2", str(offer)), ("L3", str(offer)), ("NO-SUCH-LOAN", "999999")]
        if "{offer_id}" in template:
            tries.append(("L1", str(offer)))
        for ref, offer_id in tries:
            path = (template.replace("{ref}", ref).replace("{offer_id}", offer_id)
                    .replace("{form}", "dispute"))  # fmt: skip
            body = body_for(path)
            if path.startswith("/api/"):
                answer = client.request(method, path, json=body or None,
                                        headers={"X-CSRF-Token": csrf, "Idempotency-Key": key()})  # fmt: skip
            else:
                answer = client.request(method, path, data={**body, "csrf_token": csrf})
            shown = [word for word in THEIRS if re.search(rf"\b{word}\b", answer.text)]
            if answer.status_code != 404 or shown:
                failures.append(f"{method} {path}: {answer.status_code} {shown}")
    assert failures == []
    assert counts(world) == before


def test_the_loan_list_holds_only_the_borrowers_own_loans(world: World) -> None:
    """``GET /api/v1/loans`` as B1 lists L1 and nothing else, whatever page is asked for."""
    client = world.client()
    portal_sign_in(client, "B1")
    listed = client.get("/api/v1/loans", params={"per_page": 200}).json()
    assert [item["ref"] for item in listed["items"]] == ["L1"]
    assert listed["total"] == 1
    assert client.get("/api/v1/loans", params={"page": 2}).json()["items"] == []
