"""What furnishing reads for a partition of accounts: the frames and the settings.

Every frame follows the batch conventions (``batch.frames``): ids ``Int64``, amounts ``Int64``
minor units (``*_minor``), dates ``pl.Date``; money is never a float. The database adapter
(``adapters/db/furnishing_reads.py``) fills them; tests build them by hand. Frames for workflows
that a deployment does not have (settlements, agency placements, collateral) may be empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import polars as pl

from arrears.batch.frames import DELINQUENCY_AT, INSTALLMENTS, conform
from arrears.batch.furnishing.codes import FurnisherKind
from arrears.compliance.furnishing import RULE_ID as PRE_FURNISHING
from arrears.compliance.packs import default_packs
from arrears.compliance.settings import ComplianceSettings

ACCOUNTS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "account_number": pl.String,  # the lender's loan id: Consumer Account Number (§5.3 #7)
        "borrower_id": pl.Int64,
        "co_borrower_id": pl.Int64,
        "product": pl.String,
        "currency": pl.String,
        "principal_minor": pl.Int64,
        "term_months": pl.Int32,
        "origination_date": pl.Date,
        "credit_limit_minor": pl.Int64,
        "loan_status": pl.String,
        "charge_off_date": pl.Date,
        "charge_off_amount_minor": pl.Int64,
        "original_creditor": pl.String,
        "balance_minor": pl.Int64,  # the ledger's receivables less suspense on as_of
        "charge_off_balance_minor": pl.Int64,  # the same on the charge-off day (null if none)
    }
)
"""One row per loan of the partition."""

PEOPLE: Final = pl.Schema(
    {
        "borrower_id": pl.Int64,
        "first_name": pl.String,
        "middle_name": pl.String,
        "last_name": pl.String,
        "suffix": pl.String,
        "ssn": pl.String,  # nine digits, decrypted only to write the file (null otherwise)
        "dob": pl.Date,  # decrypted only to write the file (null otherwise)
        "ssn_index": pl.String,  # keyed blind indexes: what the export digest covers instead
        "dob_index": pl.String,
        "address_line1": pl.String,
        "address_line2": pl.String,
        "city": pl.String,
        "state": pl.String,
        "zip": pl.String,
        "phone": pl.String,  # E.164 or digits; the last ten digits are reported
    }
)
"""One row per borrower and co-borrower of the partition's loans."""

HOLDS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "borrower_id": pl.Int64,  # the person a borrower hold is on; null for a loan hold
        "kind": pl.String,
        "starts_on": pl.Date,
        "ends_on": pl.Date,
        "chapter": pl.String,  # bankruptcy chapter (details)
        "outcome": pl.String,  # how it ended (details): discharged, consumer_disagrees…
    }
)
"""Every hold touching a loan, borrower holds repeated for each of the borrower's loans."""

CONTACTS: Final = pl.Schema(
    {  # type: ignore[arg-type]
        "loan_id": pl.Int64,
        "channel": pl.String,
        "direction": pl.String,
        "at": pl.Datetime("us", "UTC"),
        "outcome": pl.String,
        "reference": pl.String,
    }
)
"""The contact-log rows that decide 12 CFR 1006.30(a): conversations, letters and messages
sent, and bounces."""

CREDITS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "payment_id": pl.Int64,
        "effective_date": pl.Date,
        "amount_minor": pl.Int64,
        "good": pl.Boolean,
        "credit_kind": pl.String,  # arrears.domain.credits.CreditKind
        "reason": pl.String,
    }
)
"""Every credit of the partition's loans: payments, agency remittances, waivers, write-offs
and collateral sale proceeds (``good`` is false once returned)."""

SETTLEMENTS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "settled_on": pl.Date,
        "metro2_status": pl.String,
        "special_comment": pl.String,
    }
)
"""Fulfilled settlements (issue 5's ``settlements`` table, when present)."""

PLACEMENTS: Final = pl.Schema({"loan_id": pl.Int64, "placed_on": pl.Date, "recalled_on": pl.Date})
"""Placements with collection agencies (``placements``, when present)."""

COLLATERAL_EVENTS: Final = pl.Schema({"loan_id": pl.Int64, "event": pl.String, "on": pl.Date})
"""Repossession, voluntary surrender or foreclosure of the collateral, with its date."""

PLANS: Final = pl.Schema({"loan_id": pl.Int64, "starts_on": pl.Date, "ends_on": pl.Date})
"""Payment plans, with the day they stopped being in force (null while active)."""

PRIOR: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "account_status": pl.String,
        "compliance_condition_code": pl.String,
        "consumer_information_indicator": pl.String,
    }
)
"""What was last reported for each loan in an export of an earlier month."""

FIRST_REPORTS: Final = pl.Schema({"loan_id": pl.Int64, "digest": pl.String})
"""The digest first reported for each loan in an earlier export of the same month."""


@dataclass(frozen=True, slots=True)
class FurnishingSettings:
    """How the lender furnishes.

    ``identification_number`` is the furnisher's identification with the bureaus (§5.3 #5).
    ``contact_first`` applies 12 CFR 1006.30(a) (from the compliance settings' actor type),
    waiting ``contact_wait_days`` after a letter or message; ``day_zone`` decides the day a
    contact happened.
    """

    identification_number: str
    furnisher: FurnisherKind = FurnisherKind.CREDITOR
    contact_first: bool = True
    contact_wait_days: int = 14
    day_zone: str = "America/New_York"


def settings_for(
    *, identification_number: str, furnisher: FurnisherKind, compliance: ComplianceSettings
) -> FurnishingSettings:
    """Furnishing settings that follow the compliance rule packs: 12 CFR 1006.30(a) applies
    when the lender's actor type is one the pre-furnishing rule binds (debt collectors), with
    the rule's own waiting period."""
    rule = next(r for pack in default_packs() for r in pack.rules if r.id == PRE_FURNISHING)
    return FurnishingSettings(
        identification_number=identification_number,
        furnisher=furnisher,
        contact_first=compliance.actor_type in rule.actors,
        contact_wait_days=rule.int_param("wait_days"),
        day_zone=compliance.day_zone,
    )


def empty(schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class PartitionFacts:
    """Everything furnishing knows about a partition on one as-of date.

    ``history`` is ``batch.delinquency.delinquency_at`` on the as-of date and the 24 month ends
    before it (``history_dates``); ``installments`` give the scheduled payment.
    """

    accounts: pl.DataFrame
    people: pl.DataFrame
    history: pl.DataFrame
    installments: pl.DataFrame = field(default_factory=lambda: empty(INSTALLMENTS))
    credits: pl.DataFrame = field(default_factory=lambda: empty(CREDITS))
    holds: pl.DataFrame = field(default_factory=lambda: empty(HOLDS))
    contacts: pl.DataFrame = field(default_factory=lambda: empty(CONTACTS))
    settlements: pl.DataFrame = field(default_factory=lambda: empty(SETTLEMENTS))
    placements: pl.DataFrame = field(default_factory=lambda: empty(PLACEMENTS))
    collateral_events: pl.DataFrame = field(default_factory=lambda: empty(COLLATERAL_EVENTS))
    plans: pl.DataFrame = field(default_factory=lambda: empty(PLANS))
    prior: pl.DataFrame = field(default_factory=lambda: empty(PRIOR))
    first_reports: pl.DataFrame = field(default_factory=lambda: empty(FIRST_REPORTS))

    def conformed(self) -> PartitionFacts:
        """Every frame cast to its schema (integer widths, nulls); missing columns raise."""

        def fit(frame: pl.DataFrame, schema: pl.Schema, name: str) -> pl.DataFrame:
            return conform(frame, schema, name=name)

        return PartitionFacts(
            accounts=fit(self.accounts, ACCOUNTS, "accounts"),
            people=fit(self.people, PEOPLE, "people"),
            history=fit(self.history, DELINQUENCY_AT, "history"),
            installments=fit(self.installments, INSTALLMENTS, "installments"),
            credits=fit(self.credits, CREDITS, "credits"),
            holds=fit(self.holds, HOLDS, "holds"),
            contacts=fit(self.contacts, CONTACTS, "contacts"),
            settlements=fit(self.settlements, SETTLEMENTS, "settlements"),
            placements=fit(self.placements, PLACEMENTS, "placements"),
            collateral_events=fit(self.collateral_events, COLLATERAL_EVENTS, "collateral"),
            plans=fit(self.plans, PLANS, "plans"),
            prior=fit(self.prior, PRIOR, "prior"),
            first_reports=fit(self.first_reports, FIRST_REPORTS, "first_reports"),
        )
