"""Appendage segments (metro2.md §5.12): J1/J2 for co-borrowers, K1 original creditor, K2
purchased from.

A co-borrower at the borrower's address is a J1 (same address), elsewhere a J2 with its own
address; both carry their own ECOA code (2 joint, X deceased) and Consumer Information
Indicator. A loan with an original creditor (bought or placed debt) carries a K1 with that
creditor and its classification; a debt buyer also names who it was purchased from (K2).
"""

from __future__ import annotations

from typing import Final

import polars as pl

from arrears.batch.furnishing.codes import COLLECTION_CODES, PRODUCTS, FurnisherKind
from arrears.batch.furnishing.people import ascii_upper

_PERSON: Final = (
    "surname",
    "first_name",
    "middle_name",
    "generation_code",
    "social_security_number",
    "date_of_birth",
    "telephone_number",
    "ecoa_code",
    "consumer_information_indicator",
)
_ADDRESS: Final = (
    "first_line_of_address",
    "second_line_of_address",
    "city",
    "state",
    "postal_zip_code",
)


def _fields(names: tuple[str, ...]) -> list[pl.Expr]:
    return [pl.col(f"co_{name}").alias(name) for name in names]


def _listed(present: pl.Expr, segment: pl.Expr) -> pl.Expr:
    """A list holding ``segment`` where ``present``, empty elsewhere."""
    return pl.concat_list(pl.when(present).then(segment)).list.drop_nulls()


def co_borrower_segments() -> list[pl.Expr]:
    """``j1`` and ``j2`` columns from the ``co_*`` person columns (``co_borrower_id`` null
    when the loan has none)."""
    present = pl.col("co_borrower_id").is_not_null()
    same = (
        (pl.col("co_first_line_of_address") == pl.col("first_line_of_address"))
        & (pl.col("co_city") == pl.col("city"))
        & (pl.col("co_state") == pl.col("state"))
        & (
            pl.col("co_postal_zip_code").str.slice(0, 5)
            == pl.col("postal_zip_code").str.slice(0, 5)
        )
    ).fill_null(False)
    j1 = pl.struct(_fields(_PERSON))
    j2 = pl.struct(_fields(_PERSON + _ADDRESS))
    return [
        _listed(present & same, j1).alias("j1"),
        _listed(present & ~same, j2).alias("j2"),
    ]


def creditor_segments(furnisher: FurnisherKind) -> list[pl.Expr]:
    """``k1`` (and ``k2`` for a debt buyer) where the loan names an original creditor."""
    name = ascii_upper(pl.col("original_creditor"), 30)
    present = name.str.len_chars() > 0
    classification = pl.col("product").replace_strict(
        {product: codes.creditor_classification for product, codes in PRODUCTS.items()},
        default=COLLECTION_CODES[FurnisherKind.COLLECTOR].creditor_classification,
        return_dtype=pl.String,
    )
    k1 = pl.when(present).then(
        pl.struct(
            name.alias("original_creditor_name"),
            classification.alias("creditor_classification"),
        )
    )
    columns = [k1.alias("k1")]
    if furnisher is FurnisherKind.DEBT_BUYER:
        k2 = pl.when(present).then(
            pl.struct(
                pl.lit("1").alias("purchased_sold_indicator"),
                name.alias("purchased_sold_name"),
            )
        )
        columns.append(k2.alias("k2"))
    return columns
