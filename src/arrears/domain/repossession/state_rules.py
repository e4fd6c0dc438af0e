"""State rules for repossession, read from data (``data/state_rules.toml``).

- The right-to-cure notice: in states with a cure statute no repossession (other than a
  voluntary surrender) may happen until the cure period after the notice has passed, and some
  states allow the notice only after a number of days in default (e.g. K.S.A. 16a-5-111:
  20 days after a notice sent after 10 days' default). Elsewhere the lender's policy gives the
  borrower the default period.
- The notice of disposition: at least 10 days before the sale is the safe harbor of UCC 9-612
  for non-consumer transactions and the floor used here for consumer goods too; a state may ask
  for more (California's notice of intent, Cal. Civ. Code 2983.2).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any


@dataclass(frozen=True, slots=True)
class StateRules:
    state: str
    cure_days: int
    min_days_in_default: int
    disposition_notice_days: int
    cure_statute: str  # the source of the cure period (statute or lender policy)
    notice_statute: str  # the source of the disposition notice days
    verify: bool  # the numbers are not confirmed in the statute text: check before relying

    def __post_init__(self) -> None:
        if min(self.cure_days, self.min_days_in_default, self.disposition_notice_days) < 0:
            raise ValueError(f"{self.state}: day counts cannot be negative")
        if self.disposition_notice_days < 10:
            raise ValueError(f"{self.state}: the notice of disposition needs 10 days (9-612)")


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Every state's rules, with the default for states without a row."""

    default: StateRules
    states: dict[str, StateRules]

    def for_state(self, state: str) -> StateRules:
        code = state.upper()
        found = self.states.get(code)
        if found is not None:
            return found
        return StateRules(
            state=code,
            cure_days=self.default.cure_days,
            min_days_in_default=self.default.min_days_in_default,
            disposition_notice_days=self.default.disposition_notice_days,
            cure_statute=self.default.cure_statute,
            notice_statute=self.default.notice_statute,
            verify=self.default.verify,
        )


def parse_rule_book(text: str) -> RuleBook:
    """A rule book from TOML text (a lender may keep its own file with the same layout)."""
    data = tomllib.loads(text)
    base: dict[str, Any] = data["default"]
    default = _rules("default", base, base)
    states = {
        code.upper(): _rules(code.upper(), row, base)
        for code, row in dict(data.get("states", {})).items()
    }
    return RuleBook(default=default, states=states)


def _rules(state: str, row: dict[str, Any], base: dict[str, Any]) -> StateRules:
    def value(key: str) -> Any:
        return row.get(key, base[key])

    return StateRules(
        state=state,
        cure_days=int(value("cure_days")),
        min_days_in_default=int(value("min_days_in_default")),
        disposition_notice_days=int(value("disposition_notice_days")),
        cure_statute=str(value("cure_statute")),
        notice_statute=str(value("notice_statute")),
        verify=bool(value("verify")),
    )


@cache
def default_rule_book() -> RuleBook:
    """The rule book shipped with arrears."""
    text = files("arrears.domain.repossession").joinpath("data", "state_rules.toml")
    return parse_rule_book(text.read_text(encoding="utf-8"))
