"""The main flows in a real browser: an agent works an account, a supervisor approves a review
item, a borrower signs in, sees the itemization and pays, a borrower disputes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from support.web import BORROWERS, PASSWORD

pytestmark = pytest.mark.browser


def staff_sign_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def portal_sign_in(page: Any, borrower: str) -> None:
    facts = BORROWERS[borrower]
    page.goto("/portal/sign-in")
    page.locator("#reference").fill(facts["loan"])
    page.locator("#dob").fill(facts["dob"])
    page.locator("#zip_code").fill(facts["zip"])
    page.locator("form[action='/portal/sign-in'] button[type=submit]").click()


def test_an_agent_takes_an_account_from_the_queue_and_places_a_hold(page: Any, shots: Path) -> None:
    """Sign in, take the 104-days-late account from the queue (it is locked to the agent), see
    balances, delinquency and the compliance panel, then place a dispute hold."""
    page.goto("/login")
    page.screenshot(path=shots / "login.png")
    staff_sign_in(page, "alice")
    page.wait_for_url("**/agent/queue")
    expect(page.get_by_role("heading", name="Calls to make today")).to_be_visible()
    page.screenshot(path=shots / "agent-queue.png", full_page=True)
    page.get_by_role("button", name="Take account L1").click()
    page.wait_for_url("**/agent/accounts/L1?done=taken")
    expect(page.get_by_text("You have this account", exact=True)).to_be_visible()
    expect(page.get_by_text("104").first).to_be_visible()
    expect(page.get_by_text("***-**-6789")).to_be_visible()
    assert "1985" not in page.content(), "the date of birth is never shown"
    page.screenshot(path=shots / "agent-account.png", full_page=True)
    page.get_by_text("Record a promise").click()
    page.locator("#promise-amount").fill("213.24")
    page.locator("#promise-date").fill("2026-12-04")
    page.get_by_role("button", name="Record the promise").click()
    page.wait_for_url("**/agent/accounts/L1?done=promise")
    expect(page.get_by_text("The promise is recorded.")).to_be_visible()
    expect(page.get_by_text("$213.24 by 4 Dec 2026")).to_be_visible()
    expect(page.get_by_text("promise made").first).to_be_visible()
    page.locator("#hold-kind").select_option("dispute")
    page.locator("#hold-reason").fill("Borrower says the balance is wrong")
    page.get_by_role("button", name="Place the hold").click()
    page.wait_for_url("**/agent/accounts/L1?done=hold")
    expect(page.get_by_text("The hold is in place.")).to_be_visible()
    expect(page.get_by_text("Borrower says the balance is wrong")).to_be_visible()
    expect(page.get_by_text("collection stops on a disputed debt").first).to_be_visible()


def test_a_supervisor_approves_a_review_item(page: Any, shots: Path) -> None:
    """The approvals queue lists the cycle's review items; approving the settlement review
    swaps its row in place (HTMX), prices an offer and leaves the queue."""
    staff_sign_in(page, "sue")
    page.wait_for_url("**/supervisor/approvals")
    reviews = page.locator("section", has_text="Waiting for a decision")
    rows = reviews.locator("tbody tr")
    before = rows.count()
    assert before >= 1
    page.screenshot(path=shots / "supervisor-approvals.png", full_page=True)
    first = rows.filter(has_text="settlement offer")
    first.get_by_label("Note").fill("Within policy")
    first.get_by_role("button", name="Approve").click()
    expect(page.locator("tbody .badge.ok", has_text="approved").first).to_be_visible()
    page.reload()
    assert rows.count() == before - 1
    expect(
        page.get_by_text("Settlement offers beyond the proposer's authority (1)")
    ).to_be_visible()
    page.goto("/supervisor/strategy")
    page.screenshot(path=shots / "supervisor-strategy.png", full_page=True)
    page.goto("/supervisor/analytics")
    page.screenshot(path=shots / "supervisor-dashboard.png", full_page=True)


def test_a_borrower_signs_in_sees_the_itemization_and_pays(page: Any, shots: Path) -> None:
    """Ana (Spanish) signs in with her account number, date of birth and ZIP, sees what she
    owes by component, pays by card and gets a receipt; the balance goes down."""
    page.goto("/portal/sign-in")
    page.screenshot(path=shots / "portal-sign-in.png", full_page=True)
    portal_sign_in(page, "B1")
    page.wait_for_url("**/portal/accounts")
    expect(page.get_by_role("heading", name="Sus cuentas")).to_be_visible()
    page.get_by_role("link", name="Ver detalles y pagar").click()
    expect(page.get_by_text("Capital")).to_be_visible()
    expect(page.get_by_text("$636.54").first).to_be_visible()
    page.screenshot(path=shots / "portal-account-es.png", full_page=True)
    page.get_by_role("link", name="Hacer un pago").click()
    page.get_by_label("Cantidad (USD)").fill("100.00")
    page.get_by_label("Número de tarjeta").fill("4242 4242 4242 4242")
    page.get_by_label("Código de seguridad").fill("123")
    page.screenshot(path=shots / "portal-pay-es.png", full_page=True)
    page.get_by_role("button", name="Pagar").click()
    expect(page.get_by_role("heading", name="Gracias — recibimos su pago")).to_be_visible()
    expect(page.get_by_text("4242")).to_be_visible()
    page.screenshot(path=shots / "portal-receipt-es.png", full_page=True)
    page.get_by_role("link", name="Volver a su cuenta").click()
    expect(page.get_by_text("$536.54").first).to_be_visible()


def test_a_borrower_disputes_the_debt(page: Any, shots: Path) -> None:
    """Tom disputes his debt from the portal: a dispute hold is in place and he is told
    collection stops until verification is sent."""
    portal_sign_in(page, "B2")
    page.wait_for_url("**/portal/accounts")
    page.get_by_role("link", name="See details and pay").click()
    page.screenshot(path=shots / "portal-account.png", full_page=True)
    page.get_by_role("link", name="Dispute this debt").click()
    page.get_by_label("Tell us why").fill("I already paid the September installment.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("We have your dispute.")).to_be_visible()
    expect(page.get_by_text("your dispute").first).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=shots / "portal-dispute-phone.png", full_page=True)


def test_a_supervisor_approves_an_offer_the_borrower_accepts_and_pays(
    browser: Any, live: Any, shots: Path
) -> None:
    """An agent proposes a settlement beyond their authority on the charged-off account; the
    supervisor approves it; the borrower signs in with a one-time link, accepts it and pays."""
    contexts = [browser.new_context(base_url=live.url) for _ in range(3)]
    try:
        agent, supervisor, borrower = (c.new_page() for c in contexts)
        staff_sign_in(agent, "alice")
        agent.goto("/agent/accounts/L3")
        agent.get_by_text("Propose an offer").click()
        agent.locator("#offer-type").select_option("lump_sum")
        agent.locator("#offer-amount").fill("2600.00")
        agent.get_by_role("button", name="Propose").click()
        expect(agent.get_by_text("it waits in the approval queue")).to_be_visible()

        staff_sign_in(supervisor, "sue")
        supervisor.wait_for_url("**/supervisor/approvals")
        offers = supervisor.locator("section", has_text="Settlement offers beyond")
        expect(offers.get_by_text("$2,600.00")).to_be_visible()
        supervisor.screenshot(path=shots / "supervisor-offer-approval.png", full_page=True)
        offers.get_by_role("button", name="Approve").click()
        supervisor.wait_for_url("**/supervisor/approvals")
        expect(supervisor.locator("section", has_text="Settlement offers beyond")).to_have_count(0)

        borrower.goto("/portal/sign-in")
        borrower.locator("#destination").fill("512-555-0103")
        borrower.get_by_role("button", name="Send me a link").click()
        expect(borrower.get_by_text("Check your messages")).to_be_visible()
        link = live.world.links[-1].url
        borrower.goto(link.split(live.url, 1)[1] if link.startswith(live.url) else link)
        borrower.get_by_role("button", name="Continue").click()
        borrower.wait_for_url("**/portal/accounts")
        borrower.goto("/portal/accounts/L3")
        expect(borrower.get_by_text("An offer for you")).to_be_visible()
        borrower.get_by_role("link", name="See the offer").click()
        expect(borrower.get_by_text("You save")).to_be_visible()
        borrower.screenshot(path=shots / "portal-offer.png", full_page=True)
        borrower.get_by_role("button", name="Accept and pay").click()
        expect(borrower.get_by_label("Amount (USD)")).to_have_value("2600.00")
        borrower.get_by_label("Card number").fill("4242 4242 4242 4242")
        borrower.get_by_label("Security code").fill("321")
        borrower.get_by_role("button", name="Pay").click()
        expect(
            borrower.get_by_role("heading", name="Thank you — your payment went through")
        ).to_be_visible()
    finally:
        for context in contexts:
            context.close()
