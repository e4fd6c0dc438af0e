"""The agent workspace through its pages: the queue, taking and releasing an account, what the
account page shows, holds, checking a caller's date of birth, logging contacts, promises and
plans — and another agent kept off an account that is taken."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import text

from support import web as fixtures
from support.web import World, sign_in

quick_password_hashing = fixtures.quick_password_hashing
world = fixtures.world


def agent(world: World, name: str = "alice") -> tuple[TestClient, str]:
    client = world.client()
    return client, sign_in(client, name)


def form_key(html: str) -> str:
    found = re.search(r'name="key" value="([0-9a-f]{32})"', html)
    assert found
    return found.group(1)


def test_the_queue_lists_calls_most_urgent_first(world: World) -> None:
    client, _ = agent(world)
    page = client.get("/agent/queue").text
    assert page.index(">L2<") < page.index(">L1<"), "L2 has the higher priority"
    assert "2 account(s), most urgent first" in page
    late = client.get("/agent/queue?queue=late").text
    assert ">L1<" in late
    assert ">L2<" not in late


def test_taking_an_account_shows_it_to_other_agents(world: World) -> None:
    alice, csrf = agent(world)
    taken = alice.post("/agent/accounts/L1/take", data={"csrf_token": csrf})
    assert taken.headers["location"] == "/agent/accounts/L1?done=taken"
    page = alice.get("/agent/accounts/L1?done=taken").text
    assert "You have this account" in page
    assert "L1" in alice.get("/agent/queue").text.split("Your accounts")[1]
    bob, bob_csrf = agent(world, "bob")
    assert "Alice is working this account" in bob.get("/agent/accounts/L1").text
    assert "Alice has it" in bob.get("/agent/queue").text
    refused = bob.post("/agent/accounts/L1/take", data={"csrf_token": bob_csrf})
    assert refused.status_code == 409
    assert "Alice is working account L1" in refused.text
    hold = bob.post("/agent/accounts/L1/holds", data={"kind": "dispute", "reason": "x",
                                                      "csrf_token": bob_csrf})  # fmt: skip
    assert hold.status_code == 409
    alice.post("/agent/accounts/L1/release", data={"csrf_token": csrf})
    assert bob.post("/agent/accounts/L1/take", data={"csrf_token": bob_csrf}).status_code == 303


def test_an_htmx_error_goes_to_the_flash_area(world: World) -> None:
    alice, csrf = agent(world)
    alice.post("/agent/accounts/L1/take", data={"csrf_token": csrf})
    bob, bob_csrf = agent(world, "bob")
    refused = bob.post(
        "/agent/accounts/L1/take", headers={"HX-Request": "true", "X-CSRF-Token": bob_csrf}
    )
    assert refused.status_code == 409
    assert refused.headers["HX-Retarget"] == "#flash"
    assert "<html" not in refused.text
    assert "Alice is working account L1" in refused.text


def test_the_account_page(world: World) -> None:
    """Balances by component, delinquency and DOFD, the compliance panel, the borrower masked,
    holds, decisions with reasons, payments, schedule and collateral."""
    client, _ = agent(world)
    page = client.get("/agent/accounts/L2").text
    for expected in ("What is owed", "Principal", "$13,875.87", "26</strong>", "(1-29)",
                     "May we call now?", "America/Los_Angeles", "Calls left in the 7-day window",
                     "***-**-7890", "Tom Lee", "Sam Ortiz", "co-borrower", "returned", "R01",
                     "What the daily cycle decided", "2023 Honda Accord", "$17,500.00",
                     "Schedule (60 installments)"):  # fmt: skip
        assert expected in page, expected
    assert "234567890" not in page


def _schedule_rows(page: str) -> int:
    section = page.split('id="schedule"', 1)[1].split("</details>", 1)[0]
    return section.split("<tbody>", 1)[1].count("<tr>")


def test_a_long_schedule_lists_the_rows_worked_from_and_all_on_request(world: World) -> None:
    """L2's 60 installments: the page lists those past due, the last paid and the next due,
    with a link to all of them; ``?schedule=all`` lists the 60, the section open."""
    client, _ = agent(world)
    page = client.get("/agent/accounts/L2").text
    shown = _schedule_rows(page)
    assert 0 < shown < 60
    assert f"Showing {shown} of 60" in page
    assert 'href="/agent/accounts/L2?schedule=all#schedule"' in page
    whole = client.get("/agent/accounts/L2?schedule=all").text
    assert _schedule_rows(whole) == 60
    assert '<details id="schedule" open>' in whole
    assert "Showing" not in whole.split('id="schedule"', 1)[1].split("</details>", 1)[0]


def test_the_compliance_panel_follows_the_borrowers_clock(world: World) -> None:
    """At 15:00 UTC Los Angeles is at 7:00: calls wait; Boston at 10:00 may be called."""
    client, _ = agent(world)
    la = client.get("/agent/accounts/L2").text
    assert "outside hours" in la
    assert "may be called" not in la
    boston = client.get("/agent/accounts/L1").text
    panel = boston.split("May we call now?")[1].split("</section>")[0]
    assert '<span class="badge ok">Yes</span>' in panel


def test_placing_a_hold_from_the_account_page(world: World) -> None:
    client, csrf = agent(world)
    response = client.post(
        "/agent/accounts/L1/holds",
        data={"kind": "bankruptcy", "reason": "filed", "chapter": "13", "case_number": "26-1",
              "csrf_token": csrf},
    )  # fmt: skip
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "The hold is in place." in page
    assert "11 U.S.C. 362(a)" in page
    missing = client.post("/agent/accounts/L1/holds", data={"kind": "bankruptcy",
                                                            "reason": "no chapter",
                                                            "csrf_token": csrf})  # fmt: skip
    assert missing.status_code == 422
    assert "chapter" in missing.text


def test_checking_a_callers_date_of_birth(world: World) -> None:
    client, csrf = agent(world)
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf}
    right = client.post("/agent/accounts/L1/verify-dob", data={"borrower_id": 1,
                                                               "dob": "1985-04-12"},
                        headers=headers)  # fmt: skip
    assert "Date of birth matches" in right.text
    wrong = client.post("/agent/accounts/L1/verify-dob", data={"borrower_id": 1,
                                                               "dob": "1985-04-13"},
                        headers=headers)  # fmt: skip
    assert "does not match" in wrong.text
    other = client.post("/agent/accounts/L1/verify-dob", data={"borrower_id": 2,
                                                               "dob": "1970-09-30"},
                        headers=headers)  # fmt: skip
    assert other.status_code == 404, "only the account's own borrowers"


def test_logging_a_call_a_promise_and_a_plan(world: World) -> None:
    client, csrf = agent(world)
    page = client.get("/agent/accounts/L1").text
    key = form_key(page)
    logged = client.post("/agent/accounts/L1/contacts", data={
        "channel": "call", "outcome": "no_answer", "key": key, "csrf_token": csrf,
    })  # fmt: skip
    assert logged.headers["location"].endswith("done=contact")
    client.post("/agent/accounts/L1/contacts", data={
        "channel": "call", "outcome": "no_answer", "key": key, "csrf_token": csrf,
    })  # fmt: skip
    promise_key = form_key(client.get("/agent/accounts/L1").text)
    for _ in range(2):
        promised = client.post("/agent/accounts/L1/promises", data={
            "amount": "150.00", "due_on": "2026-12-04", "key": promise_key, "csrf_token": csrf,
        })  # fmt: skip
        assert promised.status_code == 303
    planned = client.post("/agent/accounts/L1/plans", data={
        "amount": "636.54", "periods": "6", "first_due_on": "2026-12-10", "csrf_token": csrf,
    })  # fmt: skip
    assert planned.status_code == 303
    page = client.get("/agent/accounts/L1?done=plan").text
    assert "The plan is set up." in page
    assert "$150.00 by 4 Dec 2026" in page
    assert "$636.54 in 6 payments from 10 Dec 2026" in page
    assert "Calls left in the 7-day window: <strong>5</strong>" in page, "two calls placed"
    with world.container.engine.connect() as connection:
        contacts = connection.execute(text("SELECT outcome FROM contacts")).scalars().all()
        promises = connection.execute(text("SELECT COUNT(*) FROM promises")).scalar_one()
    assert sorted(contacts) == ["no_answer", "promise_made"], "a resent form is logged once"
    assert promises == 1
    twice = client.post("/agent/accounts/L1/plans", data={
        "amount": "100.00", "periods": "2", "first_due_on": "2026-12-10", "csrf_token": csrf,
    })  # fmt: skip
    assert twice.status_code == 409


def test_a_dispute_logged_on_a_call_places_its_hold(world: World) -> None:
    client, csrf = agent(world)
    key = form_key(client.get("/agent/accounts/L2").text)
    client.post("/agent/accounts/L2/contacts", data={
        "channel": "call", "outcome": "dispute_raised", "inbound": "true", "key": key,
        "csrf_token": csrf,
    })  # fmt: skip
    page = client.get("/agent/accounts/L2").text
    assert "dispute raised" in page
    assert "collection stops on a disputed debt" in page


def test_compliance_reads_and_places_holds_but_does_not_work_accounts(world: World) -> None:
    client, csrf = agent(world, "cora")
    page = client.get("/agent/accounts/L1").text
    assert "Place a hold" in page
    assert "Take this account" not in page
    assert "Record a promise" not in page
    assert client.get("/agent/queue").status_code == 403
    assert client.post("/agent/accounts/L1/holds", data={
        "kind": "complaint", "reason": "CFPB complaint", "csrf_token": csrf,
    }).status_code == 303  # fmt: skip


def test_finding_an_account(world: World) -> None:
    client, _ = agent(world)
    assert client.get("/agent/accounts?ref=L3").headers["location"] == "/agent/accounts/L3"
    assert client.get("/agent/accounts/NOPE").status_code == 404


def test_referring_an_account_for_review(world: World) -> None:
    """The referral waits in the approval queue; a second one of the same kind is refused."""
    client, csrf = agent(world)
    referred = client.post("/agent/accounts/L1/referrals", data={
        "treatment": "legal_referral_review", "note": "no contact in 90 days", "csrf_token": csrf,
    })  # fmt: skip
    assert referred.headers["location"].endswith("done=referred")
    again = client.post("/agent/accounts/L1/referrals", data={
        "treatment": "legal_referral_review", "csrf_token": csrf,
    })  # fmt: skip
    assert again.status_code == 409
    odd = client.post("/agent/accounts/L1/referrals", data={
        "treatment": "reminder_sms", "csrf_token": csrf,
    })  # fmt: skip
    assert odd.status_code == 422
    supervisor = world.client()
    sign_in(supervisor, "sue")
    page = supervisor.get("/supervisor/approvals?queue=legal").text
    assert ">L1<" in page
