"""A day of the web app and API that touches every secret arrears handles, for the tests that
look for those secrets where they must not be (the database, the logs).

Staff sign in (one with a wrong password first), a system calls the API with its token, a
borrower signs in by date of birth, asks for a sign-in link and opens it, views the account
and pays by card; an agent checks a date of birth on the phone. Returns every secret used so
the caller can search for each in every form it might take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi.testclient import TestClient

from arrears.entrypoints.web.access import COOKIE
from support.portfolio import BORROWERS
from support.web import PASSWORD, World, csrf_of, key, portal_sign_in, sign_in

CARD = "4242424242424242"
WRONG_PASSWORD = "wrong password!"  # a test value


@dataclass
class Secrets:
    """Everything that must never be stored or logged as it is."""

    ssns: list[str] = field(default_factory=list)
    dobs: list[str] = field(default_factory=list)
    cards: list[str] = field(default_factory=list)
    passwords: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)  # API tokens, session cookies, link tokens

    def forms(self) -> dict[str, str]:
        """Each secret in every spelling it might be written in, named for the failure."""
        found: dict[str, str] = {}
        for ssn in self.ssns:
            digits = ssn.replace("-", "")
            found[f"SSN {ssn}"] = ssn
            found[f"SSN {ssn} (digits)"] = digits
            found[f"SSN {ssn} (dashed)"] = f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
        for dob in self.dobs:
            year, month, day = dob.split("-")
            found[f"DOB {dob}"] = dob
            found[f"DOB {dob} (US)"] = f"{month}/{day}/{year}"
            found[f"DOB {dob} (compact)"] = f"{year}{month}{day}"
        for card in self.cards:
            found[f"card {card[:4]}…"] = card
            found[f"card {card[:4]}… (spaced)"] = " ".join(re.findall("....", card))
        for password in self.passwords:
            found[f"password {password[:3]}…"] = password
        for token in self.tokens:
            found[f"token {token[:6]}…"] = token
        return found


def personal_data() -> Secrets:
    """The SSNs and dates of birth of the small portfolio."""
    return Secrets(
        ssns=[b["ssn"] for b in BORROWERS if b.get("ssn")],
        dobs=[b["date_of_birth"] for b in BORROWERS if b.get("date_of_birth")],
    )


def run_day(world: World) -> Secrets:
    """Exercise the app as described above; every answer is checked so the day really ran."""
    secrets = personal_data()
    secrets.cards.append(CARD)
    secrets.passwords += [PASSWORD, WRONG_PASSWORD]
    secrets.tokens += list(world.tokens.values())

    staff = world.client()
    token = csrf_of(staff.get("/login").text)
    refused = staff.post("/login", data={"username": "alice", "password": WRONG_PASSWORD,
                                         "csrf_token": token})  # fmt: skip
    assert refused.status_code in (200, 401), refused.status_code
    csrf = sign_in(staff, "alice")
    secrets.tokens.append(str(staff.cookies.get(COOKIE)))
    assert staff.get("/agent/accounts/L1").status_code == 200
    checked = staff.post("/agent/accounts/L1/verify-dob",
                         data={"borrower_id": "1", "dob": "1985-04-12", "csrf_token": csrf})  # fmt: skip
    assert checked.status_code in (200, 303), checked.status_code

    api = world.client()
    bearer = {"Authorization": f"Bearer {world.tokens['agent']}"}
    assert api.get("/api/v1/loans/L1", headers=bearer).status_code == 200
    assert api.get("/api/v1/borrowers/B1", headers=bearer).status_code == 200

    borrower = world.client()
    csrf = portal_sign_in(borrower, "B1")
    secrets.tokens.append(str(borrower.cookies.get(COOKIE)))
    assert borrower.get("/portal/accounts/L1").status_code == 200
    _pay_by_card(borrower, csrf)
    _open_a_sign_in_link(world, secrets)
    return secrets


def _pay_by_card(borrower: TestClient, csrf: str) -> None:
    page = borrower.get("/portal/accounts/L1/pay")
    found = re.search(r'name="key" value="([^"]+)"', page.text)
    assert found, "the payment form has no idempotency key"
    paid = borrower.post("/portal/accounts/L1/pay", data={
        "amount": "10.00", "card_number": CARD, "expiry_month": "12", "expiry_year": "2030",
        "cvc": "123", "key": found.group(1), "csrf_token": csrf,
    })  # fmt: skip
    assert paid.status_code in (200, 303), paid.status_code
    api = borrower.post(
        "/api/v1/loans/L1/card-payments",
        json={"card_number": CARD, "expiry_month": 12, "expiry_year": 2030, "cvc": "123",
              "holder": "Ana", "amount": "5.00"},
        headers={"X-CSRF-Token": csrf, "Idempotency-Key": key()},
    )  # fmt: skip
    assert api.status_code == 201, api.text


def _open_a_sign_in_link(world: World, secrets: Secrets) -> None:
    visitor = world.client()
    csrf = csrf_of(visitor.get("/portal/sign-in").text)
    sent = visitor.post("/portal/link", data={"destination": "ana.garcia@example.com",
                                              "csrf_token": csrf})  # fmt: skip
    assert sent.status_code == 200, sent.status_code
    assert world.links, "no sign-in link was sent"
    link_token = world.links[-1].url.rsplit("/", 1)[-1]
    secrets.tokens.append(link_token)
    page = visitor.get(f"/portal/link/{link_token}")
    opened = visitor.post(f"/portal/link/{link_token}",
                          data={"csrf_token": csrf_of(page.text)})  # fmt: skip
    assert opened.status_code == 303, opened.status_code
    secrets.tokens.append(str(visitor.cookies.get(COOKIE)))
