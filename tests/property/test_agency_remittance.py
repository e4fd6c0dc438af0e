"""Agency remittances keep the ledger whole: every entry balances, the journal is what the
events say, the borrower owes exactly the money collected less, and the commission posted is
the contract rate on each payment, rounded once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.bootstrap import Container
from arrears.domain.agencies.model import Agency, parse_fees
from arrears.domain.agencies.remittance import commission_due
from arrears.services.agency_placement import add_agency, place_account
from arrears.services.agency_remittance import import_remittance
from support.recovery import (
    AGENT,
    entries_balance,
    journal,
    new_loan,
    owed,
    recomputed_owed,
    recovery_of,
    reposting_appends_nothing,
)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(principal=st.integers(min_value=100_000, max_value=3_000_000),
       amounts=st.lists(st.integers(min_value=1, max_value=40_000), min_size=1, max_size=6))  # fmt: skip
def test_a_remittance_reduces_what_is_owed_by_what_was_collected(
    container: Container, tmp_path: Path, principal: int, amounts: list[int]
) -> None:
    recovery = recovery_of(container)
    with container.uow() as uow:
        known = uow.agencies.agency("ACME")
    if known is None:
        add_agency(Agency(code="ACME", name="Acme", tier=1, fees=parse_fees("0:0.2,366:0.35"),
                          capacity=1000, states=frozenset({"MA"})), actor=AGENT,
                   uow_factory=container.uow, clock=container.clock)  # fmt: skip
    ref = new_loan(container, tmp_path, principal_minor=principal)
    placement = place_account(ref, actor=AGENT, uow_factory=container.uow, clock=container.clock,
                              recovery=recovery, agency_code="ACME")  # fmt: skip
    day = container.clock.today().isoformat()
    rows = [
        {"payment_ref": f"{ref}-{i}", "account": ref, "collected_on": day,
         "amount": f"{a // 100}.{a % 100:02d}", "commission": "0.00"}
        for i, a in enumerate(amounts)
    ]  # fmt: skip
    report = import_remittance("ACME", rows, file_name="r.csv", sha256="", actor=AGENT,
                               uow_factory=container.uow, clock=container.clock,
                               recovery=recovery)  # fmt: skip
    commission = sum(commission_due(a, placement.commission_rate) for a in amounts)
    assert placement.commission_rate == Decimal("0.35")
    assert report.commission_minor == commission
    assert entries_balance(container, ref)
    assert reposting_appends_nothing(container, ref)
    assert owed(container, ref) == recomputed_owed(container, ref) == principal - sum(amounts)
    lines = journal(container, ref)
    assert lines.get("agency_commission", 0) == commission
    assert lines["cash"] == sum(amounts) - commission
