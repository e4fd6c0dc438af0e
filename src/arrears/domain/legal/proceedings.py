"""Proceedings of a legal case and the state machine each follows.

A case is one account's legal action; it holds several proceedings: the suit that seeks a
judgment, and the post-judgment remedies that enforce it (wage or bank garnishment, a judgment
lien, a levy on property). Every proceeding moves through the same states:

    referred → demand_sent → filed → served → judgment → enforcement → satisfied
                                                         any open state → dismissed | closed

A suit needs a demand letter before filing (the lender's policy and good practice: the
borrower gets a last chance, and it must threaten nothing time-barred, 12 CFR 1006.26(b)).
Recording a judgment obtained elsewhere goes from referred straight to filed. Enforcement
proceedings act on an existing judgment, so they go from referred to filed and from served to
enforcement. Any move not allowed by ``moves`` is refused.
"""

from __future__ import annotations

from enum import StrEnum

from arrears.errors import RuleViolation


class ProceedingKind(StrEnum):
    SUIT = "suit"
    JUDGMENT = "judgment"  # domesticating or recording a judgment obtained elsewhere
    GARNISHMENT = "garnishment"
    LIEN = "lien"
    LEVY = "levy"

    @property
    def needs_demand(self) -> bool:
        """Only a suit starts with a demand letter."""
        return self is ProceedingKind.SUIT

    @property
    def enforces_judgment(self) -> bool:
        """Post-judgment remedies: they need a judgment on the case first."""
        return self in {ProceedingKind.GARNISHMENT, ProceedingKind.LIEN, ProceedingKind.LEVY}


class ProceedingStatus(StrEnum):
    REFERRED = "referred"
    DEMAND_SENT = "demand_sent"
    FILED = "filed"
    SERVED = "served"
    JUDGMENT = "judgment"
    ENFORCEMENT = "enforcement"
    SATISFIED = "satisfied"
    DISMISSED = "dismissed"
    CLOSED = "closed"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL


TERMINAL = frozenset(
    {ProceedingStatus.SATISFIED, ProceedingStatus.DISMISSED, ProceedingStatus.CLOSED}
)

S = ProceedingStatus

#: Moves every kind may make.
_COMMON: dict[ProceedingStatus, frozenset[ProceedingStatus]] = {
    S.REFERRED: frozenset({S.DISMISSED, S.CLOSED}),
    S.DEMAND_SENT: frozenset({S.FILED, S.SATISFIED, S.CLOSED}),
    S.FILED: frozenset({S.SERVED, S.DISMISSED, S.CLOSED}),
    S.SERVED: frozenset({S.DISMISSED, S.CLOSED}),
    S.JUDGMENT: frozenset({S.ENFORCEMENT, S.SATISFIED, S.CLOSED}),
    S.ENFORCEMENT: frozenset({S.SATISFIED, S.CLOSED}),
}


def moves(kind: ProceedingKind) -> dict[ProceedingStatus, frozenset[ProceedingStatus]]:
    """Every allowed move of a proceeding of ``kind`` (terminal states have none)."""
    extra = {
        S.REFERRED: {S.DEMAND_SENT if kind.needs_demand else S.FILED},
        S.SERVED: {S.ENFORCEMENT if kind.enforces_judgment else S.JUDGMENT},
    }
    return {
        state: frozenset(allowed | extra.get(state, set())) for state, allowed in _COMMON.items()
    }


def check_move(kind: ProceedingKind, current: ProceedingStatus, to: ProceedingStatus) -> None:
    """Refuse a move the state machine does not allow, saying what would be allowed."""
    allowed = moves(kind).get(current, frozenset())
    if to not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "nothing (it is finished)"
        raise RuleViolation(
            f"a {kind.value} proceeding cannot go from {current.value} to {to.value}; "
            f"from {current.value} it can go to {options}",
            rule="legal.transition",
        )


#: States in which the proceeding is active (a legal hold applies while any is, per policy).
ACTIVE = frozenset(ProceedingStatus) - TERMINAL
