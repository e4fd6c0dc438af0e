"""Security of the web app: CSRF, session fixation and expiry, login rate limits, cookie flags,
security headers, borrowers kept to their own accounts, sensitive fields masked, the audit
trail, and personal data kept out of the logs."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from arrears.entrypoints.web.access import COOKIE
from support import web as fixtures
from support.web import PASSWORD, World, csrf_of, portal_sign_in, sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world


def audit(world: World, action: str) -> list[dict[str, object]]:
    with world.container.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT actor, entity_type, entity_id, details FROM audit_log WHERE action = :a"),
            {"a": action},
        ).mappings().all()  # fmt: skip
    return [dict(r) for r in rows]


def test_a_form_without_the_csrf_token_is_refused(world: World) -> None:
    client = world.client()
    csrf = sign_in(client, "alice")
    data = {"kind": "dispute", "reason": "x"}
    refused = client.post("/agent/accounts/L1/holds", data=data)
    assert refused.status_code == 403
    forged = client.post("/agent/accounts/L1/holds", data={**data, "csrf_token": "forged"})
    assert forged.status_code == 403
    ok = client.post("/agent/accounts/L1/holds", data={**data, "csrf_token": csrf})
    assert ok.status_code == 303
    other = world.client()
    other_csrf = sign_in(other, "bob")
    stolen = client.post("/agent/accounts/L1/holds", data={**data, "csrf_token": other_csrf})
    assert stolen.status_code == 403, "a token belongs to its own session"


def test_the_sign_in_form_itself_needs_its_csrf_token(world: World) -> None:
    client = world.client()
    client.get("/login")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


def test_signing_in_issues_a_new_session_id(world: World) -> None:
    """No session fixation: the id a browser had before signing in is ended, not promoted."""
    client = world.client()
    page = client.get("/login")
    before = client.cookies[COOKIE]
    client.post("/login", data={"username": "alice", "password": PASSWORD,
                                "csrf_token": csrf_of(page.text)})  # fmt: skip
    after = client.cookies[COOKIE]
    assert after != before
    planted = world.client()
    planted.cookies.set(COOKIE, before)
    assert planted.get("/agent/queue").status_code == 303, "the old id signs nobody in"
    assert client.get("/agent/queue").status_code == 200


def test_a_made_up_session_id_is_ignored(world: World) -> None:
    client = world.client()
    client.cookies.set(COOKIE, "attacker-chosen-value")
    page = client.get("/login")
    assert page.status_code == 200
    issued = page.headers["set-cookie"]
    assert issued.startswith(f"{COOKIE}=")
    assert "attacker-chosen-value" not in issued


def test_sessions_expire_when_idle_and_at_their_end(world: World) -> None:
    clock = world.container.clock
    client = world.client()
    sign_in(client, "alice")
    clock.advance(timedelta(minutes=29))  # type: ignore[attr-defined]
    assert client.get("/agent/queue").status_code == 200
    clock.advance(timedelta(minutes=29))  # type: ignore[attr-defined]
    assert client.get("/agent/queue").status_code == 200, "activity slides the idle expiry"
    clock.advance(timedelta(minutes=31))  # type: ignore[attr-defined]
    assert client.get("/agent/queue").status_code == 303
    busy = world.client()
    sign_in(busy, "bob")
    for _ in range(21):
        clock.advance(timedelta(minutes=29))  # type: ignore[attr-defined]
        status = busy.get("/agent/queue").status_code
    assert status == 303, "a session ends after its longest life however busy"


def test_a_portal_session_expires_sooner(world: World) -> None:
    client = world.client()
    portal_sign_in(client, "B1")
    world.container.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    response = client.get("/portal/accounts")
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/sign-in"


def test_signing_out_ends_the_session(world: World) -> None:
    client = world.client()
    csrf = sign_in(client, "alice")
    cookie = client.cookies[COOKIE]
    client.post("/logout", data={"csrf_token": csrf})
    again = world.client()
    again.cookies.set(COOKIE, cookie)
    assert again.get("/agent/queue").status_code == 303


def test_login_is_rate_limited_per_account(world: World) -> None:
    """Five wrong passwords lock the account for the window, even for the right password;
    the message never says whether the user exists."""
    client = world.client()
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        wrong = client.post("/login", data={"username": "alice", "password": "nope",
                                            "csrf_token": token})  # fmt: skip
        assert wrong.status_code == 401
        assert "username or password is not right" in wrong.text
    locked = client.post("/login", data={"username": "alice", "password": PASSWORD,
                                         "csrf_token": token})  # fmt: skip
    assert locked.status_code == 429
    unknown = client.post("/login", data={"username": "nobody", "password": "x",
                                          "csrf_token": token})  # fmt: skip
    assert unknown.status_code == 401
    assert "username or password is not right" in unknown.text
    assert client.post("/login", data={"username": "bob", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 303  # fmt: skip
    world.container.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    other = world.client()
    sign_in(other, "alice")
    assert len(audit(world, "login.failed")) == 6


def test_login_is_rate_limited_per_address(world: World) -> None:
    """Twenty failures from one address across many accounts stop that address."""
    client = world.client()
    token = csrf_of(client.get("/login").text)
    for n in range(20):
        client.post("/login", data={"username": f"guess{n}", "password": "x",
                                    "csrf_token": token})  # fmt: skip
    blocked = client.post("/login", data={"username": "bob", "password": PASSWORD,
                                          "csrf_token": token})  # fmt: skip
    assert blocked.status_code == 429


def test_portal_sign_in_is_rate_limited_and_does_not_say_what_was_wrong(world: World) -> None:
    client = world.client()
    token = csrf_of(client.get("/portal/sign-in").text)
    wrong = {"reference": "L1", "dob": "1985-04-13", "zip_code": "02139", "csrf_token": token}
    first = client.post("/portal/sign-in", data=wrong)
    assert first.status_code == 401
    assert "We could not find an account with those details" in first.text
    unknown = client.post("/portal/sign-in", data={**wrong, "reference": "NOPE"})
    assert unknown.text.count("We could not find") == 1
    for _ in range(4):
        client.post("/portal/sign-in", data=wrong)
    right = {**wrong, "dob": "1985-04-12"}
    assert client.post("/portal/sign-in", data=right).status_code == 429


def test_cookies_are_httponly_lax_and_secure_over_https(world: World) -> None:
    plain = world.client()
    header = plain.get("/login").headers["set-cookie"]
    assert "HttpOnly" in header
    assert "SameSite=lax" in header
    assert "Secure" not in header
    secure = world.client(https=True)
    header = secure.get("/login").headers["set-cookie"]
    assert "Secure" in header
    assert "HttpOnly" in header


def test_security_headers(world: World) -> None:
    response = world.client(https=True).get("/login")
    headers = response.headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
    assert headers["strict-transport-security"].startswith("max-age=")
    page = response.text
    assert '<script src="/static/htmx.min.js"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline scripts"
    assert "https://" not in page, "nothing is loaded from another site"


def test_no_open_redirect_after_sign_in(world: World) -> None:
    client = world.client()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
    )
    assert response.headers["location"] == "/agent/queue"


def test_a_borrower_changing_the_id_in_a_url_gets_nothing(world: World) -> None:
    """Every portal page of another borrower's account is "not found", and shows nothing."""
    client = world.client()
    csrf = portal_sign_in(client, "B1")
    for path in ("", "/pay", "/plan", "/dispute", "/hardship"):
        response = client.get(f"/portal/accounts/L2{path}")
        assert response.status_code == 404, path
        assert "Tom" not in response.text
        assert "Lee" not in response.text
    posted = client.post("/portal/accounts/L2/dispute", data={"reason": "x", "csrf_token": csrf})
    assert posted.status_code == 404
    with world.container.engine.connect() as connection:
        holds = connection.execute(text("SELECT COUNT(*) FROM holds")).scalar_one()
    assert holds == 0


def test_a_borrower_is_kept_out_of_staff_pages(world: World) -> None:
    client = world.client()
    portal_sign_in(client, "B1")
    assert client.get("/agent/accounts/L1").status_code == 403
    assert client.get("/supervisor/approvals").status_code == 403


def test_sensitive_fields_are_masked_everywhere(world: World) -> None:
    """Full SSNs and dates of birth appear on no page and in no API answer."""
    staff = world.client()
    sign_in(staff, "sue")
    borrower = world.client()
    portal_sign_in(borrower, "B1")
    pages = [
        staff.get("/agent/accounts/L1").text,
        staff.get("/agent/accounts/L2").text,
        staff.get("/api/v1/loans/L1").text,
        staff.get("/api/v1/borrowers/B2").text,
        borrower.get("/portal/accounts/L1").text,
        borrower.get("/portal/preferences").text,
    ]
    for text_ in pages:
        for secret in ("123-45-6789", "123456789", "234567890", "1985-04-12", "1970-09-30",
                       "04/12/1985", "12 Apr 1985"):  # fmt: skip
            assert secret not in text_
    assert "***-**-6789" in pages[0]


def test_views_and_actions_are_in_the_audit_trail(world: World) -> None:
    client = world.client()
    csrf = sign_in(client, "alice")
    client.get("/agent/accounts/L1")
    client.post("/agent/accounts/L1/take", data={"csrf_token": csrf})
    client.post("/agent/accounts/L1/holds", data={"kind": "hardship", "reason": "job loss",
                                                  "csrf_token": csrf})  # fmt: skip
    client.post("/agent/accounts/L1/verify-dob", data={"borrower_id": "1", "dob": "1985-04-12",
                                                       "csrf_token": csrf})  # fmt: skip
    borrower = world.client()
    portal_sign_in(borrower, "B2")
    borrower.get("/portal/accounts/L2")
    assert [a["actor"] for a in audit(world, "login")] == ["user:alice"]
    assert {a["actor"] for a in audit(world, "account.viewed")} >= {"user:alice", "borrower:2"}
    assert audit(world, "account.taken")[0]["actor"] == "user:alice"
    assert audit(world, "hold.placed")[0]["actor"] == "user:alice"
    checked = audit(world, "identity.dob_checked")
    assert '"matched":true' in str(checked[0]["details"])
    assert "1985" not in str(checked)
    assert audit(world, "portal.signed_in")[0]["entity_id"] == "2"
    with world.container.uow() as uow:
        assert uow.audit.verify() == [], "the trail is intact"


def test_personal_data_never_reaches_the_log(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Sign-ins (good and bad), account views, payments and errors log no SSN, date of birth,
    card number or password."""
    caplog.set_level(logging.DEBUG)
    client = world.client()
    token = csrf_of(client.get("/portal/sign-in").text)
    client.post("/portal/sign-in", data={"reference": "L1", "dob": "1985-04-11",
                                         "zip_code": "02139", "csrf_token": token})  # fmt: skip
    csrf = portal_sign_in(client, "B1")
    pay = client.get("/portal/accounts/L1/pay")
    key = re.search(r'name="key" value="([^"]+)"', pay.text)
    assert key
    client.post("/portal/accounts/L1/pay", data={
        "amount": "10.00", "card_number": "4242424242424242", "expiry_month": "12",
        "expiry_year": "2030", "cvc": "123", "key": key.group(1), "csrf_token": csrf,
    })  # fmt: skip
    staff = world.client()
    token = csrf_of(staff.get("/login").text)
    staff.post("/login", data={"username": "alice", "password": "wrong password!",
                               "csrf_token": token})  # fmt: skip
    logged = caplog.text
    for secret in ("1985-04-11", "1985-04-12", "123-45-6789", "4242424242424242",
                   "wrong password!", PASSWORD):  # fmt: skip
        assert secret not in logged
