"""Published usage constraints of Special Comment codes (metro2.md §5.6), as data.

Only constraints stated in the public sources are encoded; codes whose meaning is unconfirmed
carry no constraint beyond membership of the code table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from arrears.formats.metro2.spec.codes import DELINQUENT_STATUSES, PAID_STATUSES


@dataclass(frozen=True, slots=True)
class CommentConstraint:
    """Where a special comment may be used: ``None`` means no constraint of that kind."""

    codes: frozenset[str]
    summary: str
    statuses: frozenset[str] | None = None
    forbidden_statuses: frozenset[str] = frozenset()
    zero_balance: bool = False
    account_types: frozenset[str] | None = None


CONSTRAINTS: Final[tuple[CommentConstraint, ...]] = (
    CommentConstraint(
        frozenset({"AU"}),
        "AU (settled for less) needs a paid status (13, 61-65) and a zero balance",
        statuses=PAID_STATUSES,
        zero_balance=True,
    ),
    CommentConstraint(
        frozenset({"BP", "AX", "BN"}),
        "BP, AX and BN (paid by insurance, collateral or seller) need a paid status and a "
        "zero balance",
        statuses=PAID_STATUSES,
        zero_balance=True,
    ),
    CommentConstraint(
        frozenset({"AC", "AB"}),
        "AC and AB (partial payment agreement, paid through insurance) are not used with "
        "paid statuses (13, 61-65)",
        forbidden_statuses=PAID_STATUSES,
    ),
    CommentConstraint(
        frozenset({"BA"}),
        "BA (transferred to recovery) needs a delinquent status (71-97)",
        statuses=DELINQUENT_STATUSES,
    ),
    CommentConstraint(
        frozenset({"BS", "BB", "BC", "BD"}),
        "lease codes BS, BB, BC and BD need account type 13 or 3A",
        account_types=frozenset({"13", "3A"}),
    ),
)
