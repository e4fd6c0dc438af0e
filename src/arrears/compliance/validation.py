"""The validation notice's dates (12 CFR 1006.34).

- Deadline: validation information in the initial communication or within five days after it,
  excluding legal public holidays, Saturdays and Sundays (1006.34(a)(1)(i)(B)).
- Validation period: ends 30 days after the consumer receives or is assumed to receive the
  notice; receipt may be assumed on any date up to five days (excluding legal public holidays,
  Saturdays and Sundays) after it is provided (1006.34(b)(5)). The notice prints this end date.
"""

from __future__ import annotations

from datetime import date, timedelta

from arrears.domain.calendar import US_FEDERAL, BusinessCalendar

NOTICE_DEADLINE_BUSINESS_DAYS = 5
RECEIPT_BUSINESS_DAYS = 5
VALIDATION_PERIOD_DAYS = 30


def validation_deadline(
    first_communication_on: date,
    *,
    business_days: int = NOTICE_DEADLINE_BUSINESS_DAYS,
    calendar: BusinessCalendar = US_FEDERAL,
) -> date:
    """The last day the validation notice may be sent after the initial communication."""
    return calendar.add_business_days(first_communication_on, business_days)


def assumed_receipt(provided_on: date, *, calendar: BusinessCalendar = US_FEDERAL) -> date:
    """The latest day receipt may be assumed: five business days after it was provided."""
    return calendar.add_business_days(provided_on, RECEIPT_BUSINESS_DAYS)


def validation_period_end(provided_on: date, *, calendar: BusinessCalendar = US_FEDERAL) -> date:
    """The end of the validation period printed on a notice provided on ``provided_on``."""
    return assumed_receipt(provided_on, calendar=calendar) + timedelta(days=VALIDATION_PERIOD_DAYS)
