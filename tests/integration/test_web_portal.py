"""The borrower portal: signing in by details or a one-time link, English and Spanish, what is
owed, paying (approved, declined, never twice), plans within policy, disputes, hardship,
communication preferences and the funnel events analytics counts."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text

from support import web as fixtures
from support.web import World, csrf_of, portal_sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world


def events(world: World) -> list[str]:
    with world.container.engine.connect() as connection:
        return list(
            connection.execute(text("SELECT event FROM funnel_events ORDER BY id")).scalars()
        )


def pay_form(client: TestClient, ref: str = "L1") -> str:
    found = re.search(
        r'name="key" value="([0-9a-f]{32})"', client.get(f"/portal/accounts/{ref}/pay").text
    )
    assert found
    return found.group(1)


def card(key: str, csrf: str, **changes: str) -> dict[str, str]:
    return {"amount": "100.00", "card_number": "4242 4242 4242 4242", "expiry_month": "12",
            "expiry_year": "2030", "cvc": "123", "key": key, "csrf_token": csrf, **changes}  # fmt: skip


def test_signing_in_shows_the_borrowers_accounts_in_their_language(world: World) -> None:
    """Ana's language is Spanish: the portal speaks Spanish to her; Tom's is English."""
    ana = world.client()
    portal_sign_in(ana, "B1")
    page = ana.get("/portal/accounts").text
    assert "Sus cuentas" in page
    assert "104 días de atraso" in page
    assert '<html lang="es">' in page
    tom = world.client()
    portal_sign_in(tom, "B2")
    assert "Your accounts" in tom.get("/portal/accounts").text


def test_the_language_can_be_switched(world: World) -> None:
    client = world.client()
    client.get("/portal/sign-in")
    switched = client.get("/portal/language?lang=es&next=/portal/sign-in")
    assert switched.headers["location"] == "/portal/sign-in"
    assert "Entre para ver y pagar su cuenta" in client.get("/portal/sign-in").text
    evil = client.get("/portal/language?lang=en&next=https://evil.example")
    assert evil.headers["location"] == "/portal"


def test_what_is_owed_is_itemized_with_the_borrowers_rights(world: World) -> None:
    client = world.client()
    portal_sign_in(client, "B2")
    page = client.get("/portal/accounts/L2").text
    for expected in ("What you owe on account L2", "Principal", "Interest", "Total you owe",
                     "$13,875.87", "26 days past due", "You can dispute all or part of this debt",
                     "12 CFR 1006.34", "returned"):  # fmt: skip
        assert expected in page, expected


def test_a_one_time_link_signs_in_once(world: World) -> None:
    client = world.client()
    token = csrf_of(client.get("/portal/sign-in").text)
    sent = client.post(
        "/portal/link", data={"destination": "TLEE@acme.example", "csrf_token": token}
    )
    assert "Check your messages" in sent.text
    assert [m.channel for m in world.links] == ["email"]
    url = world.links[0].url
    path = url.split("testserver", 1)[1]
    confirm = client.get(path)
    assert "Continue" in confirm.text, "opening the link does not use it up"
    signed = client.post(path, data={"csrf_token": csrf_of(confirm.text)})
    assert signed.headers["location"] == "/portal/accounts"
    assert "Account L2" in client.get("/portal/accounts").text
    other = world.client()
    page = other.get(path)
    reused = other.post(path, data={"csrf_token": csrf_of(page.text)})
    assert reused.status_code == 401
    assert "expired or was already used" in reused.text


def test_a_link_expires(world: World) -> None:
    client = world.client()
    token = csrf_of(client.get("/portal/sign-in").text)
    client.post("/portal/link", data={"destination": "(617) 555-0101", "csrf_token": token})
    assert world.links[0].channel == "sms"
    world.container.clock.advance(timedelta(minutes=31))  # type: ignore[attr-defined]
    path = world.links[0].url.split("testserver", 1)[1]
    page = client.get(path)
    assert client.post(path, data={"csrf_token": csrf_of(page.text)}).status_code == 401


def test_asking_for_a_link_never_says_whether_the_address_is_known(world: World) -> None:
    client = world.client()
    token = csrf_of(client.get("/portal/sign-in").text)
    known = client.post("/portal/link", data={"destination": "ana.garcia@example.com",
                                              "csrf_token": token})  # fmt: skip
    unknown = client.post("/portal/link", data={"destination": "nobody@example.com",
                                                "csrf_token": token})  # fmt: skip
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace('lang="es"', "") == unknown.text.replace('lang="es"', "")
    assert len(world.links) == 1
    for _ in range(3):
        client.post("/portal/link", data={"destination": "ana.garcia@example.com",
                                          "csrf_token": token})  # fmt: skip
    limited = client.post("/portal/link", data={"destination": "ana.garcia@example.com",
                                                "csrf_token": token})  # fmt: skip
    assert limited.status_code == 429


def test_paying_by_card_once(world: World) -> None:
    client = world.client()
    csrf = portal_sign_in(client, "B1")
    key = pay_form(client)
    receipt = client.post("/portal/accounts/L1/pay", data=card(key, csrf))
    assert receipt.status_code == 200
    assert "Gracias — recibimos su pago" in receipt.text
    assert "$100.00" in receipt.text
    again = client.post("/portal/accounts/L1/pay", data=card(key, csrf))
    assert again.status_code == 200, "a resent form shows the first receipt"
    assert "$536.54" in client.get("/portal/accounts/L1").text, "paid once"
    assert events(world).count("payment_made") == 1
    with world.container.engine.connect() as connection:
        posted = connection.execute(
            text("SELECT COUNT(*) FROM payments WHERE source = 'portal'")
        ).scalar_one()
    assert posted == 1


def test_a_declined_card_and_a_bad_amount_are_explained(world: World) -> None:
    client = world.client()
    csrf = portal_sign_in(client, "B2")
    declined = client.post(
        "/portal/accounts/L2/pay",
        data=card(pay_form(client, "L2"), csrf, card_number="4000000000009995"),
    )
    assert declined.status_code == 402
    assert "declined for insufficient funds" in declined.text
    bad = client.post(
        "/portal/accounts/L2/pay", data=card(pay_form(client, "L2"), csrf, amount="abc")
    )
    assert bad.status_code == 422
    assert "Enter an amount like 125.50" in bad.text
    too_much = client.post(
        "/portal/accounts/L2/pay", data=card(pay_form(client, "L2"), csrf, amount="20000.00")
    )
    assert too_much.status_code == 422
    assert "more than the $13,875.87 owed" in too_much.text


def test_choosing_a_plan_within_policy(world: World) -> None:
    client = world.client()
    csrf = portal_sign_in(client, "B2")
    page = client.get("/portal/accounts/L2/plan").text
    assert "6 monthly payments of about $2,312.65" in page
    outside = client.post("/portal/accounts/L2/plan", data={"months": "24",
                                                            "first_due_on": "2026-12-10",
                                                            "csrf_token": csrf})  # fmt: skip
    assert outside.status_code == 422
    late = client.post("/portal/accounts/L2/plan", data={"months": "6",
                                                         "first_due_on": "2027-02-01",
                                                         "csrf_token": csrf})  # fmt: skip
    assert late.status_code == 422
    chosen = client.post("/portal/accounts/L2/plan", data={"months": "6",
                                                           "first_due_on": "2026-12-10",
                                                           "csrf_token": csrf})  # fmt: skip
    assert chosen.headers["location"] == "/portal/accounts/L2?done=plan"
    account = client.get("/portal/accounts/L2?done=plan").text
    assert "Your plan is set up" in account
    assert "$13,875.87 in 6 monthly payments" in account
    assert {"offer_viewed", "plan_chosen"} <= set(events(world))


def test_a_disputed_account_cannot_take_a_plan(world: World) -> None:
    client = world.client()
    csrf = portal_sign_in(client, "B2")
    client.post("/portal/accounts/L2/dispute", data={"reason": "not mine", "csrf_token": csrf})
    refused = client.post("/portal/accounts/L2/plan", data={"months": "3",
                                                            "first_due_on": "2026-12-10",
                                                            "csrf_token": csrf})  # fmt: skip
    assert refused.status_code == 422
    assert "disputed" in refused.text


def test_disputing_and_reporting_hardship(world: World) -> None:
    client = world.client()
    csrf = portal_sign_in(client, "B2")
    assert "Dispute account L2" in client.get("/portal/accounts/L2/dispute").text
    disputed = client.post("/portal/accounts/L2/dispute", data={"reason": "paid already",
                                                                "csrf_token": csrf})  # fmt: skip
    assert disputed.headers["location"] == "/portal/accounts/L2?done=dispute"
    page = client.get(disputed.headers["location"]).text
    assert "We have your dispute" in page
    assert "your dispute" in page
    twice = client.post("/portal/accounts/L2/dispute", data={"reason": "again",
                                                             "csrf_token": csrf})  # fmt: skip
    assert twice.status_code == 409
    hardship = client.post("/portal/accounts/L2/hardship", data={"reason": "lost my job",
                                                                 "csrf_token": csrf})  # fmt: skip
    assert hardship.status_code == 303
    with world.container.engine.connect() as connection:
        holds = connection.execute(
            text("SELECT kind, set_by, ends_on FROM holds ORDER BY id")
        ).all()  # fmt: skip
    assert [(h.kind, h.set_by) for h in holds] == [("dispute", "borrower:2"),
                                                    ("hardship", "borrower:2")]  # fmt: skip
    assert str(holds[1].ends_on) == "2026-12-27"
    assert {"dispute_opened", "hardship_reported"} <= set(events(world))
    empty = client.post("/portal/accounts/L2/dispute", data={"reason": " ", "csrf_token": csrf})
    assert empty.status_code in (409, 422)


def test_communication_preferences(world: World) -> None:
    """Opting out of texts sets the opt-out on the mobile (the cycle stops texting); hours and
    language are kept; opting back in clears it."""
    client = world.client()
    csrf = portal_sign_in(client, "B1")
    saved = client.post("/portal/preferences", data={
        "language": "en", "start_hour": "9", "end_hour": "17", "opt_out_sms": "1",
        "csrf_token": csrf,
    })  # fmt: skip
    assert saved.headers["location"] == "/portal/preferences?saved=1"
    page = client.get("/portal/preferences?saved=1").text
    assert "Your preferences are saved." in page, "the portal now speaks English to Ana"
    with world.container.engine.connect() as connection:
        opted = connection.execute(text(
            "SELECT kind, sms_opted_out_at IS NOT NULL FROM contact_points WHERE borrower_id = 1"
        )).all()  # fmt: skip
    assert dict(opted)["mobile_phone"] == 1
    wrong = client.post(
        "/portal/preferences",
        data={"language": "en", "start_hour": "17", "end_hour": "9", "csrf_token": csrf},
    )
    assert wrong.status_code == 422
    client.post("/portal/preferences", data={"language": "es", "csrf_token": csrf})
    with world.container.engine.connect() as connection:
        again = connection.execute(text(
            "SELECT sms_opted_out_at FROM contact_points WHERE kind = 'mobile_phone' "
            "AND borrower_id = 1"
        )).scalar_one()  # fmt: skip
    assert again is None
    assert "Sus cuentas" in client.get("/portal/accounts").text


def test_the_portal_works_without_javascript_and_is_labelled(world: World) -> None:
    """Every input has a label, the forms post plainly, and no script is needed."""
    client = world.client()
    portal_sign_in(client, "B2")
    for path in ("/portal/sign-in", "/portal/accounts/L2/pay", "/portal/preferences",
                 "/portal/accounts/L2/plan", "/portal/accounts/L2/dispute"):  # fmt: skip
        page = client.get(path).text
        assert "<script" not in page, path
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
        for field in ids:
            assert f'for="{field}"' in page, (path, field)
        assert 'name="viewport"' in page


def test_a_borrower_accepts_an_offer_and_pays_it(world: World) -> None:
    """An approved offer appears in the portal; opening it presents it; accepting leads to
    paying the agreed amount; another borrower cannot see it."""
    agent = {"Authorization": f"Bearer {world.tokens['agent']}", "Idempotency-Key": "offer-0001"}
    made = world.client().post("/api/v1/loans/L2/offers", json={"offer_type": "lump_sum"},
                               headers=agent).json()  # fmt: skip
    client = world.client()
    csrf = portal_sign_in(client, "B2")
    account = client.get("/portal/accounts/L2").text
    assert "An offer for you" in account
    assert "Pay $13,183.00 instead of $13,875.87" in account
    page = client.get(f"/portal/accounts/L2/offers/{made['id']}").text
    assert "You save" in page
    assert "$692.87" in page
    accepted = client.post(f"/portal/accounts/L2/offers/{made['id']}",
                           data={"answer": "accept", "csrf_token": csrf})  # fmt: skip
    assert accepted.headers["location"] == "/portal/accounts/L2/pay?amount=13183.00"
    form = client.get(accepted.headers["location"]).text
    assert 'value="13183.00"' in form
    key = re.search(r'name="key" value="([0-9a-f]{32})"', form)
    assert key
    paid = client.post("/portal/accounts/L2/pay", data=card(key.group(1), csrf, amount="13183.00"))
    assert "Thank you — your payment went through" in paid.text
    offers = (
        world.client()
        .get("/api/v1/loans/L2/offers", headers={"Authorization": agent["Authorization"]})
        .json()
    )
    assert offers[0]["status"] == "accepted"
    assert {"offer_viewed", "offer_accepted", "payment_made"} <= set(events(world))
    other = world.client()
    portal_sign_in(other, "B1")
    assert other.get(f"/portal/accounts/L2/offers/{made['id']}").status_code == 404
    assert other.get(f"/portal/accounts/L1/offers/{made['id']}").status_code == 404
