"""Statutes of limitations: when a debt becomes time-barred, by state and contract type.

The table (``data/sol_by_state.csv``, vendored from the project's reference sheet with its
sources) gives the years per state for written, oral, promissory and open-account contracts.
A debt is time-barred once the period has run from its accrual (12 CFR 1006.26(a)); a collector
must then not sue or threaten to sue (1006.26(b)). A payment restarts the period under the
general rule, but not in the no-revival states of ``data/sol_revival.toml`` (NY CPLR 214-i,
Tex. Fin. Code 392.307, Md. CJP 5-1202, 32 M.R.S. 11013(8), Conn. 36a-814, Cal. CCP 337/360).
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from arrears.domain.loans import ContractType


@dataclass(frozen=True, slots=True)
class SolPeriods:
    state: str
    years: dict[ContractType, int]
    notes: str
    source: str


@dataclass(frozen=True, slots=True)
class SolStatus:
    """Where a debt stands against its statute of limitations on a date."""

    state: str
    contract_type: ContractType
    years: int
    accrued_on: date  # the start of the period that applies (after any restart)
    expires_on: date  # the first day the debt is time-barred
    time_barred: bool
    no_revival: bool
    source: str


def _data(name: str) -> str:
    return (files("arrears.compliance") / "data" / name).read_text(encoding="utf-8")


@cache
def sol_table() -> dict[str, SolPeriods]:
    """Every state's periods from the vendored CSV."""
    table: dict[str, SolPeriods] = {}
    for row in csv.DictReader(io.StringIO(_data("sol_by_state.csv"))):
        table[row["state"]] = SolPeriods(
            state=row["state"],
            years={kind: int(row[kind.value]) for kind in ContractType},
            notes=row["revival_by_payment_notes"],
            source=row["source"],
        )
    return table


@cache
def no_revival_states() -> dict[str, str]:
    """State → source, for states where a payment does not revive a time-barred debt."""
    data = tomllib.loads(_data("sol_revival.toml"))
    return {entry["code"]: entry["source"] for entry in data["state"]}


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def sol_status(
    *,
    state: str,
    contract_type: ContractType,
    accrued_on: date,
    payments: Iterable[date],
    as_of: date,
) -> SolStatus | None:
    """The debt's limitation status on ``as_of`` (None for a state not in the table).

    ``accrued_on`` is when the cause of action accrued (the default: first missed payment never
    cured). Each good payment after it restarts the period (before or after expiry) except in
    no-revival states, where the period keeps running from the accrual.
    """
    periods = sol_table().get(state)
    if periods is None:
        return None
    years = periods.years[contract_type]
    no_revival = state in no_revival_states()
    start = accrued_on
    if not no_revival:
        later = [paid for paid in payments if start < paid <= as_of]
        start = max(later, default=start)
    expires = add_years(start, years)
    source = periods.source
    if no_revival:
        source = f"{source}; {no_revival_states()[state]}"
    return SolStatus(
        state=state,
        contract_type=contract_type,
        years=years,
        accrued_on=start,
        expires_on=expires,
        time_barred=as_of >= expires,
        no_revival=no_revival,
        source=source,
    )
