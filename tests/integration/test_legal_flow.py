"""Legal action on a real database: referral checks (statute of limitations, holds) through
the compliance gate, a case moved to judgment and enforcement, the legal hold, costs posted
to the ledger (hand-checked) and the documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from arrears.adapters.documents import JinjaDocuments
from arrears.bootstrap import Container
from arrears.domain.holds import HoldKind
from arrears.domain.legal.cases import Judgment
from arrears.domain.legal.proceedings import ProceedingKind, ProceedingStatus
from arrears.errors import RuleViolation
from arrears.services.holds import HoldRequest, place_hold
from arrears.services.legal_proceedings import (
    advance_proceeding,
    case_view,
    open_proceeding,
    record_cost,
)
from arrears.services.legal_referral import cost_benefit, refer_to_legal
from support.recovery import AGENT, entries_balance, import_book, journal, loan_id, recovery_of

P = ProceedingStatus


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_book(container, tmp_path / "book")
    return container


def _refer(c: Container, ref: str) -> int:
    return refer_to_legal(ref, actor=AGENT, uow_factory=c.uow, clock=c.clock,
                          recovery=recovery_of(c), firm="Lex & Co", attorney="J. Doe")  # fmt: skip


def _advance(c: Container, proceeding_id: int, to: ProceedingStatus, **kwargs: object):
    return advance_proceeding(proceeding_id, to, actor=AGENT, uow_factory=c.uow, clock=c.clock,
                              recovery=recovery_of(c), documents=JinjaDocuments(),
                              creditor="Example Lending", **kwargs)  # fmt: skip


def _holds(c: Container, ref: str):
    target = loan_id(c, ref)
    with c.uow() as uow:
        return uow.holds.for_loan(target)


def test_a_time_barred_account_is_refused_citing_the_rule(book: Container) -> None:
    """R3 (Texas, 4 years from 2019-02-01) is time-barred: referral is refused citing
    12 CFR 1006.26(b), and the gate's decision is kept."""
    with pytest.raises(RuleViolation) as refused:
        _refer(book, "R3")
    assert "1006.26(b)" in str(refused.value)
    assert "time_barred" in refused.value.rule
    with book.engine.connect() as connection:
        kept = connection.execute(text("SELECT COUNT(*) FROM gate_decisions WHERE allowed = :no"),
                                  {"no": False}).scalar_one()  # fmt: skip
        cases = connection.execute(text("SELECT COUNT(*) FROM legal_cases")).scalar_one()
    assert kept >= 1
    assert cases == 0


def test_a_bankrupt_account_is_refused_citing_the_stay(book: Container) -> None:
    place_hold(
        HoldRequest(kind=HoldKind.BANKRUPTCY, reason="chapter 7 filed", set_by="test",
                    loan="R1", chapter="7"),
        uow_factory=book.uow, clock=book.clock,
    )  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        _refer(book, "R1")
    assert "bankruptcy" in refused.value.rule
    assert "11 U.S.C. 362(a)" in str(refused.value)


def test_the_cost_benefit_view_shows_the_suit_next_to_the_alternatives(book: Container) -> None:
    """R1, $5,000.00: 70% judgment × 45% collected = 31.5% of ($5,000 + $450 filing costs)
    = $1,716.75 expected in 14 months, worth 171,675 / 1.01**14 = 149,351 today, less $1,200.00
    of costs: $293.51 — a suit is the best alternative, and possible."""
    view = cost_benefit("R1", uow_factory=book.uow, clock=book.clock, recovery=recovery_of(book))
    assert view.legal.available
    assert view.legal.epv_minor == 29_351
    assert view.legal.expected_gross_minor == 171_675
    assert view.worth_suing
    assert view.limitation["state"] == "MA"
    assert view.limitation["time_barred"] is False
    barred = cost_benefit("R3", uow_factory=book.uow, clock=book.clock, recovery=recovery_of(book))
    assert not barred.legal.available
    assert "1006.26(b)" in barred.legal.reason


def test_a_case_goes_to_judgment_and_enforcement_with_its_hold_documents_and_dates(
    book: Container,
) -> None:
    case_id = _refer(book, "R1")
    view = case_view(case_id, uow_factory=book.uow)
    ((suit, _events),) = view["proceedings"]
    assert suit.status is P.REFERRED
    legal_holds = [h for h in _holds(book, "R1") if h.kind is HoldKind.LEGAL]
    assert len(legal_holds) == 1
    assert legal_holds[0].ends_on is None
    with pytest.raises(RuleViolation) as illegal:
        _advance(book, suit.id, P.FILED)
    assert illegal.value.rule == "legal.transition"
    _advance(book, suit.id, P.DEMAND_SENT)
    _advance(book, suit.id, P.FILED, note="filed in Suffolk District Court")
    _advance(book, suit.id, P.SERVED)
    judgment = Judgment(amount_minor=512_000, entered_on=date(2026, 11, 27),
                        interest_rate=recovery_of(book).policies.legal.judgment_interest_rate)  # fmt: skip
    done = _advance(book, suit.id, P.JUDGMENT, judgment=judgment)
    assert done.judgment == judgment
    garnishment = open_proceeding(case_id, ProceedingKind.GARNISHMENT, actor=AGENT,
                                  uow_factory=book.uow, clock=book.clock,
                                  recovery=recovery_of(book))  # fmt: skip
    _advance(book, garnishment, P.FILED)
    _advance(book, garnishment, P.SERVED)
    _advance(book, garnishment, P.ENFORCEMENT)
    view = case_view(case_id, uow_factory=book.uow)
    templates = sorted(d["template"] for d in view["documents"])
    assert templates == ["demand_letter", "summons_cover_sheet", "summons_cover_sheet"]
    cover = next(d for d in view["documents"] if d["template"] == "summons_cover_sheet")
    assert "$5,000.00" in cover["html"]
    assert "Lex &amp; Co" in cover["html"]
    kinds = sorted(d.kind.value for d in view["dates"])
    assert kinds == ["answer_by", "answer_by", "respond_by", "serve_by", "serve_by"]
    for pid in (suit.id, garnishment):
        _advance(book, pid, P.SATISFIED if pid == garnishment else P.CLOSED)
    assert all(h.ends_on is not None for h in _holds(book, "R1") if h.kind is HoldKind.LEGAL)
    assert case_view(case_id, uow_factory=book.uow)["case"].status.value == "closed"


def test_enforcement_needs_a_judgment(book: Container) -> None:
    case_id = _refer(book, "R2")
    with pytest.raises(RuleViolation) as refused:
        open_proceeding(case_id, ProceedingKind.LEVY, actor=AGENT, uow_factory=book.uow,
                        clock=book.clock, recovery=recovery_of(book))  # fmt: skip
    assert refused.value.rule == "legal.no_judgment"


def test_recoverable_costs_are_charged_and_the_others_are_the_lenders_expense(
    book: Container,
) -> None:
    """A $250.00 filing fee is charged to the borrower (costs +25,000, costs advanced −25,000):
    R1 then owes $5,250.00. A $400.00 attorney fee is not recoverable: costs advanced +40,000,
    cash −40,000, and the borrower still owes $5,250.00. Every entry balances."""
    case_id = _refer(book, "R1")
    ((suit, _),) = case_view(case_id, uow_factory=book.uow)["proceedings"]
    today = book.clock.today()
    filing = record_cost(suit.id, kind="filing_fee", amount_minor=25_000, incurred_on=today,
                         actor=AGENT, uow_factory=book.uow, clock=book.clock,
                         recovery=recovery_of(book))  # fmt: skip
    attorney = record_cost(suit.id, kind="attorney_fee", amount_minor=40_000, incurred_on=today,
                           actor=AGENT, uow_factory=book.uow, clock=book.clock,
                           recovery=recovery_of(book), memo="drafting the complaint")  # fmt: skip
    assert filing.recoverable
    assert not attorney.recoverable
    assert journal(book, "R1") == {
        "principal": 500_000, "funding": -500_000, "costs": 25_000,
        "costs_advanced": -25_000 + 40_000, "cash": -40_000,
    }  # fmt: skip
    assert entries_balance(book, "R1")
    with pytest.raises(RuleViolation) as unknown:
        record_cost(suit.id, kind="lunch", amount_minor=1_000, incurred_on=today, actor=AGENT,
                    uow_factory=book.uow, clock=book.clock, recovery=recovery_of(book))  # fmt: skip
    assert unknown.value.rule == "legal.cost_kind"
