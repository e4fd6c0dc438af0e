"""The 60% rule for consumer goods: UCC 9-620(e) and (f).

If 60% of the cash price (purchase-money security interest) or of the principal amount of the
obligation (any other security interest) in consumer goods has been paid, a secured party in
possession may not keep the collateral in satisfaction of the debt (strict foreclosure): it
**must dispose** of it under 9-610 within 90 days after taking possession, unless the debtor
agrees to a longer period in an agreement authenticated after default (9-620(f)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

DISPOSAL_DAYS = 90
THRESHOLD_PERCENT = 60
SOURCE = "UCC 9-620(e), (f)"


@dataclass(frozen=True, slots=True)
class SixtyPercentTest:
    """Whether the rule applies, with the figures that decide it."""

    applies: bool
    paid_minor: int
    base_minor: int
    basis: str  # "cash price" or "loan principal"
    consumer_goods: bool

    @property
    def share(self) -> Decimal:
        return (
            Decimal(self.paid_minor) / Decimal(self.base_minor) if self.base_minor else Decimal(0)
        )

    def explain(self) -> str:
        percent = (self.share * 100).quantize(Decimal("0.1"))
        verdict = "must dispose" if self.applies else "60% rule does not apply"
        kind = "consumer goods" if self.consumer_goods else "not consumer goods"
        return f"{percent}% of the {self.basis} paid ({kind}): {verdict} ({SOURCE})"


def sixty_percent_test(
    *,
    consumer_goods: bool,
    purchase_money: bool,
    principal_minor: int,
    principal_repaid_minor: int,
    cash_price_minor: int | None = None,
) -> SixtyPercentTest:
    """Apply 9-620(e) to a loan.

    For a purchase-money loan the base is the cash price and what was paid counts the down
    payment (cash price less the amount financed) with the principal repaid; without a known
    cash price, or for any other loan, the base is the principal and only principal repaid
    counts (the stricter reading never undercounts what the borrower paid on the loan itself).
    """
    if principal_minor <= 0 or principal_repaid_minor < 0:
        raise ValueError("principal must be positive and principal repaid not negative")
    if purchase_money and cash_price_minor is not None and cash_price_minor >= principal_minor:
        down_payment = cash_price_minor - principal_minor
        paid, base, basis = down_payment + principal_repaid_minor, cash_price_minor, "cash price"
    else:
        paid, base, basis = principal_repaid_minor, principal_minor, "loan principal"
    applies = consumer_goods and paid * 100 >= THRESHOLD_PERCENT * base
    return SixtyPercentTest(applies, paid, base, basis, consumer_goods)


def disposal_deadline(*, repossessed_on: date, extended_until: date | None = None) -> date:
    """The last day to dispose when the rule applies: 90 days after taking possession, or a
    later day the debtor agreed to after default (9-620(f)(2))."""
    standard = repossessed_on + timedelta(days=DISPOSAL_DAYS)
    return max(standard, extended_until) if extended_until else standard
