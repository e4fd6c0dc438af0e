"""Checking a remittance: every problem at once; the differences that are only reported."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from arrears.domain.agencies.model import Placement
from arrears.domain.agencies.remittance import AccountRef, DifferenceKind, check_remittance

TODAY = date(2026, 11, 27)


def placement(*, recalled: date | None = None, pid: int = 7) -> Placement:
    return Placement(loan_id=1, agency_id=3, placed_on=date(2026, 10, 1),
                     recall_due_on=date(2027, 3, 30), age_days=200,
                     commission_rate=Decimal("0.28"), balance_minor=50_000, currency="USD",
                     recalled_on=recalled, id=pid)  # fmt: skip


def check(rows, *, accounts=None, imported=frozenset(), after_recall_commission=False):  # type: ignore[no-untyped-def]
    known = accounts if accounts is not None else {"L1": AccountRef(1, (placement(),))}
    return check_remittance(rows, file="r.csv", currency="USD", accounts=known,
                            imported_refs=imported, as_of=TODAY,
                            commission_after_recall=after_recall_commission)  # fmt: skip


def row(ref="P1", account="L1", day="2026-11-20", amount="100.00", commission="28.00"):  # type: ignore[no-untyped-def]
    return {"payment_ref": ref, "account": account, "collected_on": day, "amount": amount,
            "commission": commission}  # fmt: skip


def test_a_good_row_is_priced_at_the_contract_rate() -> None:
    (line,) = check([row()]).lines
    assert (line.amount_minor, line.commission_minor, line.placement_id) == (10_000, 2_800, 7)


def test_every_problem_is_found_and_named_by_row_and_column() -> None:
    result = check(
        [row(), row(ref="P1"), row(ref="P0"), row(ref="P2", account="ZZ"),
         row(ref="P3", amount="-1.00"), row(ref="P4", amount="0"),
         row(ref="P5", amount="1.001"), row(ref="P6", commission="200.00"),
         row(ref="P7", day="2026-13-01"), row(ref="P8", day="2026-12-01"),
         row(ref="P9", day="2026-09-30"), row(ref="")],
        imported=frozenset({"P0"}),
        accounts={"L1": AccountRef(1, (placement(),)), "ZZ": None},
    )  # fmt: skip
    found = {(p.row, p.column, p.message) for p in result.problems}
    assert (3, "payment_ref", "duplicate: this reference appears earlier in the file") in found
    assert (4, "payment_ref", "duplicate: this payment was already imported") in found
    assert (5, "account", "unknown account") in found
    assert (6, "amount", "a negative amount") in found
    assert (7, "amount", "the amount must be more than zero") in found
    assert any(r == 8 and c == "amount" and "decimal" in m for r, c, m in found)
    assert (9, "commission", "the commission is more than the amount collected") in found
    assert (10, "collected_on", "not a date (YYYY-MM-DD)") in found
    assert (11, "collected_on", "in the future (today is 2026-11-27)") in found
    assert (12, "collected_on", "before the account was placed with this agency") in found
    assert (13, "payment_ref", "a payment reference is required") in found
    assert len(result.lines) == 1
    assert result.rejected_rows == frozenset(range(3, 14))
    kinds = Counter(d.kind for d in result.differences)
    assert kinds[DifferenceKind.DUPLICATE] == 2
    assert kinds[DifferenceKind.UNKNOWN_ACCOUNT] == 1


def test_money_after_recall_and_other_commissions_are_reported_not_refused() -> None:
    """Recalled on 2026-11-10: money collected on 2026-11-20 earns no commission (policy);
    the agency kept $28.00 — a commission mismatch of 0 expected vs 2,800 found."""
    result = check(
        [row()], accounts={"L1": AccountRef(1, (placement(recalled=date(2026, 11, 10)),))}
    )
    (line,) = result.lines
    assert line.after_recall
    assert line.commission_minor == 0
    kinds = {d.kind: d for d in result.differences}
    assert kinds[DifferenceKind.COMMISSION_MISMATCH].expected_minor == 0
    assert kinds[DifferenceKind.COMMISSION_MISMATCH].found_minor == 2_800
    assert DifferenceKind.AFTER_RECALL in kinds
    paid = check([row()], accounts={"L1": AccountRef(1, (placement(recalled=date(2026, 11, 10)),))},
                 after_recall_commission=True)  # fmt: skip
    assert paid.lines[0].commission_minor == 2_800


def test_collecting_more_than_was_placed_is_reported() -> None:
    result = check([row(ref="A", amount="400.00", commission="112.00"),
                    row(ref="B", amount="200.00", commission="56.00")])  # fmt: skip
    (over,) = [d for d in result.differences if d.kind is DifferenceKind.OVER_COLLECTED]
    assert (over.row, over.expected_minor, over.found_minor) == (3, 50_000, 60_000)


def test_an_account_never_placed_with_the_agency_is_refused() -> None:
    result = check([row()], accounts={"L1": AccountRef(1, ())})
    assert [p.message for p in result.problems] == [
        "this account was never placed with this agency"
    ]
