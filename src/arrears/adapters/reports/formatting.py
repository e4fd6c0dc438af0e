"""Values as people read them: money with its symbol, rates as percentages, counts grouped.

Amounts arrive as integer minor units (or, for per-account averages, a float of minor units)
and are turned into ``Money`` only here, at display.
"""

from __future__ import annotations

import math
import re
from datetime import date

from arrears.analytics.report_model import Unit, Value
from arrears.domain.money import Money

DASH = "—"


def money(minor: float | int, currency: str, *, whole: bool = False) -> str:
    if currency == "":
        currency = "USD"
    return Money(round(minor), currency).format(whole=whole)


def percent(value: float, *, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"


def fmt(value: Value, unit: Unit, currency: str) -> str:
    """One table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return _number(value, unit, currency)


def _number(value: int | float, unit: Unit, currency: str) -> str:
    if unit == "money":
        return money(value, currency, whole=abs(value) >= 10_000_000)
    if unit == "ratio":
        return percent(float(value), digits=2 if abs(value) < 0.1 else 1)
    if unit in ("count", "months"):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 1 else f"{value:,.2f}"
    return f"{value:,}"


def compact_money(minor: float, currency: str) -> str:
    """Axis labels: ``$1.2M``, ``$350K``, ``$75``."""
    amount = Money(round(minor), currency or "USD")
    units = float(amount.to_decimal())
    symbol = re.sub(r"[0-9.,]+$", "", Money(0, amount.currency).format())
    sign = "-" if units < 0 else ""
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(units) >= threshold:
            return f"{sign}{symbol}{abs(units) / threshold:.1f}{suffix}"
    return amount.format(whole=True)
