"""Trailer totals recomputed from the records (metro2.md §5.11), chunk by chunk.

Writers put these totals in the trailer; readers compare the trailer they find with them. SSNs
that are zero- or nine-filled, and zero dates of birth and telephone numbers, are not counted
(moov's field descriptions); blank placeholder segments are never counted.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any, Final

import numpy as np

from arrears.formats.metro2.codec import digits
from arrears.formats.metro2.codec.columns import FieldIssue
from arrears.formats.metro2.model import TrailerRecord
from arrears.formats.metro2.spec import TRAILER, TRAILER_COUNTERS
from arrears.formats.metro2.spec.codes import ACCOUNT_STATUS
from arrears.formats.metro2.validation.fields import SegmentFields

_STATUSES: Final = tuple(sorted(ACCOUNT_STATUS.codes))
_STATUS_INDEX: Final = np.full(65_536, len(_STATUSES), dtype=np.int64)
for _index, _code in enumerate(_STATUSES):
    _STATUS_INDEX[int.from_bytes(_code.encode(), "little")] = _index

_SEGMENT_COUNTERS: Final = {
    "J1": "total_j1_segments",
    "J2": "total_j2_segments",
    "K1": "total_original_creditor_segments",
    "K2": "total_purchased_sold_segments",
    "K3": "total_mortgage_information_segments",
    "K4": "total_specialized_payment_segments",
    "L1": "total_change_segments",
    "N1": "total_employment_segments",
}


class Totals:
    """Running trailer counters; :meth:`trailer` spells them as a Trailer Record."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(TRAILER_COUNTERS, 0)

    def add_bases(self, fields: SegmentFields) -> None:
        """Count base segments, statuses and the base's SSNs, dates of birth and phones."""
        self.counts["total_base_records"] += fields.count
        keys = fields.raw("account_status").view("<u2")[:, 0]
        per_status = np.bincount(_STATUS_INDEX[keys], minlength=len(_STATUSES) + 1)
        for index, code in enumerate(_STATUSES):
            self.counts[f"total_status_{code.lower()}"] += int(per_status[index])
        self._add_people(fields, "base")

    def add_segments(self, name: str, fields: SegmentFields) -> None:
        """Count appendages of one kind (J1 and J2 also add their people counters)."""
        self.counts[_SEGMENT_COUNTERS[name]] += fields.count
        if name in ("J1", "J2"):
            self._add_people(fields, name.lower())

    def add_blocks(self, count: int) -> None:
        self.counts["block_count"] += count

    def merge(self, other: Totals) -> None:
        """Add the counts of ``other`` (a chunk's totals, counted on another thread)."""
        for name, count in other.counts.items():
            self.counts[name] += count

    def _add_people(self, fields: SegmentFields, where: str) -> None:
        name = "social_security_number"
        counted = fields.digits(name) & ~fields.filled(name, digits.ZERO)
        counted &= ~fields.filled(name, ord("9"))
        ssns = int(np.count_nonzero(counted))
        dobs = fields.count - int(np.count_nonzero(fields.zero("date_of_birth")))
        phones = fields.count - int(np.count_nonzero(fields.zero("telephone_number")))
        ecoa = fields.keys("ecoa_code")
        self.counts["total_ecoa_code_z"] += int(np.count_nonzero(ecoa == ord("Z")))
        self.counts[f"total_ssn_{where}_segments"] += ssns
        self.counts["total_ssn_all_segments"] += ssns
        self.counts[f"total_dob_{where}_segments"] += dobs
        self.counts["total_dob_all_segments"] += dobs
        self.counts["total_telephone_all_segments"] += phones

    def trailer(self) -> TrailerRecord:
        counts: dict[str, Any] = dict(self.counts)
        return TrailerRecord(**counts)


def compare(found: TrailerRecord, computed: TrailerRecord, *, check_blocks: bool) -> list[str]:
    """Names of the counters where the trailer found differs from the recomputed one."""
    names = [field.name for field in dataclass_fields(TrailerRecord)]
    counters = [name for name in names if name in TRAILER_COUNTERS]
    if not check_blocks:
        counters.remove("block_count")
    return [name for name in counters if getattr(found, name) != getattr(computed, name)]


def mismatch_issues(
    names: list[str], found: TrailerRecord, computed: TrailerRecord
) -> list[FieldIssue]:
    """One issue per wrong counter (row 0 of the one-row trailer matrix)."""
    row = np.zeros(1, dtype=np.int64)
    return [
        FieldIssue(
            row,
            TRAILER,
            TRAILER.field(name),
            "trailer.total",
            f"the file has {getattr(computed, name)}, the trailer says {getattr(found, name)}",
        )
        for name in names
    ]
