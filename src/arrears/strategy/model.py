"""A strategy: ordered segments of accounts, each with an ordered list of treatment rules.

The first segment whose conditions an account meets is its segment. Each treatment rule says
when in the delinquency episode the treatment is due (its cadence) and may add conditions of
its own. Experiments (champion/challenger) change the rules for a share of a segment's accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from arrears.domain.delinquency import DEFAULT_BUCKETS, BucketScheme
from arrears.strategy.conditions import Condition, describe

HOLDOUT = "holdout"
"""The arm name of an experiment's hold-out: only what the law requires."""

SETTLEMENT_DISCOUNT = "settlement_discount"
"""The optimiser's budget of settlement discounts (cents per day), beside the catalogue's
capacity classes."""


@dataclass(frozen=True, slots=True)
class Cadence:
    """When a rule's treatment is due, in days past due (DPD) of the current episode.

    Due from DPD ``from_dpd`` to ``until_dpd`` (inclusive; None = no bound): once per episode
    when ``every_days`` is None, otherwise again once ``every_days`` days have passed since it
    was last decided, at most ``max_times`` times per episode. Because "once from day 3" is due
    on the first cycle day with DPD ≥ 3, a weekend or holiday on day 3 delays it, never skips it.
    """

    from_dpd: int | None = None
    until_dpd: int | None = None
    every_days: int | None = None
    max_times: int | None = None
    before_first_contact: bool = False

    @property
    def once(self) -> bool:
        return self.every_days is None

    def describe(self, treatment: str) -> str:
        """``reminder_sms on day 3 of the episode``, ``agent_call every 3 days from day 7``…"""
        if self.once and not self.before_first_contact:
            start = self.from_dpd
            when = "once per episode" if start is None else f"on day {start} of the episode"
        else:
            steps = [("before the first collection contact" if self.before_first_contact else "")]
            if self.every_days is not None:
                steps.append(f"every {self.every_days} day{'s' * (self.every_days != 1)}")
            when = ", ".join(step for step in steps if step)
            when += f" from day {self.from_dpd}" if self.from_dpd is not None else ""
        if self.until_dpd is not None:
            when += f" until day {self.until_dpd}"
        if self.max_times is not None:
            when += f", at most {self.max_times} times"
        return f"{treatment} {when}"


@dataclass(frozen=True, slots=True)
class TreatmentRule:
    treatment: str
    cadence: Cadence = field(default_factory=Cadence)
    when: tuple[Condition, ...] = ()
    priority: int = 0  # a hint for work queues and the optimiser: higher comes first
    line: int = field(default=0, compare=False)

    def describe(self) -> str:
        text = self.cadence.describe(self.treatment)
        return f"{text} if {describe(self.when)}" if self.when else text


@dataclass(frozen=True, slots=True)
class Segment:
    name: str
    when: tuple[Condition, ...] = ()
    treatments: tuple[TreatmentRule, ...] = ()
    description: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Arm:
    """A share of an experiment's accounts and the treatments they get.

    The champion keeps its segment's own rules; a challenger replaces them with ``treatments``
    or hands the account to another strategy (``strategy``, read from ``strategy_file``).
    """

    name: str
    share: Decimal
    treatments: tuple[TreatmentRule, ...] | None = None
    strategy_file: str | None = None
    strategy: Strategy | None = None
    line: int = field(default=0, compare=False)

    @property
    def champion(self) -> bool:
        return self.treatments is None and self.strategy_file is None


@dataclass(frozen=True, slots=True)
class Experiment:
    """Champion/challenger on some segments; the hold-out share gets only required treatments."""

    id: str
    segments: tuple[str, ...]
    arms: tuple[Arm, ...]
    holdout: Decimal = Decimal(0)
    description: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Optimise:
    """The strategy asks the optimiser to choose among its candidates within these capacities.

    ``capacities`` are units per business day by class (the settlement-discount budget in
    cents); a class not listed has no limit. Expected collections over ``horizon_days`` are
    discounted at ``annual_discount_rate``; ``model`` names the scoring model that values them.
    """

    capacities: tuple[tuple[str, int], ...]
    horizon_days: int = 90
    annual_discount_rate: Decimal = Decimal("0.08")
    model: str = "recovery"
    per_accounts: int | None = None  # capacities are per this many accounts decided
    keep: tuple[str, ...] = ()  # treatments the optimiser never drops: the rules decide them
    line: int = field(default=0, compare=False)

    def capacity(self, name: str) -> int | None:
        return dict(self.capacities).get(name)

    def scaled(self, accounts: int, *, of: int | None = None) -> dict[str, int]:
        """Whole units of capacity for deciding ``accounts`` accounts out of ``of``.

        As written for the whole book (a partition gets ``accounts / of`` of them), or per
        ``per_accounts`` accounts. Shares are rounded to whole units (half to even), so a
        partition never counts on a fraction of a referral it cannot make.
        """
        if self.per_accounts is not None:
            share = Fraction(accounts, self.per_accounts)
        else:
            share = Fraction(accounts, of) if of else Fraction(1)
        return {name: round(units * share) for name, units in self.capacities}


@dataclass(frozen=True, slots=True)
class Strategy:
    name: str
    version: int
    segments: tuple[Segment, ...]
    experiments: tuple[Experiment, ...] = ()
    description: str = ""
    buckets: BucketScheme = DEFAULT_BUCKETS  # the scheme its bucket conditions name
    source: str = field(default="", compare=False)
    optimise: Optimise | None = None  # choose among candidates within capacities

    def segment(self, name: str) -> Segment:
        return next(s for s in self.segments if s.name == name)

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"
