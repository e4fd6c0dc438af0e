"""Vehicle Identification Numbers and their check digit (49 CFR 565.15)."""

from __future__ import annotations

import re
from typing import Final

#: 17 characters, letters I, O and Q never used.
VIN_PATTERN: Final[str] = r"^[A-HJ-NPR-Z0-9]{17}$"
_VIN_RE = re.compile(VIN_PATTERN)

_TRANSLITERATION: Final[dict[str, int]] = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}  # fmt: skip
_WEIGHTS: Final[tuple[int, ...]] = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def check_digit(vin: str) -> str:
    """The check digit (position 9) a VIN must carry: weighted sum mod 11, 10 written as X."""
    remainder = sum(_TRANSLITERATION[ch] * w for ch, w in zip(vin, _WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def vin_problem(vin: str) -> str | None:
    """Why ``vin`` is not a valid VIN, or None when it is."""
    if not _VIN_RE.match(vin):
        return "a VIN is 17 characters of A-Z and 0-9 without I, O or Q"
    expected = check_digit(vin)
    if vin[8] != expected:
        return f"check digit is {vin[8]!r} but should be {expected!r} (49 CFR 565.15)"
    return None


def with_check_digit(vin_without_check: str) -> str:
    """Complete a 17-character VIN whose position 9 is a placeholder (used by the simulator)."""
    draft = vin_without_check[:8] + "0" + vin_without_check[9:]
    return draft[:8] + check_digit(draft) + draft[9:]
