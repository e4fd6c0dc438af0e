"""Data that other workflows produce, as the frames their metrics read.

The core metrics need only loans, their events, decisions and actions. The metrics of
promises, contacts, settlements, plans, agencies, legal action, repossession and the portal read
the records those workflows keep. Each is defined here over a documented frame; the report
computes a metric when its source is available (``services.analytics`` asks an
``AvailableSources`` port at run time) and says "no data yet" — with what it is waiting for —
when it is not. No number is ever made up for a missing source.

``partitioned`` sources are read per partition of loans (their metrics also need the loans'
payments); the others are read once. A legal case has one row per cost incurred (or one row
with no cost), so costs count from the day they were incurred.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl


@dataclass(frozen=True, slots=True)
class SourceSpec:
    name: str
    title: str
    produced_by: str
    schema: pl.Schema
    partitioned: bool = True

    def describe(self) -> str:
        """``name(column type, …)``: the input frame in one line, for "no data yet" notes."""
        columns = ", ".join(f"{name} {dtype}" for name, dtype in self.schema.items())
        return f"{self.name}({columns})"


SOURCES: Final[dict[str, SourceSpec]] = {
    spec.name: spec
    for spec in (
        SourceSpec(
            "contacts",
            "Contact log",
            "the communication workflow",
            pl.Schema(
                {
                    "loan_id": pl.Int64,
                    "contacted_on": pl.Date,
                    "channel": pl.String,
                    "direction": pl.String,
                    "outcome": pl.String,
                    "actor": pl.String,
                }
            ),
        ),
        SourceSpec(
            "promises",
            "Promises to pay",
            "the negotiation workflow",
            pl.Schema(
                {
                    "promise_id": pl.Int64,
                    "loan_id": pl.Int64,
                    "made_on": pl.Date,
                    "due_date": pl.Date,
                    "amount_minor": pl.Int64,
                }
            ),
        ),
        SourceSpec(
            "plans",
            "Repayment plans",
            "the negotiation workflow",
            pl.Schema(
                {
                    "plan_id": pl.Int64,
                    "loan_id": pl.Int64,
                    "started_on": pl.Date,
                    "status": pl.String,
                    "ended_on": pl.Date,
                }
            ),
        ),
        SourceSpec(
            "offers",
            "Settlement offers",
            "the settlement workflow",
            pl.Schema(
                {
                    "offer_id": pl.Int64,
                    "loan_id": pl.Int64,
                    "presented_on": pl.Date,
                    "accepted_on": pl.Date,
                    "balance_minor": pl.Int64,
                    "settlement_minor": pl.Int64,
                }
            ),
        ),
        SourceSpec(
            "placements",
            "Agency placements",
            "the agency workflow",
            pl.Schema(
                {
                    "placement_id": pl.Int64,
                    "loan_id": pl.Int64,
                    "agency": pl.String,
                    "placed_on": pl.Date,
                    "recalled_on": pl.Date,
                    "placed_balance_minor": pl.Int64,
                }
            ),
        ),
        SourceSpec(
            "legal_cases",
            "Legal cases",
            "the legal workflow",
            pl.Schema(
                {
                    "case_id": pl.Int64,
                    "loan_id": pl.Int64,
                    "referred_on": pl.Date,
                    "closed_on": pl.Date,
                    "cost_on": pl.Date,
                    "cost_minor": pl.Int64,
                }
            ),
        ),
        SourceSpec(
            "repossessions",
            "Repossessions",
            "the collateral workflow",
            pl.Schema(
                {
                    "loan_id": pl.Int64,
                    "repossessed_on": pl.Date,
                    "sold_on": pl.Date,
                    "proceeds_minor": pl.Int64,
                    "costs_minor": pl.Int64,
                }
            ),
        ),
        SourceSpec(
            "portal_events",
            "Portal funnel events",
            "the borrower portal",
            pl.Schema(
                {
                    "borrower_id": pl.Int64,
                    "loan_id": pl.Int64,
                    "event": pl.String,
                    "happened_on": pl.Date,
                }
            ),
            partitioned=False,
        ),
    )
}
"""Every optional source, by name."""

CONVERSATION_OUTCOMES: Final = frozenset(
    {
        "right_party_contact",
        "refused",
        "dispute_raised",
        "cease_requested",
        "promise_made",
        "plan_agreed",
        "hardship_reported",
        "callback_requested",
    }
)
"""Contact outcomes that mean the borrower was reached and spoken with (a right-party
contact), as ``arrears.domain.contact_log.Outcome.is_conversation`` defines them."""

FUNNEL_STEPS: Final[tuple[tuple[str, frozenset[str]], ...]] = (
    ("visit", frozenset({"visit", "signed_in"})),
    ("offer viewed", frozenset({"offer_viewed"})),
    ("accepted", frozenset({"offer_accepted", "plan_chosen"})),
    ("paid", frozenset({"payment_made"})),
)
"""The portal funnel's steps and the event names that reach each one."""


def conform(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """``frame`` with the source's columns and dtypes (extra columns dropped)."""
    schema = SOURCES[name].schema
    missing = [column for column in schema.names() if column not in frame.columns]
    if missing:
        raise ValueError(f"source {name}: missing columns {missing}")
    return frame.select(pl.col(c).cast(t) for c, t in schema.items())
