"""Exemptions: narrow, sourced exceptions that lift named rules of a pack for one template.

Some rules have exceptions written into the law itself. The one encoded today: after a person
revokes consent to texts, a single text that only confirms the revocation may still be sent,
within five minutes of the request (47 CFR 64.1200(a)(12), FCC 24-18; Reg F's medium opt-out
allows one confirmation of an opt-out with no other content, 12 CFR 1006.14(h) and reference
§1.1). Without an exemption the gate would block that text under the very opt-out it confirms.

An exemption is data (``[[exemption]]`` in a pack) and deliberately narrow:

- it names exactly **one template** (a string, never a list or a pattern), so no other message
  can use it, and the channels (and optionally categories) it may go by;
- it names the **rules it lifts**, which must be blocking rules of the same pack — every other
  rule (holds, quiet hours, the point's validity…) still applies;
- its ``condition`` (``arrears.compliance.checks.CONDITIONS``) decides from the facts whether it
  applies to this proposal at this instant; when it does not, the rules block as usual.

The gate reports every exemption it applied in ``GateDecision.exempted`` with its source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from arrears.domain.contact_log import Channel
from arrears.domain.holds import ActionCategory

_REQUIRED = ("id", "condition", "template", "channels", "lifts", "reason", "source")
_KNOWN = frozenset({*_REQUIRED, "categories", "params"})


@dataclass(frozen=True, slots=True)
class Exemption:
    id: str
    condition: str
    template: str
    channels: frozenset[Channel]
    lifts: frozenset[str]
    reason: str
    source: str
    categories: frozenset[ActionCategory] | None = None  # None: every category
    params: Mapping[str, Any] = field(default_factory=dict)

    def concerns(self, *, template: str, channel: Channel, category: ActionCategory) -> bool:
        """Only the exemption's own template, by one of its channels and categories."""
        return (
            template == self.template
            and channel in self.channels
            and (self.categories is None or category in self.categories)
        )

    def int_param(self, name: str) -> int:
        value = self.params.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{self.id}: parameter {name} must be a positive integer")
        return value


def parse_exemptions(
    entries: Iterable[Mapping[str, Any]],
    *,
    rules: Mapping[str, str],
    known_conditions: Iterable[str],
) -> tuple[Exemption, ...]:
    """The pack's ``[[exemption]]`` tables; ``rules`` maps the pack's rule ids to their effect.

    Raises ``ValueError`` naming the exemption for anything that would widen it: a list or a
    pattern for the template, a lifted rule that is not a blocking rule of this pack, an
    unknown condition, channel, category or key.
    """
    conditions = set(known_conditions)
    found = []
    for entry in entries:
        missing = [key for key in _REQUIRED if not entry.get(key)]
        name = entry.get("id", "an exemption")
        if missing:
            raise ValueError(f"{name} lacks {', '.join(missing)}")
        unknown = set(entry) - _KNOWN
        if unknown:
            raise ValueError(f"{name}: unknown keys {sorted(unknown)}")
        template = entry["template"]
        if not isinstance(template, str) or not template.isidentifier():
            raise ValueError(f"{name}: template must name exactly one template")
        if entry["condition"] not in conditions:
            raise ValueError(f"{name}: unknown condition {entry['condition']!r}")
        lifts = entry["lifts"]
        if not isinstance(lifts, list) or not all(isinstance(r, str) for r in lifts):
            raise ValueError(f"{name}: lifts must be a list of rule ids")
        strange = sorted(r for r in lifts if rules.get(r) != "block")
        if strange:
            raise ValueError(f"{name}: lifts {strange}, not blocking rules of this pack")
        params = entry.get("params", {})
        if not isinstance(params, dict):
            raise ValueError(f"{name}: params must be a table")
        try:
            channels = frozenset(Channel(c) for c in entry["channels"])
            categories = entry.get("categories")
            kinds = None if categories is None else frozenset(ActionCategory(c) for c in categories)
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
        found.append(
            Exemption(
                id=str(name),
                condition=str(entry["condition"]),
                template=template,
                channels=channels,
                lifts=frozenset(lifts),
                reason=str(entry["reason"]).strip(),
                source=str(entry["source"]).strip(),
                categories=kinds,
                params=dict(params),
            )
        )
    return tuple(found)
