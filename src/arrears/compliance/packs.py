"""Rule packs: the rules of one jurisdiction as data (``packs/*.toml``), loaded and checked.

A pack says where it applies (every borrower, the borrowers of some states, or of a locality
such as New York City) and lists rules. Each rule has an id, the check that implements it
(``arrears.compliance.checks.CHECKS``), its parameters, the actors it binds, the channels and
action categories it concerns, a reason in words and its legal source. Adding a state is adding
a file; ``docs/compliance.md`` explains the format.

A pack also holds the words of the disclosures its rules require (``[disclosure.<key>]``, one
text per language of ``NOTICE_LANGUAGES``: a message is rendered in the borrower's language, so
a notice missing a language is refused at load) and its exemptions (``[[exemption]]``,
``arrears.compliance.exemptions``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from arrears.compliance.exemptions import Exemption, parse_exemptions
from arrears.compliance.model import NOTICE_LANGUAGES, ActorType, Notice
from arrears.compliance.pack_shape import ShapeError, check_shape
from arrears.domain.contact_log import Channel
from arrears.domain.holds import ActionCategory

ALL_ACTORS = frozenset(ActorType)


class PackError(ValueError):
    """A rule pack that cannot be loaded (unknown check, bad parameter, missing field)."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    check: str
    reason: str
    source: str
    pack: str
    actors: frozenset[ActorType] = ALL_ACTORS
    channels: frozenset[Channel] | None = None  # None: every channel
    categories: frozenset[ActionCategory] | None = None  # None: every category
    effect: str = "block"  # block | disclose
    params: Mapping[str, Any] = field(default_factory=dict)
    notice: Notice | None = None  # the words a disclosure rule requires, per language

    def concerns(self, channel: Channel, category: ActionCategory, actor: ActorType) -> bool:
        return (
            actor in self.actors
            and (self.channels is None or channel in self.channels)
            and (self.categories is None or category in self.categories)
        )

    def int_param(self, name: str) -> int:
        value = self.params[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise PackError(f"{self.id}: parameter {name} must be an integer")
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.params.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PackError(f"{self.id}: parameter {name} must be a list of strings")
        return tuple(value)


@dataclass(frozen=True, slots=True)
class RulePack:
    id: str
    name: str
    rules: tuple[Rule, ...]
    states: frozenset[str] | None = None  # None: every state
    localities: frozenset[str] | None = None  # e.g. {"nyc"}
    exemptions: tuple[Exemption, ...] = ()

    def applies_to(self, *, state: str, locality: str | None) -> bool:
        if self.states is not None and state not in self.states:
            return False
        return self.localities is None or locality in self.localities


def _set(values: Iterable[str] | None, kind: type[Any], where: str) -> frozenset[Any] | None:
    if values is None:
        return None
    try:
        return frozenset(kind(v) for v in values)
    except ValueError as error:
        raise PackError(f"{where}: {error}") from None


def _notices(data: Mapping[str, Any], pack_id: str) -> dict[str, Notice]:
    """The pack's ``[disclosure.<key>]`` tables: a source and one text per notice language."""
    found = {}
    for key, entry in data.get("disclosure", {}).items():
        where = f"{pack_id}: disclosure {key}"
        if not isinstance(entry, dict):
            raise PackError(f"{where} must be a table")
        unknown = set(entry) - {"source", *NOTICE_LANGUAGES}
        if unknown:
            raise PackError(f"{where}: unknown keys {sorted(unknown)}")
        missing = [lang for lang in NOTICE_LANGUAGES if not str(entry.get(lang, "")).strip()]
        if missing or not str(entry.get("source", "")).strip():
            raise PackError(f"{where} lacks {', '.join(missing or ['source'])}")
        texts = tuple((lang, " ".join(str(entry[lang]).split())) for lang in NOTICE_LANGUAGES)
        found[key] = Notice(key=key, texts=texts, source=str(entry["source"]).strip())
    return found


def _notice_of(entry: Mapping[str, Any], notices: Mapping[str, Notice]) -> Notice | None:
    """A disclosure rule's notice, which its pack must provide; None for a blocking rule."""
    if entry.get("effect", "block") != "disclose":
        return None
    key = dict(entry.get("params", {})).get("disclosure")
    if key not in notices:
        raise PackError(f"{entry['id']}: the pack has no text for disclosure {key!r}")
    return notices[str(key)]


def parse_pack(
    text: str,
    *,
    name: str,
    known_checks: Iterable[str],
    known_conditions: Iterable[str] = (),
) -> RulePack:
    """A pack from its TOML text; every problem is a ``PackError`` naming the rule."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PackError(f"{name}: {error}") from None
    try:
        check_shape(data, name)
    except ShapeError as error:
        raise PackError(str(error)) from None
    head = data.get("pack", {})
    pack_id = head.get("id") or name
    checks = set(known_checks)
    notices = _notices(data, pack_id)
    rules = []
    for entry in data.get("rule", []):
        missing = [k for k in ("id", "check", "reason", "source") if not entry.get(k)]
        if missing:
            raise PackError(f"{pack_id}: a rule lacks {', '.join(missing)}")
        rule_id = entry["id"]
        if entry["check"] not in checks:
            raise PackError(f"{rule_id}: unknown check {entry['check']!r}")
        if entry.get("effect", "block") not in {"block", "disclose"}:
            raise PackError(f"{rule_id}: effect must be block or disclose")
        rules.append(
            Rule(
                id=rule_id,
                check=entry["check"],
                reason=entry["reason"].strip(),
                source=entry["source"].strip(),
                pack=pack_id,
                actors=_set(entry.get("actors"), ActorType, rule_id) or ALL_ACTORS,
                channels=_set(entry.get("channels"), Channel, rule_id),
                categories=_set(entry.get("categories"), ActionCategory, rule_id),
                effect=entry.get("effect", "block"),
                params=dict(entry.get("params", {})),
                notice=_notice_of(entry, notices),
            )
        )
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise PackError(f"{pack_id}: rule ids repeat")
    try:
        exemptions = parse_exemptions(
            data.get("exemption", []),
            rules={r.id: r.effect for r in rules},
            known_conditions=known_conditions,
        )
    except ValueError as error:
        raise PackError(f"{pack_id}: {error}") from None
    return RulePack(
        id=pack_id,
        name=head.get("name", pack_id),
        rules=tuple(rules),
        states=frozenset(head["states"]) if "states" in head else None,
        localities=frozenset(head["localities"]) if "localities" in head else None,
        exemptions=exemptions,
    )


@cache
def default_packs() -> tuple[RulePack, ...]:
    """Every pack shipped in ``arrears/compliance/packs/``, federal first, then by file name."""
    from arrears.compliance.checks import CHECKS, CONDITIONS

    folder = files("arrears.compliance") / "packs"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".toml"))
    names.sort(key=lambda n: n != "us_federal.toml")
    packs = tuple(
        parse_pack(
            (folder / n).read_text(encoding="utf-8"),
            name=n[:-5],
            known_checks=CHECKS,
            known_conditions=CONDITIONS,
        )
        for n in names
    )
    ids = [rule.id for pack in packs for rule in pack.rules]
    ids += [exemption.id for pack in packs for exemption in pack.exemptions]
    if len(ids) != len(set(ids)):
        raise PackError("rule ids repeat across packs")
    return packs


def rules_for(packs: Iterable[RulePack], *, state: str, locality: str | None) -> tuple[Rule, ...]:
    """The rules of every pack that applies to a borrower in ``state`` / ``locality``."""
    return tuple(
        rule
        for pack in packs
        if pack.applies_to(state=state, locality=locality)
        for rule in pack.rules
    )
