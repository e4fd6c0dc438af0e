"""Reading the ``optimise:`` block of a strategy file: the capacity-aware optimiser, on request.

```yaml
optimise:
  capacities:                 # per business day; a class left out has no limit
    agent_minutes: 2_400      # 40 agent-hours
    letters: 600
    legal_budget: 4           # referrals the legal budget pays for
    agency_slots: 25
    settlement_discount: 15_000   # dollars of settlement discounts offered per day
  horizon_days: 90            # expected recovery is counted over this many days (default 90)
  annual_discount_rate: 0.08  # collections later are worth less (default 0.08)
  model: recovery             # the scoring model the values come from (default: recovery)
  per_accounts: 1_000         # optional: the capacities are per 1,000 accounts decided
  keep: [agency_placement_review]   # optional: treatments the strategy's rules decide alone
```
With the block, the cycle keeps the strategy's candidates as the *menu* and lets the optimiser
choose at most one discretionary treatment per account (legally required ones always go
ahead), maximising expected net recovery within the capacities (docs/decision-engine.md).
"""

from __future__ import annotations

from decimal import Decimal

from arrears.domain.file_names import plain_name_problem
from arrears.strategy.catalogue import CapacityClass, Catalogue
from arrears.strategy.model import SETTLEMENT_DISCOUNT, Optimise
from arrears.strategy.yaml_reader import Node, Reader, line_of, suggest

OPTIMISE_FIELDS = (
    "capacities",
    "per_accounts",
    "horizon_days",
    "annual_discount_rate",
    "model",
    "keep",
)
CAPACITY_NAMES = (*(c.value for c in CapacityClass), SETTLEMENT_DISCOUNT)
"""Classes a capacity may be given for: the catalogue's, and the settlement-discount budget."""


def read_optimise(reader: Reader, node: Node, *, catalogue: Catalogue) -> Optimise | None:
    """The block, or None (with the problems recorded) when any part of it is wrong."""
    before = len(reader.problems)
    entries = reader.mapping(node, "optimise", allowed=OPTIMISE_FIELDS, required=("capacities",))
    if entries is None or "capacities" not in entries:
        return None
    capacities = _capacities(reader, entries["capacities"])
    horizon = (
        reader.whole(entries["horizon_days"], "optimise.horizon_days", minimum=1)
        if "horizon_days" in entries
        else 90
    )
    rate = Decimal("0.08")
    if "annual_discount_rate" in entries:
        found = reader.number(entries["annual_discount_rate"], "optimise.annual_discount_rate")
        if found is not None and not Decimal(0) <= found < 1:
            reader.error(
                entries["annual_discount_rate"],
                "optimise.annual_discount_rate",
                f"an annual rate is at least 0 and below 1, not {found}",
            )
        rate = found if found is not None else rate
    model = reader.text(entries["model"], "optimise.model") if "model" in entries else "recovery"
    if model is not None and (problem := plain_name_problem(model)):
        reader.error(entries["model"], "optimise.model", f"a model is named, not a path: {problem}")
    per_accounts = (
        reader.whole(entries["per_accounts"], "optimise.per_accounts", minimum=1)
        if "per_accounts" in entries
        else None
    )
    keep = _keep(reader, entries["keep"], catalogue) if "keep" in entries else ()
    if len(reader.problems) > before or horizon is None or model is None:
        return None
    return Optimise(
        capacities=capacities,
        horizon_days=horizon,
        annual_discount_rate=rate,
        model=model,
        per_accounts=per_accounts,
        keep=keep,
        line=line_of(node),
    )


def _keep(reader: Reader, node: Node, catalogue: Catalogue) -> tuple[str, ...]:
    """Catalogue treatments the optimiser leaves to the rules (always planned when due)."""
    found = []
    for name, name_node in reader.texts(node, "optimise.keep") or []:
        if name not in catalogue:
            hint = suggest(name, catalogue)
            reader.error(name_node, "optimise.keep", f"unknown treatment {name!r}{hint}")
        else:
            found.append(name)
    return tuple(found)


def _capacities(reader: Reader, node: Node) -> tuple[tuple[str, int], ...]:
    """(class, units per day); the settlement-discount budget in dollars becomes cents."""
    before = len(reader.problems)
    entries = reader.mapping(node, "optimise.capacities", allowed=CAPACITY_NAMES)
    found: list[tuple[str, int]] = []
    for name, value_node in (entries or {}).items():
        path = f"optimise.capacities.{name}"
        if name == SETTLEMENT_DISCOUNT:
            dollars = reader.number(value_node, path)
            if dollars is None:
                continue
            cents = dollars * 100
            if dollars < 0 or cents != cents.to_integral_value():
                reader.error(value_node, path, f"a budget in dollars and cents ≥ 0, not {dollars}")
                continue
            found.append((name, int(cents)))
        else:
            units = reader.whole(value_node, path, minimum=0)
            if units is not None:
                found.append((name, units))
    if entries is not None and not found and len(reader.problems) == before:
        reader.error(node, "optimise.capacities", "give at least one capacity")
    return tuple(found)
