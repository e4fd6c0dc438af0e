"""Treatment rules read from a strategy file: which treatment, its cadence and extra conditions.

```yaml
- treatment: agent_call
  from_day: 7        # due from DPD 7 …
  every: 3           # … and again 3 days after it was last decided
  until_day: 29
  when: {balance: {min: 250}}
  priority: 50
```
``on_day: 3`` is once per episode from DPD 3; ``once: true`` without a day is once per episode;
``before_first_contact: true`` is due only while no validation notice has been sent and goes
ahead of the account's other treatments, so the notice precedes the first collection contact
(12 CFR 1006.34(a)).
"""

from __future__ import annotations

from arrears.domain.delinquency import BucketScheme
from arrears.strategy.catalogue import Catalogue
from arrears.strategy.conditions import read_conditions
from arrears.strategy.model import Cadence, TreatmentRule
from arrears.strategy.yaml_reader import Node, Reader, line_of, suggest

RULE_FIELDS = (
    "treatment",
    "on_day",
    "from_day",
    "until_day",
    "every",
    "once",
    "max_times",
    "before_first_contact",
    "when",
    "priority",
)


def read_rules(
    reader: Reader, node: Node, path: str, *, catalogue: Catalogue, buckets: BucketScheme
) -> tuple[TreatmentRule, ...]:
    """The rules of a ``treatments:`` list, in order; bad rules are problems and left out."""
    rules = []
    for index, item in enumerate(reader.sequence(node, path) or []):
        rule = _read_rule(reader, item, f"{path}[{index}]", catalogue=catalogue, buckets=buckets)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _read_rule(
    reader: Reader, node: Node, path: str, *, catalogue: Catalogue, buckets: BucketScheme
) -> TreatmentRule | None:
    entries = reader.mapping(node, path, allowed=RULE_FIELDS, required=("treatment",))
    if entries is None or "treatment" not in entries:
        return None
    before = len(reader.problems)
    treatment = reader.text(entries["treatment"], f"{path}.treatment")
    if treatment is not None and treatment not in catalogue:
        hint = suggest(treatment, catalogue)
        reader.error(
            entries["treatment"], f"{path}.treatment", f"unknown treatment {treatment!r}{hint}"
        )
    cadence = _read_cadence(reader, entries, path, node)
    when = (
        read_conditions(reader, entries["when"], f"{path}.when", buckets=buckets)
        if "when" in entries
        else ()
    )
    priority = (
        reader.whole(entries["priority"], f"{path}.priority", minimum=0)
        if "priority" in entries
        else 0
    )
    if len(reader.problems) > before or treatment is None or cadence is None:
        return None
    return TreatmentRule(treatment, cadence, when, priority or 0, line_of(node))


def _read_cadence(
    reader: Reader, entries: dict[str, Node], path: str, node: Node
) -> Cadence | None:
    minimums = {"on_day": 0, "from_day": 0, "until_day": 0, "every": 1, "max_times": 1}
    days = {
        key: reader.whole(entries[key], f"{path}.{key}", minimum=minimum)
        for key, minimum in minimums.items()
        if key in entries
    }
    flags: dict[str, bool | None] = {
        key: reader.flag(entries[key], f"{path}.{key}")
        for key in ("once", "before_first_contact")
        if key in entries
    }
    if None in days.values() or None in flags.values():
        return None
    problem = _contradiction(days, flags)
    if problem:
        reader.error(node, path, problem)
        return None
    return Cadence(
        from_dpd=days.get("on_day", days.get("from_day")),
        until_dpd=days.get("until_day"),
        every_days=days.get("every"),
        max_times=days.get("max_times"),
        before_first_contact=bool(flags.get("before_first_contact", False)),
    )


def _contradiction(days: dict[str, int | None], flags: dict[str, bool | None]) -> str:
    """Why the cadence keys cannot all hold, or '' when they are consistent."""
    start = days.get("on_day", days.get("from_day"))
    until = days.get("until_day")
    checks = (
        ("on_day" in days and "from_day" in days, "give on_day (once) or from_day, not both"),
        (
            "on_day" in days and "every" in days,
            "on_day is once per episode; use from_day with every to repeat",
        ),
        (flags.get("once") is True and "every" in days, "once: true contradicts every"),
        (
            flags.get("once") is False and "every" not in days,
            "a repeating rule needs every: N (days between treatments)",
        ),
        (
            "max_times" in days and "every" not in days,
            "max_times applies to repeating rules (with every)",
        ),
        (
            start is not None and until is not None and until < start,
            f"until_day {until} comes before the first day {start}",
        ),
    )
    return next((message for broken, message in checks if broken), "")
