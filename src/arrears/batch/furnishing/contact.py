"""May an account be reported yet? 12 CFR 1006.30(a) ("passive collection"), vectorised.

A debt collector must not furnish information about a debt before it has spoken to the
consumer about it, or mailed a letter / sent an electronic message about it and waited a
reasonable time (14 consecutive days, comment 30(a)-2) without a notice that it could not be
delivered. This is ``arrears.compliance.furnishing.contacted_for_furnishing`` over a whole
partition: the first day each loan may be furnished (null: not yet).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from arrears.domain.contact_log import Outcome

_CONVERSATIONS = [o.value for o in Outcome if o.is_conversation]
_WRITTEN = ["letter", "email", "sms"]
_SENT = [Outcome.SENT.value, Outcome.DELIVERED.value]


def furnishable_from(
    contacts: pl.DataFrame, *, as_of: date, zone: str, wait_days: int
) -> pl.DataFrame:
    """``(loan_id, furnishable_from)``: the first day a loan could be reported, judging only
    contacts on or before ``as_of`` (days in ``zone``); loans with none are absent."""
    days = contacts.with_columns(
        pl.col("at").dt.convert_time_zone(zone).dt.date().alias("day")
    ).filter(pl.col("day") <= as_of)
    spoken = days.filter(
        (pl.col("channel") == "call") & pl.col("outcome").is_in(_CONVERSATIONS)
    ).select("loan_id", pl.col("day").alias("from"))
    bounces = days.filter(pl.col("outcome") == Outcome.BOUNCED.value)
    written = (
        days.filter(
            (pl.col("direction") == "outbound")
            & pl.col("channel").is_in(_WRITTEN)
            & pl.col("outcome").is_in(_SENT)
        )
        .select("loan_id", "day", "reference")
        .with_row_index("row")
    )
    wait = timedelta(days=wait_days)
    bounced_reference = written.join(
        bounces.filter(pl.col("reference").is_not_null()).select("loan_id", "reference"),
        on=["loan_id", "reference"],
        how="semi",
    ).select("row")
    bounced_in_wait = (
        written.join(bounces.select("loan_id", pl.col("day").alias("bounced")), on="loan_id")
        .filter((pl.col("bounced") >= pl.col("day")) & (pl.col("bounced") < pl.col("day") + wait))
        .select("row")
    )
    delivered = (
        written.join(pl.concat([bounced_reference, bounced_in_wait]), on="row", how="anti")
        .select("loan_id", (pl.col("day") + wait).alias("from"))
        .filter(pl.col("from") <= as_of)
    )
    return (
        pl.concat([spoken, delivered])
        .group_by("loan_id")
        .agg(pl.col("from").min().alias("furnishable_from"))
    )
