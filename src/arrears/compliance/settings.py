"""How a lender runs the gate: who is collecting, and the day boundary for counting days.

Defaults are the strictest reading: a third-party collector, so every Reg F and FDCPA rule
applies (reference §0). A creditor collecting its own debts may set
``actor_type=first_party_creditor``; state rules that cover creditors (CA, MA, NYC) still apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from arrears.compliance.model import ActorType


@dataclass(frozen=True, slots=True)
class ComplianceSettings:
    actor_type: ActorType = ActorType.THIRD_PARTY_COLLECTOR
    #: Reg F counts "consecutive days"; arrears counts calendar days in this zone (the
    #: lender's business zone), the same in the gate and in the cycle.
    day_zone: str = "America/New_York"


DEFAULT_SETTINGS = ComplianceSettings()
