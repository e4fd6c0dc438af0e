"""Approval authority as data: who may approve how much off the balance.

The settlement policy lists roles with the largest discount each may approve (by default
agents 10%, supervisors 30%, managers anything). A proposal within the proposer's authority is
approved as it is made; beyond it the offer waits for the first role that can approve it.
Approving beyond one's authority is refused, naming the role that is needed.
"""

from __future__ import annotations

from decimal import Decimal

from arrears.domain.settlements.policy import SettlementPolicy
from arrears.errors import RuleViolation


def role_of(policy: SettlementPolicy, role: str) -> str:
    """The authority role a user role counts as (``admin`` → ``manager`` by default)."""
    return policy.authority_aliases.get(role, role)


def authority_of(policy: SettlementPolicy, role: str) -> Decimal:
    """The largest discount ``role`` may approve (nothing for a role the policy does not name)."""
    wanted = role_of(policy, role)
    return next((a.max_discount for a in policy.authority if a.role == wanted), Decimal(0))


def required_role(policy: SettlementPolicy, discount: Decimal) -> str:
    """The least senior role whose authority covers ``discount``."""
    return next(a.role for a in policy.authority if discount <= a.max_discount)


def within_authority(policy: SettlementPolicy, *, role: str, discount: Decimal) -> bool:
    return discount <= authority_of(policy, role)


def check_authority(policy: SettlementPolicy, *, role: str, discount: Decimal) -> None:
    """Refuse an approval beyond ``role``'s authority, saying who can approve it."""
    if within_authority(policy, role=role, discount=discount):
        return
    limit = authority_of(policy, role)
    raise RuleViolation(
        f"{_pct(discount)} off is beyond the authority of a {role} ({_pct(limit)}); "
        f"a {required_role(policy, discount)} must approve it",
        rule="settlement.authority",
    )


def _pct(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.01')).normalize():f}%"
