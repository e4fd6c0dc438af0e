"""The offer lifecycle as a state machine; every other move is refused.

    drafted → approved | rejected | withdrawn | expired
    approved → presented | withdrawn | expired
    presented → accepted | declined | expired | withdrawn
    accepted → fulfilled | broken

An offer beyond the proposer's authority starts ``drafted`` (in the approval queue); one within
it starts ``approved``. Rejected, declined, expired, withdrawn, fulfilled and broken are final:
a new offer is a new record, so what was offered and shown is never rewritten.
"""

from __future__ import annotations

from arrears.domain.settlements.offers import OfferStatus
from arrears.errors import RuleViolation

S = OfferStatus

MOVES: dict[OfferStatus, frozenset[OfferStatus]] = {
    S.DRAFTED: frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN, S.EXPIRED}),
    S.APPROVED: frozenset({S.PRESENTED, S.WITHDRAWN, S.EXPIRED}),
    S.PRESENTED: frozenset({S.ACCEPTED, S.DECLINED, S.EXPIRED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.FULFILLED, S.BROKEN}),
}

FINAL = frozenset(OfferStatus) - frozenset(MOVES)


def check_move(current: OfferStatus, to: OfferStatus) -> None:
    """Refuse a move the lifecycle does not allow, saying what would be allowed."""
    allowed = MOVES.get(current, frozenset())
    if to not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "nothing (it is final)"
        raise RuleViolation(
            f"an offer that is {current.value} cannot become {to.value}; it can become {options}",
            rule="settlement.transition",
        )
