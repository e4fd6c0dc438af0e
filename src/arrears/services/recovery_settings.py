"""What the recovery workflows (settlements, legal action, agencies) need besides the
database: their policies, the payment waterfall, the compliance settings, and the outbox's
messaging for letters and emails (None where nothing is sent, e.g. in a pure pricing view)."""

from __future__ import annotations

from dataclasses import dataclass

from arrears.compliance.settings import DEFAULT_SETTINGS, ComplianceSettings
from arrears.domain.agencies.policy import default_agency_policy
from arrears.domain.allocation import DEFAULT_POLICY, WaterfallPolicy
from arrears.domain.legal.policy import default_legal_policy
from arrears.domain.settlements.policy import default_settlement_policy
from arrears.domain.settlements.pricing import Policies
from arrears.errors import ConfigurationError
from arrears.services.outbox import Messaging


@dataclass(frozen=True)
class Actor:
    """Who acts: the name the audit trail records and the role their authority comes from."""

    name: str
    role: str = "agent"


@dataclass(frozen=True)
class Recovery:
    policies: Policies
    waterfall: WaterfallPolicy = DEFAULT_POLICY
    compliance: ComplianceSettings = DEFAULT_SETTINGS
    messaging: Messaging | None = None

    def require_messaging(self) -> Messaging:
        if self.messaging is None:
            raise ConfigurationError("sending letters and emails needs the outbox's messaging")
        return self.messaging


def default_policies() -> Policies:
    """The settlement, legal and agency policies shipped with arrears."""
    return Policies(
        settlement=default_settlement_policy(),
        legal=default_legal_policy(),
        agency=default_agency_policy(),
    )
