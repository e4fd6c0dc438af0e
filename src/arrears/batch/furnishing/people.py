"""Borrowers as Metro 2 spells them: names, address, SSN, date of birth, phone (§5.3 #30-46).

Metro 2 text is upper-case printable ASCII (metro2.md "Conventions", "Pitfalls"): names are
transliterated (``García`` → ``GARCIA``), then fitted to the field — furnishing shortens a
name or address that is longer than its field (the codec itself refuses, never truncates).
SSNs are nine digits, phones the last ten digits; anything else is reported as not available.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from arrears.batch.furnishing.codes import GENERATION

#: Field widths of the base segment and J1/J2 (§5.3, §5.12).
WIDTHS: Final = {
    "surname": 25,
    "first_name": 20,
    "middle_name": 20,
    "first_line_of_address": 32,
    "second_line_of_address": 32,
    "city": 20,
    "state": 2,
    "postal_zip_code": 9,
}
_FOLDED: Final = {"ß": "SS", "Æ": "AE", "æ": "AE", "Ø": "O", "ø": "O", "Œ": "OE", "œ": "OE",
                  "Ł": "L", "ł": "L", "Đ": "D", "đ": "D", "Þ": "TH", "þ": "TH"}  # fmt: skip


def ascii_upper(text: pl.Expr, width: int) -> pl.Expr:
    """Transliterated, upper-case, single-spaced printable ASCII of at most ``width`` bytes."""
    folded = text.fill_null("").str.normalize("NFKD").str.replace_all(r"\p{M}", "")
    for letter, spelled in _FOLDED.items():
        folded = folded.str.replace_all(letter, spelled, literal=True)
    cleaned = (
        folded.str.replace_all(r"[^\x20-\x7E]", "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.to_uppercase()
    )
    return cleaned.str.slice(0, width).str.strip_chars_end()


def digits(text: pl.Expr) -> pl.Expr:
    return text.fill_null("").str.replace_all(r"\D", "")


def ssn_number(ssn: pl.Expr) -> pl.Expr:
    """§5.3 #34: nine digits as a number; null (zero-filled) when not nine digits."""
    only = digits(ssn)
    return pl.when(only.str.len_chars() == 9).then(only.cast(pl.Int64, strict=False))


def phone_number(phone: pl.Expr) -> pl.Expr:
    """§5.3 #36: the last ten digits of a US number; null when there are fewer."""
    only = digits(phone)
    return pl.when(only.str.len_chars() >= 10).then(
        only.str.slice(-10).cast(pl.Int64, strict=False)
    )


def postal_code(zip_code: pl.Expr) -> pl.Expr:
    """§5.3 #44: ZIP or ZIP+4 as digits (9 at most)."""
    return digits(zip_code).str.slice(0, 9)


def generation_code(suffix: pl.Expr) -> pl.Expr:
    """§5.13: J, S or 2-9 from a name suffix (``Jr.``, ``III``); blank otherwise."""
    key = suffix.fill_null("").str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")
    return key.replace_strict(GENERATION, default="", return_dtype=pl.String)


def person_columns(prefix: str = "") -> list[pl.Expr]:
    """A person's Metro 2 fields from the ``PEOPLE`` columns, named ``{prefix}{field}``."""
    return [
        ascii_upper(pl.col("last_name"), WIDTHS["surname"]).alias(f"{prefix}surname"),
        ascii_upper(pl.col("first_name"), WIDTHS["first_name"]).alias(f"{prefix}first_name"),
        ascii_upper(pl.col("middle_name"), WIDTHS["middle_name"]).alias(f"{prefix}middle_name"),
        generation_code(pl.col("suffix")).alias(f"{prefix}generation_code"),
        ssn_number(pl.col("ssn")).alias(f"{prefix}social_security_number"),
        pl.col("dob").alias(f"{prefix}date_of_birth"),
        phone_number(pl.col("phone")).alias(f"{prefix}telephone_number"),
        ascii_upper(pl.col("address_line1"), WIDTHS["first_line_of_address"]).alias(
            f"{prefix}first_line_of_address"
        ),
        ascii_upper(pl.col("address_line2"), WIDTHS["second_line_of_address"]).alias(
            f"{prefix}second_line_of_address"
        ),
        ascii_upper(pl.col("city"), WIDTHS["city"]).alias(f"{prefix}city"),
        ascii_upper(pl.col("state"), WIDTHS["state"]).alias(f"{prefix}state"),
        postal_code(pl.col("zip")).alias(f"{prefix}postal_zip_code"),
        pl.col("ssn_index").alias(f"{prefix}ssn_index"),
        pl.col("dob_index").alias(f"{prefix}dob_index"),
        pl.col("borrower_id").alias(f"{prefix}borrower_id"),
    ]


def people_of(people: pl.DataFrame, prefix: str = "") -> pl.DataFrame:
    """``people`` as Metro 2 person fields, keyed by ``{prefix}borrower_id``."""
    return people.select(person_columns(prefix))
