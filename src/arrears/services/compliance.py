"""Asking the compliance gate before an outbound contact, and recording every answer.

``check_contact`` is called by the outbox before it queues and again before it sends, and by
the web app before an agent places a call. It gathers the facts from the database, asks the
pure gate (``arrears.compliance.gate.evaluate``) and records the decision — allowed or blocked,
with its rule ids — in ``gate_decisions`` inside the caller's unit of work (the caller
commits, so the decision and what it allowed are written together).
"""

from __future__ import annotations

from datetime import datetime

from arrears.compliance.model import GateDecision, Proposal, Stage
from arrears.compliance.settings import DEFAULT_SETTINGS, ComplianceSettings
from arrears.services.ports import UnitOfWork


def check_contact(
    uow: UnitOfWork,
    proposal: Proposal,
    *,
    at: datetime,
    stage: Stage = Stage.SEND,
    actor: str = "system",
    settings: ComplianceSettings = DEFAULT_SETTINGS,
) -> GateDecision:
    """The gate's decision on ``proposal`` at ``at`` (UTC), recorded in ``gate_decisions``."""
    raise NotImplementedError
