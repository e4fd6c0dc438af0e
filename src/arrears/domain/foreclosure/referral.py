"""When a mortgage may be referred to foreclosure, and by which method.

RESPA / Regulation X, 12 CFR 1024.41(f)(1): a servicer may not make the first notice or filing
for any judicial or non-judicial foreclosure unless the loan is **more than 120 days
delinquent**, the foreclosure is based on a due-on-sale violation, or the servicer joins the
action of a subordinate lienholder. 1024.41(f)(2): while a complete loss-mitigation application
received before the first filing is pending, no first filing. The method — judicial, power of
sale, both — is the state's (``data/foreclosure_states.toml``), with the reference's caveats
where sources differ.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any

from arrears.errors import RuleViolation

MIN_DAYS_DELINQUENT = 120  # referral only when MORE than this many days delinquent
RESPA_SOURCE = "12 CFR 1024.41(f)(1)"


class Method(StrEnum):
    JUDICIAL = "judicial"
    NON_JUDICIAL = "non_judicial"
    BOTH = "both"


class Exception120(StrEnum):
    """The exceptions 1024.41(f)(1) allows to the 120-day wait."""

    NONE = "none"
    DUE_ON_SALE = "due_on_sale"  # 1024.41(f)(1)(ii)
    JOINING_LIENHOLDER = "joining_lienholder"  # 1024.41(f)(1)(iii)


@dataclass(frozen=True, slots=True)
class StateMethod:
    state: str
    method: Method
    strict: bool = False  # strict foreclosure (CT, VT)
    verify: bool = False  # sources differ: counsel confirms before acting
    note: str = ""


@dataclass(frozen=True, slots=True)
class Methods:
    default: StateMethod
    states: dict[str, StateMethod]

    def for_state(self, state: str) -> StateMethod:
        code = state.upper()
        found = self.states.get(code)
        if found is not None:
            return found
        d = self.default
        return StateMethod(code, d.method, d.strict, d.verify, d.note)


def parse_methods(text: str) -> Methods:
    data = tomllib.loads(text)
    return Methods(
        default=_method("default", data["default"]),
        states={code: _method(code, row) for code, row in dict(data["states"]).items()},
    )


def _method(state: str, row: dict[str, Any]) -> StateMethod:
    return StateMethod(
        state=state,
        method=Method(row["method"]),
        strict=bool(row.get("strict", False)),
        verify=bool(row.get("verify", False)),
        note=str(row.get("note", "")),
    )


@cache
def default_methods() -> Methods:
    text = files("arrears.domain.foreclosure").joinpath("data", "foreclosure_states.toml")
    return parse_methods(text.read_text(encoding="utf-8"))


def check_referral(
    *,
    days_delinquent: int,
    exception: Exception120 = Exception120.NONE,
    loss_mitigation_pending: bool = False,
) -> None:
    """Refuse a referral RESPA forbids (raises ``RuleViolation``); silent when allowed."""
    if loss_mitigation_pending and exception is Exception120.NONE:
        raise RuleViolation(
            "a complete loss-mitigation application is pending: no first foreclosure filing "
            "until it is decided and any appeal is over",
            rule="foreclosure.loss_mitigation",
            source="12 CFR 1024.41(f)(2)",
        )
    if days_delinquent <= MIN_DAYS_DELINQUENT and exception is Exception120.NONE:
        raise RuleViolation(
            f"the loan is {days_delinquent} days delinquent: no first notice or filing until "
            f"it is more than {MIN_DAYS_DELINQUENT} days delinquent",
            rule="foreclosure.respa_120_days",
            source=RESPA_SOURCE,
        )
