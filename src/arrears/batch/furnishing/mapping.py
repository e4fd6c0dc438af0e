"""The furnishing mapping as data: each Metro 2 field, where it comes from, and the facts to
show next to it (``arrears metro2 explain``; the table of docs/metro2-furnishing.md).

Sections cite ``../shared/reference/metro2.md`` (§5.x) and ``compliance.md`` (§3.x).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class FieldSource:
    field: str
    source: str
    facts: tuple[str, ...] = ()


SOURCES: Final = (
    FieldSource("identification_number", "setting metro2_identification_number (§5.3 #5)"),
    FieldSource("consumer_account_number", "loan id (external), §5.3 #7", ("account_number",)),
    FieldSource("portfolio_type", "product: I personal/auto, M mortgage, R card; O collections",
                ("product",)),
    FieldSource("account_type", "product: 01, 00, 26, 18; collections 48 / debt buyer 0C",
                ("product",)),
    FieldSource("date_opened", "loan origination date", ("origination_date",)),
    FieldSource("credit_limit", "card credit limit, whole dollars", ("credit_limit_minor",)),
    FieldSource("highest_credit", "original principal, whole dollars", ("principal_minor",)),
    FieldSource("terms_duration", "term in months (years for mortgages), REV, 001",
                ("term_months",)),
    FieldSource("scheduled_monthly_payment",
                "installment last due (0 when paid, charged off, in collection)",
                ("scheduled_minor",)),
    FieldSource("actual_payment", "cash credits in the month (payments, agency, proceeds)",
                ("actual_payment_minor",)),
    FieldSource("account_status",
                "paid: 13, 64 after charge-off, 63/61/65 after collateral, 62 collection; "
                "unpaid: 96/95/94 collateral, 97 charge-off, 93 collection, 71-84 by DPD, 11",
                ("paid", "paid_on", "charged_off", "charge_off_date", "collateral_event",
                 "collateral_on", "placed_on", "recalled_on", "settled_on", "dpd")),
    FieldSource("payment_rating", "13/65: DPD at the previous month end; 94/95: DPD now (§5.5)",
                ("previous_dpd", "dpd")),
    FieldSource("payment_history_profile",
                "each of the 24 previous month ends: 0-6 by DPD, L charge-off, K/J/H collateral, "
                "G collection, B before opening (§5.5)"),
    FieldSource("special_comment", "AU settled for less, AC payment plan, CP forbearance",
                ("settled_for_less", "plan_in_force", "forbearance")),
    FieldSource("compliance_condition_code",
                "dispute hold: XB while open, XH/XC when it ends (§3.2)"),
    FieldSource("current_balance", "ledger receivables less suspense on as_of, whole dollars; "
                "0 when paid or discharged", ("balance_minor",)),
    FieldSource("amount_past_due", "delinquency amount past due (whole balance when 93-97)",
                ("amount_past_due_minor",)),
    FieldSource("original_charge_off_amount",
                "loan charge-off amount, else the ledger balance on the charge-off day",
                ("charge_off_amount_minor", "charge_off_balance_minor")),
    FieldSource("date_of_account_information", "as_of; the payoff date when paid",
                ("paid_on",)),
    FieldSource("date_of_first_delinquency",
                "delinquency DOFD (set at 30 DPD, frozen at charge-off), §3.1",
                ("dofd", "previous_dofd", "last_seen_dofd")),
    FieldSource("date_closed", "charge-off date, or the payoff date",
                ("charge_off_date", "paid_on")),
    FieldSource("date_of_last_payment", "last cash credit on or before as_of",
                ("last_payment_on",)),
    FieldSource("surname", "borrower last name, ASCII upper case (likewise first and middle)"),
    FieldSource("ecoa_code", "1 individual, 2 with a co-borrower, X deceased hold"),
    FieldSource("consumer_information_indicator",
                "bankruptcy hold: A-D petition, E-H discharged, Z chapter unknown, Q removed"),
    FieldSource("first_line_of_address", "borrower address, ASCII upper case"),
    FieldSource("j1", "co-borrower at the same address"),
    FieldSource("j2", "co-borrower at another address"),
    FieldSource("k1", "original creditor (bought or placed debt)", ("original_creditor",)),
)  # fmt: skip
BY_FIELD: Final = {source.field: source for source in SOURCES}
