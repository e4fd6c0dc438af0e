"""Accounts for strategy tests: FEATURES and HISTORY frames from a few keyword overrides."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from arrears.batch.decisions import FEATURES, HISTORY
from arrears.domain.delinquency import DEFAULT_BUCKETS

AS_OF = date(2026, 6, 30)

BASE: dict[str, Any] = {
    "product": "personal",
    "contract_state": "OH",
    "borrower_state": "OH",
    "dpd": 0,
    "bucket": "current",
    "balance_minor": 250_000,
    "past_due_minor": 0,
    "charged_off": False,
    "days_since_contact": None,
    "has_mobile": True,
    "sms_consent": True,
    "has_email": True,
    "has_phone": True,
    "has_postal_address": True,
    "collateral": None,
    "ltv_bp": None,
    "score": None,
    "promise": "none",
    "plan": "none",
    "episode_start": None,
    "validation_sent": False,
}
"""A current, unsecured personal loan with every contact point and consent."""


def account(**changes: Any) -> dict[str, Any]:
    """``BASE`` with ``changes``; a positive ``dpd`` also sets the bucket and episode start."""
    row = {**BASE, **changes}
    dpd = int(row["dpd"])
    if dpd > 0 and "episode_start" not in changes:
        row["episode_start"] = AS_OF - timedelta(days=dpd)
    if "bucket" not in changes:
        row["bucket"] = DEFAULT_BUCKETS.bucket_for(dpd)
    return row


def features(*accounts: dict[str, Any]) -> pl.DataFrame:
    """A FEATURES frame; accounts without a ``loan_id`` are numbered 1, 2, 3… in order."""
    rows = [{"loan_id": row.get("loan_id", i + 1), **row} for i, row in enumerate(accounts)]
    return pl.DataFrame(rows, schema=FEATURES)


def history(*rows: tuple[int, str, date, int]) -> pl.DataFrame:
    """A HISTORY frame from ``(loan_id, treatment, last_on, times)`` rows."""
    return pl.DataFrame(rows, schema=HISTORY, orient="row")


def days_ago(days: int) -> date:
    return AS_OF - timedelta(days=days)
