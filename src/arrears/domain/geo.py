"""US geography the rules need: states, ZIP codes and the time zones of addresses and phones.

Data comes from two offline packages: ``zipcodes`` (every US ZIP with its state, city and time
zone) and ``phonenumbers`` (libphonenumber's NANP metadata and area-code time zones). Reg F's
inconvenient-time rule needs *every* time zone a borrower may be in — the address's and the
phone's — so both are looked up here (12 CFR 1006.6(b)(1)(i)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final

import phonenumbers
import zipcodes
from phonenumbers import timezone as phone_timezones

#: States, the District of Columbia and the inhabited territories, with their USPS codes.
STATES: Final[dict[str, str]] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
    "AS": "American Samoa", "MP": "Northern Mariana Islands",
}  # fmt: skip

#: The 50 states and DC: where statutes of limitation and state overlays are defined.
STATES_AND_DC: Final[frozenset[str]] = frozenset(STATES) - {"PR", "GU", "VI", "AS", "MP"}

ZIP_PATTERN: Final[str] = r"^[0-9]{5}(-[0-9]{4})?$"
_ZIP_RE = re.compile(ZIP_PATTERN)


@dataclass(frozen=True, slots=True)
class ZipInfo:
    zip5: str
    state: str
    city: str
    time_zone: str


@cache
def zip_directory() -> dict[str, ZipInfo]:
    """Every known ZIP (5 digits) with its state, city and IANA time zone."""
    directory: dict[str, ZipInfo] = {}
    for row in zipcodes.list_all():  # type: ignore[no-untyped-call]
        state = row["state"]
        if state not in STATES:
            continue  # military (AA/AE/AP) and freely associated states are not served
        directory[row["zip_code"]] = ZipInfo(
            zip5=row["zip_code"],
            state=state,
            city=row["city"].title(),
            time_zone=row["timezone"] or state_default_time_zone(state),
        )
    return directory


def is_zip(text: str) -> bool:
    return bool(_ZIP_RE.match(text))


def zip_info(zip_code: str) -> ZipInfo | None:
    """The ZIP's state, city and time zone; None for a ZIP that does not exist."""
    if not is_zip(zip_code):
        return None
    return zip_directory().get(zip_code[:5])


_STATE_DEFAULT_TZ: Final[dict[str, str]] = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix",
    "AR": "America/Chicago", "CA": "America/Los_Angeles", "CO": "America/Denver",
    "CT": "America/New_York", "DE": "America/New_York", "DC": "America/New_York",
    "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago", "KS": "America/Chicago", "KY": "America/New_York",
    "LA": "America/Chicago", "ME": "America/New_York", "MD": "America/New_York",
    "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
    "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver",
    "NE": "America/Chicago", "NV": "America/Los_Angeles", "NH": "America/New_York",
    "NJ": "America/New_York", "NM": "America/Denver", "NY": "America/New_York",
    "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York",
    "RI": "America/New_York", "SC": "America/New_York", "SD": "America/Chicago",
    "TN": "America/Chicago", "TX": "America/Chicago", "UT": "America/Denver",
    "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
    "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver",
    "PR": "America/Puerto_Rico", "GU": "Pacific/Guam", "VI": "America/St_Thomas",
    "AS": "Pacific/Pago_Pago", "MP": "Pacific/Saipan",
}  # fmt: skip


def state_default_time_zone(state: str) -> str:
    """The time zone most of a state lives in (used only when a ZIP has none on record)."""
    return _STATE_DEFAULT_TZ[state]


def state_time_zones(state: str) -> frozenset[str]:
    """Every time zone observed somewhere in the state (from its ZIP codes)."""
    return _time_zones_by_state().get(state, frozenset({state_default_time_zone(state)}))


@cache
def _time_zones_by_state() -> dict[str, frozenset[str]]:
    zones: dict[str, set[str]] = {}
    for info in zip_directory().values():
        zones.setdefault(info.state, set()).add(info.time_zone)
    return {state: frozenset(found) for state, found in zones.items()}


# -- phones ---------------------------------------------------------------------------------------

#: A North American Numbering Plan number in its 10 digits: NPA (area code) and exchange both
#: start with 2-9 (ATIS-0300051).
NANP_DIGITS_PATTERN: Final[str] = r"^[2-9][0-9]{2}[2-9][0-9]{6}$"
_NON_DIGITS = re.compile(r"[^0-9]")


def phone_digits(text: str) -> str:
    """The 10 NANP digits of a phone written any common way (+1, dots, dashes, brackets)."""
    digits = _NON_DIGITS.sub("", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


@cache
def area_code_directory() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Area code → (region code, time zones) for every US-assigned NANP area code."""
    directory: dict[str, tuple[str, tuple[str, ...]]] = {}
    for npa in range(200, 1000):
        number = phonenumbers.parse(f"+1{npa}2345678")
        if not phonenumbers.is_valid_number(number):
            continue
        region = phonenumbers.region_code_for_number(number) or ""
        if region not in {"US", "PR", "GU", "VI", "AS", "MP"}:
            continue
        zones = tuple(z for z in phone_timezones.time_zones_for_number(number) if "/" in z)
        directory[str(npa)] = (region, zones)
    return directory


def is_us_phone(text: str) -> bool:
    digits = phone_digits(text)
    return bool(re.match(NANP_DIGITS_PATTERN, digits)) and digits[:3] in area_code_directory()


def phone_time_zones(text: str) -> tuple[str, ...]:
    """The time zones the phone's area code covers (empty for an unknown area code)."""
    entry = area_code_directory().get(phone_digits(text)[:3])
    return entry[1] if entry else ()


def format_e164(text: str) -> str:
    return "+1" + phone_digits(text)
