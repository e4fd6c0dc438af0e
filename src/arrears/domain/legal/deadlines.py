"""Deadlines that follow from a proceeding's moves, by the legal policy.

- demand letter sent → the borrower's date to pay or call (``demand_respond_days``);
- filed → the date by which the summons must be served (``service_deadline_days``, cf. FRCP
  4(m): 90 days);
- served → the defendant's date to answer (``answer_days``, cf. FRCP 12(a)(1)(A)(i): 21 days;
  state rules differ and the lender's counsel may record the actual date instead).
"""

from __future__ import annotations

from datetime import date, timedelta

from arrears.domain.legal.cases import DateKind
from arrears.domain.legal.policy import LegalPolicy
from arrears.domain.legal.proceedings import ProceedingStatus


def deadline_after(
    status: ProceedingStatus, *, on: date, policy: LegalPolicy
) -> tuple[DateKind, date] | None:
    """The deadline that moving into ``status`` on ``on`` starts, if any."""
    if status is ProceedingStatus.DEMAND_SENT:
        return DateKind.RESPOND_BY, on + timedelta(days=policy.demand_respond_days)
    if status is ProceedingStatus.FILED:
        return DateKind.SERVE_BY, on + timedelta(days=policy.service_deadline_days)
    if status is ProceedingStatus.SERVED:
        return DateKind.ANSWER_BY, on + timedelta(days=policy.answer_days)
    return None
