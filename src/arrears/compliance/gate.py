"""The compliance gate: one proposal, its facts and an instant in, a decision out. Pure."""

from __future__ import annotations

from datetime import datetime

from arrears.compliance.facts import ContactFacts
from arrears.compliance.model import GateDecision, Proposal
from arrears.compliance.settings import DEFAULT_SETTINGS, ComplianceSettings


def evaluate(
    proposal: Proposal,
    facts: ContactFacts,
    *,
    at: datetime,
    settings: ComplianceSettings = DEFAULT_SETTINGS,
) -> GateDecision:
    """Allowed, or blocked with every rule of the applicable packs that blocks ``proposal``."""
    raise NotImplementedError
