"""The account view's "Recovery" panel and the API's ``recovery`` of a loan: a legal case on R1
(with a cost and a hearing), a placement of R2 with an agency, a repossession case on L2 — each
loan lists exactly its own cases and nothing of another's; a loan with none says so; a borrower
sees no recovery in the API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from arrears.bootstrap import Container
from arrears.domain.agencies.model import Agency, FeeStep
from arrears.domain.legal.cases import DateKind
from arrears.services import repossession as repo
from arrears.services.agency_placement import add_agency, place_account
from arrears.services.legal_proceedings import add_court_date, case_view, record_cost
from arrears.services.legal_referral import refer_to_legal
from support import web as fixtures
from support.recovery import AGENT, import_book, loan_id, recovery_of
from support.web import World, portal_sign_in, sign_in

quick_password_hashing = fixtures.quick_password_hashing


@pytest.fixture
def world(container: Container, portfolio_files: list[Path], tmp_path: Path) -> World:
    """The web world with the recovery book beside the small portfolio, and the three cases."""
    built = fixtures.build_world(container, portfolio_files)
    import_book(container, tmp_path / "book")
    c, today = container, container.clock.today()
    case_id = refer_to_legal("R1", actor=AGENT, uow_factory=c.uow, clock=c.clock,
                             recovery=recovery_of(c), firm="Lex & Co", attorney="J. Doe")  # fmt: skip
    ((suit, _),) = case_view(case_id, uow_factory=c.uow)["proceedings"]
    record_cost(suit.id, kind="filing_fee", amount_minor=25_000, incurred_on=today, actor=AGENT,
                uow_factory=c.uow, clock=c.clock, recovery=recovery_of(c))  # fmt: skip
    add_court_date(suit.id, kind=DateKind.HEARING, on=today + timedelta(days=30), note="",
                   uow_factory=c.uow, clock=c.clock, actor=AGENT)  # fmt: skip
    agency = Agency(code="ACME", name="Acme Recovery", tier=1,
                    fees=(FeeStep(0, Decimal("0.20")),), capacity=10,
                    states=frozenset({"MA"}), phone="1-800-555-0199")  # fmt: skip
    add_agency(agency, actor=AGENT, uow_factory=c.uow, clock=c.clock)
    place_account("R2", actor=AGENT, uow_factory=c.uow, clock=c.clock, recovery=recovery_of(c),
                  agency_code="ACME")  # fmt: skip
    l2 = loan_id(c, "L2")
    with c.uow() as uow:
        repo.open_case(uow, loan_id=l2, on=today, actor="ops", at=c.clock.now())
        uow.commit()
    return built


def panel(client: TestClient, ref: str) -> str:
    """The text of the Recovery panel of the account page."""
    page = client.get(f"/agent/accounts/{ref}")
    assert page.status_code == 200, page.text
    return page.text.split('id="recovery"', 1)[1].split("</section>", 1)[0]


def test_each_account_page_lists_exactly_its_own_recovery_cases(world: World) -> None:
    """R1 shows its legal case (firm, proceeding, next hearing, $250.00 of costs) and no
    placement or collateral case; R2 only its placement with Acme; L2 only its repossession
    case; R6 says it has none."""
    client = world.client()
    sign_in(client, "alice")
    legal = panel(client, "R1")
    for expected in ("legal case open", "Lex &amp; Co", "suit referred", "next court date",
                     "(hearing)", "$250.00"):  # fmt: skip
        assert expected in legal, expected
    assert "agency" not in legal
    assert "repossession" not in legal
    placed = panel(client, "R2")
    assert "agency placed" in placed
    assert "Acme Recovery" in placed
    assert "recall due" in placed
    assert "legal case" not in placed
    assert "repossession" not in placed
    repossession = panel(client, "L2")
    assert "repossession eligible" in repossession
    assert "legal case" not in repossession
    assert "agency" not in repossession
    assert "No legal cases, agency placements or collateral cases." in panel(client, "R6")


def test_the_compliance_role_sees_the_panel_too(world: World) -> None:
    """The panel is shown to every role that sees the account view (compliance reads it)."""
    client = world.client()
    sign_in(client, "cora")
    assert "agency placed" in panel(client, "R2")


def test_the_api_loan_detail_lists_the_loans_own_cases(world: World) -> None:
    """``recovery`` of each loan holds its own cases with the ids the stores gave them, and
    empty lists for the rest; the placement's collected sum is an amount in minor units."""
    client = world.client()
    auth = {"Authorization": f"Bearer {world.tokens['supervisor']}"}
    c = world.container
    r1_id, r2_id, l2_id = (loan_id(c, ref) for ref in ("R1", "R2", "L2"))
    with c.uow() as uow:
        cases = uow.legal.cases_for_loan(r1_id)
        placements = uow.agencies.placements_of_loan(r2_id)
        repossessions = uow.collateral.cases_of_loan(l2_id)
    r1 = client.get("/api/v1/loans/R1", headers=auth).json()["recovery"]
    assert [x["case_id"] for x in r1["legal"]] == [case.id for case in cases]
    assert r1["legal"][0]["costs"]["minor"] == 25_000
    assert r1["legal"][0]["proceedings"] == [{"kind": "suit", "status": "referred"}]
    assert r1["legal"][0]["next_court_date_kind"] == "hearing"
    assert (r1["placements"], r1["collateral"]) == ([], [])
    r2 = client.get("/api/v1/loans/R2", headers=auth).json()["recovery"]
    assert [x["placement_id"] for x in r2["placements"]] == [p.id for p in placements]
    assert r2["placements"][0]["agency"] == "ACME"
    assert r2["placements"][0]["collected"]["minor"] == 0
    assert (r2["legal"], r2["collateral"]) == ([], [])
    l2 = client.get("/api/v1/loans/L2", headers=auth).json()["recovery"]
    assert [x["case_id"] for x in l2["collateral"]] == [k.id for k in repossessions]
    assert l2["collateral"][0]["kind"] == "repossession"
    assert (l2["legal"], l2["placements"]) == ([], [])
    r6 = client.get("/api/v1/loans/R6", headers=auth).json()["recovery"]
    assert r6 == {"legal": [], "placements": [], "collateral": []}


def test_a_borrower_sees_no_recovery_in_the_api(world: World) -> None:
    """The account view is for staff: a borrower's own loan detail carries no ``recovery``,
    although L2 has a repossession case."""
    client = world.client()
    portal_sign_in(client, "B2")
    loan = client.get("/api/v1/loans/L2").json()
    assert loan["ref"] == "L2"
    assert loan["recovery"] is None
