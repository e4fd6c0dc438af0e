"""What happens to a deficiency once it has been explained (lender policy, not law).

After the 9-616 explanation the deficiency goes back to the collection strategy, unless it is
at or below the amount the lender writes off rather than pursue. The default writes nothing
off: every deficiency returns to collection.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeficiencyPolicy:
    write_off_at_or_below_minor: int = 0

    def __post_init__(self) -> None:
        if self.write_off_at_or_below_minor < 0:
            raise ValueError("the write-off threshold cannot be negative")

    def writes_off(self, deficiency_minor: int) -> bool:
        return 0 < deficiency_minor <= self.write_off_at_or_below_minor
