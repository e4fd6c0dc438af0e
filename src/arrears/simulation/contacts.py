"""How to reach a borrower: fictional phone numbers and reserved email addresses, with consents.

Nothing here can reach a real person: phone numbers are in the 555-0100–0199 range reserved for
fiction (ATIS-0300115) under real area codes of the borrower's state, and email addresses are at
the ``example.*`` domains reserved for documentation (RFC 2606). Most borrowers have a mobile
and an email, some only one of them, a few neither; most mobiles carry SMS consent.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from arrears.simulation.draws import Draws, Ints
from arrears.simulation.formats import flag_text, join_text, keep_where
from arrears.simulation.places import Addresses, draw_state_area_codes


def _phones(draws: Draws, keys: Ints, *, area_codes: Ints, kind: str, share: float) -> pl.Series:
    """``NPA-555-01XX`` numbers: fictional lines under a real area code of the borrower's state."""
    line = draws.integers(f"person.{kind}.line", keys, low=0, high=100)
    phone = join_text(
        pl.Series(area_codes).cast(pl.String),
        pl.lit("-555-01"),
        pl.Series(line).cast(pl.String).str.zfill(2),
    )
    return keep_where(phone.alias(kind), draws.chance(f"person.{kind}.has", keys, share))


def phone_columns(draws: Draws, keys: Ints, *, addresses: Addresses) -> dict[str, pl.Series]:
    """Mobile, home and work numbers and SMS consent (only ever given with a mobile)."""
    state = addresses.state_index
    local = addresses.area_codes
    elsewhere = draw_state_area_codes(draws, keys=keys, state_index=state, stream="person.mobile")
    mobile_codes = np.where(draws.chance("person.mobile.local", keys, 0.7), local, elsewhere)
    mobile = _phones(draws, keys, area_codes=mobile_codes, kind="mobile_phone", share=0.88)
    work_codes = draw_state_area_codes(draws, keys=keys, state_index=state, stream="person.work")
    consent = keep_where(
        pl.Series(draws.chance("person.sms_consent", keys, 0.82)), mobile.is_not_null()
    )
    return {
        "mobile_phone": mobile,
        "home_phone": _phones(draws, keys, area_codes=local, kind="home_phone", share=0.28),
        "work_phone": _phones(draws, keys, area_codes=work_codes, kind="work_phone", share=0.14),
        "sms_consent": pl.select(flag_text(pl.lit(consent))).to_series(),
    }


def email_columns(
    draws: Draws, keys: Ints, *, first_token: pl.Series, last_token: pl.Series
) -> dict[str, pl.Series]:
    """Personal and work emails built from the names' email tokens, and email opt-outs."""
    number = pl.Series(draws.integers("person.email.number", keys, low=1, high=100)).cast(pl.String)
    pattern = draws.choice("person.email.pattern", keys, (0.35, 0.2, 0.2, 0.25))
    local_part = pl.select(
        pl.when(pl.Series(pattern == 0))
        .then(pl.concat_str(first_token, pl.lit("."), last_token))
        .when(pl.Series(pattern == 1))
        .then(pl.concat_str(first_token, last_token))
        .when(pl.Series(pattern == 2))
        .then(pl.concat_str(first_token.str.slice(0, 1), last_token, number))
        .otherwise(pl.concat_str(first_token, pl.lit("."), last_token, number))
    ).to_series()
    domain = pl.Series(np.where(draws.chance("person.email.net", keys, 0.45), "net", "com"))
    email = keep_where(
        join_text(local_part, pl.lit("@example."), domain).alias("email"),
        draws.chance("person.email.has", keys, 0.82),
    )
    work_email = keep_where(
        join_text(first_token, pl.lit("."), last_token, pl.lit("@example.org")),
        draws.chance("person.work_email.has", keys, 0.09),
    )
    opted_out = keep_where(
        pl.Series(draws.chance("person.email_opt_out", keys, 0.03)), email.is_not_null()
    )
    return {
        "email": email,
        "work_email": work_email,
        "email_opt_out": pl.select(flag_text(pl.lit(opted_out))).to_series(),
    }
