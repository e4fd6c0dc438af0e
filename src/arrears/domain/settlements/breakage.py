"""A broken structured settlement: how much of the conditional discount survives.

A structured settlement's discount is posted as a conditional waiver when it is accepted, so
balances, delinquency and reporting show the reduced total while the plan runs. When the plan
breaks, the waiver is reversed and the policy decides what is restored:

- ``restore_all``: the whole discount comes back; the borrower owes the balance less what was
  paid, as if no settlement had been made;
- ``keep_earned``: the discount earned on the share already paid stays —
  ``kept = discount × paid / settlement amount`` (named rounding point: down to the minor unit,
  so no more is kept than was earned) — and is posted again as an unconditional waiver.
"""

from __future__ import annotations

from arrears.domain.settlements.policy import BrokenSettlement


def discount_kept(
    *, conditional_minor: int, paid_minor: int, amount_minor: int, rule: BrokenSettlement
) -> int:
    """The part of the conditional waiver that stays after the settlement breaks."""
    if rule is BrokenSettlement.RESTORE_ALL or amount_minor <= 0 or paid_minor <= 0:
        return 0
    share_paid = min(paid_minor, amount_minor)
    return conditional_minor * share_paid // amount_minor
