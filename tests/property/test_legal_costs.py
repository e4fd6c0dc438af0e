"""Legal costs keep the ledger whole: whatever costs are recorded, every entry balances, the
journal is what the events say, the borrower owes exactly the recoverable costs more, and the
lender's side carries the rest."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.bootstrap import Container
from arrears.services.legal_proceedings import case_view, record_cost
from arrears.services.legal_referral import refer_to_legal
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

costs = st.lists(
    st.tuples(st.sampled_from(["filing_fee", "service_fee", "attorney_fee", "other"]),
              st.integers(min_value=1, max_value=500_000), st.none() | st.booleans()),
    min_size=1, max_size=5,
)  # fmt: skip


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(principal=st.integers(min_value=100_000, max_value=3_000_000), items=costs)
def test_costs_change_what_is_owed_by_the_recoverable_ones_only(
    container: Container, tmp_path: Path, principal: int,
    items: list[tuple[str, int, bool | None]],
) -> None:  # fmt: skip
    ref = new_loan(container, tmp_path, principal_minor=principal)
    recovery = recovery_of(container)
    case_id = refer_to_legal(ref, actor=AGENT, uow_factory=container.uow, clock=container.clock,
                             recovery=recovery)  # fmt: skip
    ((suit, _),) = case_view(case_id, uow_factory=container.uow)["proceedings"]
    charged = expensed = 0
    for kind, amount, recoverable in items:
        cost = record_cost(suit.id, kind=kind, amount_minor=amount,
                           incurred_on=container.clock.today(), actor=AGENT,
                           uow_factory=container.uow, clock=container.clock, recovery=recovery,
                           recoverable=recoverable)  # fmt: skip
        if cost.recoverable:
            charged += amount
        else:
            expensed += amount
    assert entries_balance(container, ref)
    assert reposting_appends_nothing(container, ref)
    assert owed(container, ref) == recomputed_owed(container, ref) == principal + charged
    lines = journal(container, ref)
    assert lines.get("costs_advanced", 0) + lines.get("fee_income", 0) == expensed - charged
    assert lines.get("cash", 0) == -expensed
