"""The validation notice: its dates and the facts it must state (12 CFR 1006.34, form B-1).

**Validation period** (1006.34(b)(5)): it starts when the validation information is provided
and ends 30 days after the consumer receives, or is assumed to receive, it. A collector may
assume receipt on any date at least five days — excluding legal public holidays (5 U.S.C.
6103(a)), Saturdays and Sundays — after providing it. We assume receipt exactly five such days
after the letter is mailed; counting the observed federal holidays as holidays too can only
move the end date later, which the "at least five days" wording allows and which never
shortens the consumer's time. The end date is printed on the notice (1006.34(c)(3)(i)); the
date by which the consumer may ask for the original creditor's name and address is the same
date (1006.34(c)(3)(iii)).

**Required content** (1006.34(c)): ``ValidationFacts`` holds every fact the notice must state
that varies by debt; ``missing_facts`` names any that are empty so that a notice is never
produced without them (the fixed statements — debt-collector disclosure, dispute rights, the
CFPB reference, the response section — are in the template itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from arrears.domain.calendar import US_FEDERAL, BusinessCalendar
from arrears.domain.itemization import Itemization

RECEIPT_BUSINESS_DAYS = 5
VALIDATION_PERIOD_DAYS = 30


def assumed_receipt(provided_on: date, *, calendar: BusinessCalendar = US_FEDERAL) -> date:
    """The day the consumer is assumed to receive a notice provided on ``provided_on``:
    five days later, not counting Saturdays, Sundays and federal holidays (1006.34(b)(5))."""
    return calendar.add_business_days(provided_on, RECEIPT_BUSINESS_DAYS)


def validation_period_end(provided_on: date, *, calendar: BusinessCalendar = US_FEDERAL) -> date:
    """The last day of the validation period: 30 days after assumed receipt (1006.34(b)(5))."""
    return assumed_receipt(provided_on, calendar=calendar) + timedelta(days=VALIDATION_PERIOD_DAYS)


@dataclass(frozen=True, slots=True)
class ValidationFacts:
    """The debt-specific content of a validation notice, 12 CFR 1006.34(c)(1)–(3).

    Addresses are lists of printed lines. ``electronic_dispute`` is how to dispute
    electronically when the collector accepts it (1006.34(c)(4)), empty otherwise.
    """

    notice_date: date
    collector_name: str  # (c)(2)(i)
    collector_address: tuple[str, ...]  # (c)(2)(i)
    consumer_name: str  # (c)(2)(ii)
    consumer_address: tuple[str, ...]  # (c)(2)(ii)
    creditor_on_itemization_date: str  # (c)(2)(iii)
    account_number: str  # (c)(2)(iv), may be truncated
    current_creditor: str  # (c)(2)(v)
    itemization: Itemization  # (c)(2)(vi)–(viii)
    validation_period_end: date  # (c)(3)(i)–(v)
    electronic_dispute: str = ""  # (c)(4)
    reference: str = ""  # optional (d)(3)(i)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def original_creditor_request_by(self) -> date:
        """The date to ask for the original creditor's name and address: the end of the
        validation period (1006.34(c)(3)(iii))."""
        return self.validation_period_end


def missing_facts(facts: ValidationFacts) -> list[str]:
    """The required facts that are empty, by the paragraph of 1006.34(c) that requires them."""
    required: dict[str, object] = {
        "collector name (1006.34(c)(2)(i))": facts.collector_name.strip(),
        "collector mailing address (1006.34(c)(2)(i))": _lines(facts.collector_address),
        "consumer name (1006.34(c)(2)(ii))": facts.consumer_name.strip(),
        "consumer mailing address (1006.34(c)(2)(ii))": _lines(facts.consumer_address),
        "creditor on the itemization date (1006.34(c)(2)(iii))": (
            facts.creditor_on_itemization_date.strip()
        ),
        "account number (1006.34(c)(2)(iv))": facts.account_number.strip(),
        "current creditor (1006.34(c)(2)(v))": facts.current_creditor.strip(),
    }
    problems = [name for name, value in required.items() if not value]
    if not facts.itemization.ties():
        problems.append("itemization that adds up (1006.34(c)(2)(vi)–(viii))")
    if facts.validation_period_end <= facts.notice_date:
        problems.append("validation period end after the notice date (1006.34(c)(3)(i))")
    return problems


def _lines(lines: tuple[str, ...]) -> bool:
    """Whether an address says anything (not just the separators of empty fields)."""
    return any(character.isalnum() for line in lines for character in line)
