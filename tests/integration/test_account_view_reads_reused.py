"""An account view hands what it read in its own transaction to the parts that would read it
again: the compliance panel gets the gate's loan profile, holds, contact log and contact points;
the loan's state gets the payment history. Each must come out exactly as from its own reads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.compliance.settings import DEFAULT_SETTINGS
from arrears.domain.contact_log import Channel, Outcome
from arrears.domain.holds import HoldKind
from arrears.services.account_view import account_view_in, compliance_panel, gate_profile
from arrears.services.compliance import ReadForLoan, gather_facts
from arrears.services.contacts import ContactEntry, log_contact
from arrears.services.holds import HoldRequest, place_hold
from support.db import run_import


@pytest.fixture
def worked(container: Container, portfolio_files: list[Path]) -> Container:
    """The test book with a borrower-level hold on L2's co-borrower, a loan hold, and calls
    logged on L2 (the last an opt-out of calls, which the gate must see)."""
    run_import(container, portfolio_files)
    for request in (
        HoldRequest(kind=HoldKind.DISPUTE, reason="disputes the balance", set_by="agent7",
                    loan="L2"),
        HoldRequest(kind=HoldKind.CEASE_COMMUNICATION, reason="written request", set_by="agent7",
                    borrower="B3"),
    ):  # fmt: skip
        place_hold(request, uow_factory=container.uow, clock=container.clock)
    for days_ago, outcome in ((3, Outcome.NO_ANSWER), (1, Outcome.OPTED_OUT)):
        log_contact(
            ContactEntry(loan="L2", channel=Channel.CALL, outcome=outcome, actor="agent7",
                         at=container.clock.now() - timedelta(days=days_ago)),
            uow_factory=container.uow, clock=container.clock,
        )  # fmt: skip
    return container


@pytest.mark.parametrize("ref", ["L1", "L2"])
def test_the_panel_judges_what_the_gate_would_read(worked: Container, ref: str) -> None:
    clock = worked.clock
    with worked.uow() as uow:
        view = account_view_in(
            uow, ref, viewer="user:agent7", clock=clock, settings=worked.cycle_settings
        )
        loan_id = view.loan_id
        own_profile = uow.gate.loan_profile(loan_id)
        borrowers = uow.web.borrowers([party.id for party in view.parties])
        assert gate_profile(view.loan, borrowers) == own_profile
        read = ReadForLoan(
            holds=[hold for hold, _ in view.holds],
            contacts=view.contacts,
            contact_points=view.parties[0].contact_points,
        )
        assert own_profile is not None
        given = gather_facts(uow, own_profile, at=clock.now(), settings=DEFAULT_SETTINGS, read=read)
        gathered = gather_facts(uow, own_profile, at=clock.now(), settings=DEFAULT_SETTINGS)
        assert given == gathered
        assert view.compliance == compliance_panel(uow, loan_id, now=clock.now())
        uow.rollback()
    if ref == "L2":
        assert len(gathered.holds) == 2, "the loan's hold and the co-borrower's"
        assert len(gathered.history) == 2
        assert view.compliance is not None
        assert not view.compliance.may_call_now


def test_the_state_from_the_payment_history_is_the_state_read(worked: Container) -> None:
    """Every loan of the book (L2 with a returned payment) from the history a screen reads
    (newest first, every column) as from its own read of the payments (in the order received)."""
    with worked.uow() as uow:
        for ref in ("L1", "L2", "L3"):
            loan = uow.web.loan_header_by_ref(ref)
            assert loan is not None
            loan_id, history = int(loan["id"]), uow.web.payment_history(int(loan["id"]))
            given = uow.reads.loan_history(loan_id, row=loan, payments=history)
            assert given is not None
            assert given == uow.reads.loan_history(loan_id)
            if ref == "L2":
                assert not all(good for _, _, good in given.payments), "the bounced payment"
        uow.rollback()
