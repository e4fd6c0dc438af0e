"""What a fulfilled settlement leaves behind for tax and credit reporting.

- **Form 1099-C** (26 U.S.C. 6050P; 26 CFR 1.6050P-1): an applicable entity that discharges
  $600 or more of debt files when an identifiable event occurs; a settlement for less than the
  full balance is one ("discharge by agreement at less than full consideration",
  1.6050P-1(b)(2)(i)(F)). The policy flags it on **principal** forgiven, with interest shown
  separately (the example of 47 CFR 1.1950 reports principal), and names the filer.
- **Metro 2** (reference §3.3): a settled account is reported paid for less than the full
  balance — status 13 (paid, closed) for a creditor, 64 when it had been charged off, 62 for a
  collection account — with special comment AU, balance 0, and its DOFD and payment history
  unchanged. These facts are stored; the Metro 2 furnishing step reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from arrears.domain.settlements.policy import Furnisher, SettlementPolicy

SPECIAL_COMMENT_SETTLED = "AU"  # account paid in full for less than the full balance
IDENTIFIABLE_EVENT = "discharge by agreement for less than full consideration"
EVENT_SOURCE = "26 CFR 1.6050P-1(b)(2)(i)(F)"


@dataclass(frozen=True, slots=True)
class Forgiven:
    """What the settlement forgave, by component, in minor units (from the waiver entries)."""

    principal: int = 0
    interest: int = 0
    fees: int = 0  # fees, penalties and costs

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.fees


@dataclass(frozen=True, slots=True)
class SettlementFacts:
    loan_id: int
    offer_id: int
    settled_on: date
    currency: str
    forgiven: Forgiven
    metro2_status: str
    special_comment: str
    form_1099c: bool
    form_1099c_issuer: str
    identifiable_event: str


def metro2_status(*, charged_off: bool, furnisher: Furnisher) -> str:
    """13 paid/closed; 64 paid charge-off; 62 paid collection (all with special comment AU)."""
    if furnisher is Furnisher.COLLECTOR:
        return "62"
    return "64" if charged_off else "13"


def settlement_facts(
    *,
    loan_id: int,
    offer_id: int,
    settled_on: date,
    currency: str,
    forgiven: Forgiven,
    charged_off: bool,
    policy: SettlementPolicy,
) -> SettlementFacts:
    """The reporting facts of a fulfilled settlement. The 1099-C threshold is in US dollars, so
    it applies to USD loans only (another country's rules are another pack)."""
    flagged = currency == "USD" and forgiven.principal >= policy.form_1099c_threshold_minor
    return SettlementFacts(
        loan_id=loan_id,
        offer_id=offer_id,
        settled_on=settled_on,
        currency=currency,
        forgiven=forgiven,
        metro2_status=metro2_status(charged_off=charged_off, furnisher=policy.furnisher),
        special_comment=SPECIAL_COMMENT_SETTLED,
        form_1099c=flagged,
        form_1099c_issuer=policy.form_1099c_issuer,
        identifiable_event=f"{IDENTIFIABLE_EVENT} ({EVENT_SOURCE})" if flagged else "",
    )
