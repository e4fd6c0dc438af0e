"""The treatment catalogue: every action a strategy can decide, what it costs and what it needs.

Treatments are data (``data/treatments.toml``) so that a lender can price them and the optimiser
can ration them by capacity class without code changes. ``category`` is the hold and compliance
category (``arrears.domain.holds.ActionCategory``): it is what the gate judges, not the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib.resources import files

from arrears.domain.holds import ActionCategory
from arrears.strategy.problems import StrategyInvalid, StrategyProblem
from arrears.strategy.toml_tables import Key, read_tables


class TreatmentKind(StrEnum):
    MESSAGE = "message"  # a message through a channel (SMS, email, letter)
    CALL_TASK = "call_task"  # a task in an agent work queue
    REVIEW = "review"  # an item people approve before anything happens
    BUREAU = "bureau"  # a credit-bureau (Metro 2) update
    NONE = "none"  # deliberately nothing


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"
    CALL = "call"


class CapacityClass(StrEnum):
    """Scarce resources the optimiser rations; ``CAPACITY_UNITS`` says what one unit is."""

    AGENT_MINUTES = "agent_minutes"
    LETTERS = "letters"
    SMS = "sms"
    EMAILS = "emails"
    LEGAL_BUDGET = "legal_budget"
    AGENCY_SLOTS = "agency_slots"
    REVIEWS = "reviews"


CAPACITY_UNITS: Mapping[CapacityClass, str] = {
    CapacityClass.AGENT_MINUTES: "agent minutes",
    CapacityClass.LETTERS: "letters printed and posted",
    CapacityClass.SMS: "text messages",
    CapacityClass.EMAILS: "emails",
    CapacityClass.LEGAL_BUDGET: "referrals the legal budget pays for",
    CapacityClass.AGENCY_SLOTS: "agency placements",
    CapacityClass.REVIEWS: "review items",
}


class ReviewQueue(StrEnum):
    OFFERS = "offers"
    AGENCY = "agency"
    LEGAL = "legal"
    REPOSSESSION = "repossession"
    FORECLOSURE = "foreclosure"
    CHARGE_OFF = "charge_off"
    HARDSHIP = "hardship"


class Requirement(StrEnum):
    """What an action cannot happen without; each is a Boolean column of the FEATURES frame."""

    MOBILE_PHONE = "mobile_phone"
    SMS_CONSENT = "sms_consent"  # prior express consent to texts (TCPA, 47 U.S.C. 227(b))
    EMAIL = "email"
    POSTAL_ADDRESS = "postal_address"
    PHONE = "phone"


@dataclass(frozen=True, slots=True)
class Treatment:
    id: str
    label: str
    kind: TreatmentKind
    category: ActionCategory
    cost_minor: int
    description: str = ""
    channel: Channel | None = None
    template: str | None = None
    capacity_class: CapacityClass | None = None
    capacity_units: int = 0
    review_queue: ReviewQueue | None = None
    requires: tuple[Requirement, ...] = ()
    required_by: str = ""

    @property
    def legally_required(self) -> bool:
        """Whether the law requires it: experiment hold-outs still get these treatments."""
        return bool(self.required_by)


@dataclass(frozen=True, slots=True)
class Catalogue(Mapping[str, Treatment]):
    """Treatments by id, in catalogue order."""

    treatments: tuple[Treatment, ...]
    source: str = "treatments.toml"
    _by_id: dict[str, Treatment] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {t.id: t for t in self.treatments})

    def __getitem__(self, treatment_id: str) -> Treatment:
        return self._by_id[treatment_id]

    def __iter__(self) -> Iterator[str]:
        return (t.id for t in self.treatments)

    def __len__(self) -> int:
        return len(self.treatments)


_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CHANNEL_NEEDS: Mapping[Channel, Requirement] = {
    Channel.SMS: Requirement.MOBILE_PHONE,
    Channel.EMAIL: Requirement.EMAIL,
    Channel.LETTER: Requirement.POSTAL_ADDRESS,
    Channel.CALL: Requirement.PHONE,
}


def _choices(enum: type[StrEnum]) -> frozenset[str]:
    return frozenset(member.value for member in enum)


KEYS: tuple[Key, ...] = (
    Key("id", str, required=True),
    Key("label", str, required=True),
    Key("description", str),
    Key("kind", str, required=True, choices=_choices(TreatmentKind)),
    Key("channel", str, choices=_choices(Channel)),
    Key("template", str),
    Key("category", str, required=True, choices=_choices(ActionCategory)),
    Key("cost_minor", int, required=True),
    Key("capacity_class", str, choices=_choices(CapacityClass)),
    Key("capacity_units", int, minimum=1),
    Key("review_queue", str, choices=_choices(ReviewQueue)),
    Key("requires", list, choices=_choices(Requirement)),
    Key("required_by", str),
)
"""Every key a ``[[treatment]]`` table may have (docs/strategy.md describes them)."""


def parse_catalogue(text: str, *, source: str) -> Catalogue:
    """A catalogue from TOML text; raises ``StrategyInvalid`` listing every problem with lines."""
    problems: list[StrategyProblem] = []
    tables = read_tables(text, source=source, name="treatment", keys=KEYS, problems=problems)
    if problems:
        raise StrategyInvalid(problems)
    first_line: dict[str, int] = {}
    for index, table in enumerate(tables):
        treatment_id = str(table.values["id"])
        where = f"treatment[{index}]"
        if treatment_id in first_line:
            message = f"duplicate id {treatment_id!r} (first on line {first_line[treatment_id]})"
            problems.append(StrategyProblem(source, table.line_of("id"), f"{where}.id", message))
        first_line.setdefault(treatment_id, table.line_of("id"))
        problems.extend(
            StrategyProblem(source, table.line_of(key), f"{where}.{key}", message)
            for key, message in _inconsistencies(table.values)
        )
    if problems:
        raise StrategyInvalid(problems)
    return Catalogue(tuple(_build(table.values) for table in tables), source)


def _inconsistencies(values: Mapping[str, object]) -> Iterator[tuple[str, str]]:
    """(key, message) for every combination of values that cannot describe a real action."""
    kind = TreatmentKind(str(values["kind"]))
    channel = Channel(str(values["channel"])) if "channel" in values else None
    requires = {Requirement(str(r)) for r in values.get("requires", [])}  # type: ignore[attr-defined]
    if not _ID.match(str(values["id"])):
        yield "id", "must be lower_snake_case (letters, digits, underscores)"
    if kind is TreatmentKind.MESSAGE and channel not in {
        Channel.SMS,
        Channel.EMAIL,
        Channel.LETTER,
    }:
        yield "channel", "a message needs a channel: sms, email or letter"
    if kind is TreatmentKind.CALL_TASK and channel is not Channel.CALL:
        yield "channel", "a call task's channel is call"
    if kind in {TreatmentKind.BUREAU, TreatmentKind.NONE} and channel is not None:
        yield "channel", f"a {kind} treatment sends nothing through a channel"
    if kind in {TreatmentKind.MESSAGE, TreatmentKind.CALL_TASK} and "template" not in values:
        yield "kind", f"a {kind} needs a template (message template or call script)"
    if (kind is TreatmentKind.REVIEW) != ("review_queue" in values):
        yield "review_queue", "reviews, and only reviews, name a review_queue"
    if kind is TreatmentKind.BUREAU and values["category"] != ActionCategory.CREDIT_REPORTING:
        yield "category", "a bureau update's category is credit_reporting"
    if ("capacity_class" in values) != ("capacity_units" in values):
        yield "capacity_units", "capacity_class and capacity_units go together"
    if channel is not None and _CHANNEL_NEEDS[channel] not in requires:
        yield "requires", f"channel {channel} needs {_CHANNEL_NEEDS[channel]} in requires"


def _build(values: Mapping[str, object]) -> Treatment:
    """A treatment from values ``read_tables`` and ``_inconsistencies`` found sound."""

    def text(key: str) -> str | None:
        value = values.get(key)
        return value if isinstance(value, str) else None

    def number(key: str) -> int:
        value = values.get(key, 0)
        return value if isinstance(value, int) else 0

    channel, capacity, queue = text("channel"), text("capacity_class"), text("review_queue")
    requires = values.get("requires", [])
    return Treatment(
        id=str(values["id"]),
        label=str(values["label"]),
        kind=TreatmentKind(str(values["kind"])),
        category=ActionCategory(str(values["category"])),
        cost_minor=number("cost_minor"),
        description=text("description") or "",
        channel=Channel(channel) if channel else None,
        template=text("template"),
        capacity_class=CapacityClass(capacity) if capacity else None,
        capacity_units=number("capacity_units"),
        review_queue=ReviewQueue(queue) if queue else None,
        requires=tuple(Requirement(str(r)) for r in requires) if isinstance(requires, list) else (),
        required_by=text("required_by") or "",
    )


@cache
def default_catalogue() -> Catalogue:
    """The catalogue shipped with arrears (``arrears/strategy/data/treatments.toml``)."""
    text = files("arrears.strategy.data").joinpath("treatments.toml").read_text(encoding="utf-8")
    return parse_catalogue(text, source="treatments.toml")
