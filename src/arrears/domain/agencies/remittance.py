"""Checking an agency's remittance file: every problem at once, and the differences to report.

A remittance lists the payments an agency collected (``docs/agencies.md`` has the layout):
``payment_ref, account, collected_on, amount, commission``. A row is refused — and, unless the
user accepts rejects, the whole file posts nothing — when its account is unknown or was never
placed with this agency, its reference repeats one in the file or one already imported, an
amount is negative, zero or not an amount, the commission exceeds the amount, or a date is
not a date, is in the future or precedes the placement. Rows that are posted may still differ
from what arrears expects; those are reported, not refused: money collected after the account
was recalled, a commission other than the contract rate, more collected than was placed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from arrears.domain.agencies.model import Placement
from arrears.domain.money import Money, MoneyFormatError
from arrears.errors import Problem

COLUMNS = ("payment_ref", "account", "collected_on", "amount", "commission")
#: A payment reference is stored (64 characters) and keys the credit it posts; control and NUL
#: characters are not text (PostgreSQL refuses NUL).
MAX_REF = 64


class DifferenceKind(StrEnum):
    UNKNOWN_ACCOUNT = "unknown_account"
    NOT_PLACED = "not_placed_with_agency"
    DUPLICATE = "duplicate"
    AFTER_RECALL = "after_recall"
    COMMISSION_MISMATCH = "commission_mismatch"
    OVER_COLLECTED = "over_collected"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class RemittanceLine:
    """A row that can be posted: the gross collected and the commission arrears computes."""

    row: int
    payment_ref: str
    loan_id: int
    account: str
    placement_id: int
    collected_on: date
    amount_minor: int
    claimed_commission_minor: int
    commission_minor: int  # the contract rate, or 0 after recall when the policy says so
    after_recall: bool


@dataclass(frozen=True, slots=True)
class Difference:
    row: int
    payment_ref: str
    account: str
    kind: DifferenceKind
    expected_minor: int | None
    found_minor: int | None
    message: str


@dataclass(frozen=True)
class CheckedRemittance:
    lines: tuple[RemittanceLine, ...]
    problems: tuple[Problem, ...]
    differences: tuple[Difference, ...]
    rejected_rows: frozenset[int]


@dataclass(frozen=True, slots=True)
class AccountRef:
    loan_id: int
    placements: tuple[Placement, ...]  # every placement of the account with this agency


def commission_due(amount_minor: int, rate: Decimal) -> int:
    """The contingency fee on ``amount_minor`` (named rounding point: half to even)."""
    return int((Decimal(amount_minor) * rate).to_integral_value(rounding=ROUND_HALF_EVEN))


def check_remittance(
    rows: Sequence[Mapping[str, str]],
    *,
    file: str,
    currency: str,
    accounts: Mapping[str, AccountRef | None],
    imported_refs: frozenset[str],
    as_of: date,
    commission_after_recall: bool,
    first_row: int = 2,
) -> CheckedRemittance:
    """Check every row; ``accounts`` maps each account id in the file to the account and its
    placements with this agency (None for an account arrears does not know)."""
    problems: list[Problem] = []
    differences: list[Difference] = []
    lines: list[RemittanceLine] = []
    rejected: set[int] = set()
    seen: set[str] = set()
    collected: dict[int, int] = {}
    for offset, raw in enumerate(rows):
        row = first_row + offset
        found = _check_row(
            raw, row=row, file=file, currency=currency, accounts=accounts, seen=seen,
            imported_refs=imported_refs, as_of=as_of,
        )  # fmt: skip
        if isinstance(found, list):
            problems += found
            rejected.add(row)
            differences += [_as_difference(raw, row, p) for p in found]
            continue
        line, placement = found
        line = _priced(line, placement, commission_after_recall=commission_after_recall)
        lines.append(line)
        differences += _differences(line, placement, collected)
    return CheckedRemittance(tuple(lines), tuple(problems), tuple(differences), frozenset(rejected))


def _check_row(
    raw: Mapping[str, str], *, row: int, file: str, currency: str,
    accounts: Mapping[str, AccountRef | None], seen: set[str], imported_refs: frozenset[str],
    as_of: date,
) -> list[Problem] | tuple[RemittanceLine, Placement]:  # fmt: skip
    def problem(column: str, message: str) -> Problem:
        return Problem(file, row, column, str(raw.get(column, "")), message)

    ref = (raw.get("payment_ref") or "").strip()
    account = (raw.get("account") or "").strip()
    messages = _reference_problems(ref, seen=seen, imported_refs=imported_refs)
    amount = _amount(raw.get("amount", ""), currency, positive=True)
    commission = _amount(raw.get("commission", ""), currency, positive=False)
    messages += _money_problems(amount, commission)
    collected_on = _date(raw.get("collected_on", ""))
    if collected_on is None:
        messages.append(("collected_on", "not a date (YYYY-MM-DD)"))
    elif collected_on > as_of:
        messages.append(("collected_on", f"in the future (today is {as_of})"))
    ref_account = accounts.get(account)
    placement, found = _placement_problems(ref_account, collected_on)
    messages += found
    if messages or placement is None or ref_account is None or collected_on is None:
        return [problem(column, message) for column, message in messages]
    if not (isinstance(amount, int) and isinstance(commission, int)):
        raise AssertionError("amounts were checked above")
    line = RemittanceLine(
        row=row, payment_ref=ref, loan_id=ref_account.loan_id, account=account,
        placement_id=placement.id or 0, collected_on=collected_on, amount_minor=amount,
        claimed_commission_minor=commission, commission_minor=0, after_recall=False,
    )  # fmt: skip
    return line, placement


def _reference_problems(
    ref: str, *, seen: set[str], imported_refs: frozenset[str]
) -> list[tuple[str, str]]:
    found = []
    if not ref:
        found.append(("payment_ref", "a payment reference is required"))
    elif len(ref) > MAX_REF or not ref.isprintable():
        found.append(("payment_ref", f"must be 1 to {MAX_REF} printable characters"))
    elif ref in seen:
        found.append(("payment_ref", "duplicate: this reference appears earlier in the file"))
    elif ref in imported_refs:
        found.append(("payment_ref", "duplicate: this payment was already imported"))
    seen.add(ref)
    return found


def _money_problems(amount: int | str, commission: int | str) -> list[tuple[str, str]]:
    found = []
    if isinstance(amount, str):
        found.append(("amount", amount))
    if isinstance(commission, str):
        found.append(("commission", commission))
    elif isinstance(amount, int) and commission > amount:
        found.append(("commission", "the commission is more than the amount collected"))
    return found


def _placement_problems(
    account: AccountRef | None, collected_on: date | None
) -> tuple[Placement | None, list[tuple[str, str]]]:
    if account is None:
        return None, [("account", "unknown account")]
    if not account.placements:
        return None, [("account", "this account was never placed with this agency")]
    if collected_on is None:
        return None, []
    placement = _placement_for(account.placements, collected_on)
    if placement is None:
        return None, [("collected_on", "before the account was placed with this agency")]
    return placement, []


def _placement_for(placements: Sequence[Placement], day: date) -> Placement | None:
    """The placement the money belongs to: the latest one placed on or before ``day``."""
    earlier = [p for p in placements if p.placed_on <= day]
    return max(earlier, key=lambda p: (p.placed_on, p.id or 0)) if earlier else None


def _priced(
    line: RemittanceLine, placement: Placement, *, commission_after_recall: bool
) -> RemittanceLine:
    after = placement.recalled_on is not None and line.collected_on >= placement.recalled_on
    due = (
        0
        if after and not commission_after_recall
        else commission_due(line.amount_minor, placement.commission_rate)
    )
    return RemittanceLine(
        row=line.row, payment_ref=line.payment_ref, loan_id=line.loan_id, account=line.account,
        placement_id=line.placement_id, collected_on=line.collected_on,
        amount_minor=line.amount_minor, claimed_commission_minor=line.claimed_commission_minor,
        commission_minor=due, after_recall=after,
    )  # fmt: skip


def _differences(
    line: RemittanceLine, placement: Placement, collected: dict[int, int]
) -> list[Difference]:
    found: list[Difference] = []

    def note(kind: DifferenceKind, expected: int | None, got: int | None, message: str) -> None:
        found.append(
            Difference(line.row, line.payment_ref, line.account, kind, expected, got, message)
        )

    if line.after_recall:
        recalled = placement.recalled_on
        message = f"collected on {line.collected_on}, after the recall on {recalled}"
        note(DifferenceKind.AFTER_RECALL, None, line.amount_minor, message)
    if line.claimed_commission_minor != line.commission_minor:
        message = "the agency kept a commission other than its contract rate allows"
        claimed = line.claimed_commission_minor
        note(DifferenceKind.COMMISSION_MISMATCH, line.commission_minor, claimed, message)
    total = collected.get(line.placement_id, 0) + line.amount_minor
    collected[line.placement_id] = total
    if total > placement.balance_minor:
        note(DifferenceKind.OVER_COLLECTED, placement.balance_minor, total,
             "more collected on this placement than the balance placed")  # fmt: skip
    return found


def _as_difference(raw: Mapping[str, str], row: int, problem: Problem) -> Difference:
    kinds = {
        "unknown account": DifferenceKind.UNKNOWN_ACCOUNT,
        "this account was never placed with this agency": DifferenceKind.NOT_PLACED,
    }
    kind = kinds.get(problem.message, DifferenceKind.INVALID)
    if problem.message.startswith("duplicate"):
        kind = DifferenceKind.DUPLICATE
    return Difference(
        row, (raw.get("payment_ref") or "").strip(), (raw.get("account") or "").strip(), kind,
        None, None, f"{problem.column}: {problem.message}",
    )  # fmt: skip


def _amount(text: str, currency: str, *, positive: bool) -> int | str:
    try:
        minor = Money.parse(text or "", currency).minor
    except MoneyFormatError as error:
        return str(error)
    if minor < 0:
        return "a negative amount"
    if positive and minor == 0:
        return "the amount must be more than zero"
    return minor


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None
