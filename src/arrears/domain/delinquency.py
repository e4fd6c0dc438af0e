"""Delinquency as of any date: days past due, bucket, amount past due, DOFD and cure.

Days past due (DPD) run from the due date of the oldest installment not paid (within the
policy's tolerance) under the allocation waterfall: on the due date DPD is 0, the day after 1.
Only good payments effective on or before the date count, so backdated and returned payments
re-derive the past (DESIGN §2).

Date of first delinquency (DOFD) follows FCRA §623(a)(5) and the Metro 2 guide: the due date of
the first missed installment of the delinquency that led to the current status, never re-aged by
partial payments. It is set once an episode reaches 30 DPD, cleared when the account is brought
fully current, and frozen forever once the loan is charged off.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from arrears.domain.allocation import DEFAULT_POLICY, DueItem, WaterfallPolicy

DOFD_THRESHOLD_DAYS = 30


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    min_dpd: int
    max_dpd: int | None  # inclusive; None means no upper bound


@dataclass(frozen=True, slots=True)
class BucketScheme:
    """Delinquency buckets as data: contiguous DPD ranges starting at 0."""

    buckets: tuple[Bucket, ...]

    def __post_init__(self) -> None:
        expected = 0
        for i, bucket in enumerate(self.buckets):
            if bucket.min_dpd != expected:
                raise ValueError(f"bucket {bucket.name!r} should start at {expected} DPD")
            last = i == len(self.buckets) - 1
            if (bucket.max_dpd is None) != last:
                raise ValueError("only the last bucket is open-ended")
            if bucket.max_dpd is not None:
                if bucket.max_dpd < bucket.min_dpd:
                    raise ValueError(f"bucket {bucket.name!r} ends before it starts")
                expected = bucket.max_dpd + 1

    @classmethod
    def from_bounds(cls, bounds: Sequence[tuple[str, int]]) -> BucketScheme:
        """Buckets from (name, first DPD) pairs, e.g. [("current", 0), ("1-29", 1), ...]."""
        buckets = []
        for i, (name, start) in enumerate(bounds):
            end = bounds[i + 1][1] - 1 if i + 1 < len(bounds) else None
            buckets.append(Bucket(name, start, end))
        return cls(tuple(buckets))

    @property
    def names(self) -> list[str]:
        return [b.name for b in self.buckets]

    @property
    def starts(self) -> list[int]:
        return [b.min_dpd for b in self.buckets]

    def bucket_for(self, dpd: int) -> str:
        if dpd < 0:
            raise ValueError("DPD cannot be negative")
        for bucket in self.buckets:
            if bucket.max_dpd is None or dpd <= bucket.max_dpd:
                return bucket.name
        raise AssertionError("unreachable: the last bucket is open-ended")


DEFAULT_BUCKETS = BucketScheme.from_bounds(
    [
        ("current", 0),
        ("1-29", 1),
        ("30-59", 30),
        ("60-89", 60),
        ("90-119", 90),
        ("120-149", 120),
        ("150-179", 150),
        ("180+", 180),
    ]
)


@dataclass(frozen=True, slots=True)
class Delinquency:
    as_of: date
    dpd: int
    bucket: str
    amount_past_due_minor: int
    oldest_unpaid_due_date: date | None
    dofd: date | None
    cured_on: date | None
    due_to_date_minor: int
    paid_to_date_minor: int

    @property
    def delinquent(self) -> bool:
        return self.dpd > 0


def _oldest_unpaid(
    items: Sequence[DueItem], ends: Sequence[int], paid_minor: int, as_of: date, tolerance: int
) -> tuple[date | None, int]:
    """(due date of the oldest installment past due and unpaid, amount past due) on ``as_of``.

    Payments fill ``items`` in order (``allocation.covered``), and ``ends[k]`` is the total of
    items up to ``k``: every item ending at or below ``paid_minor`` is paid in full, the first
    ending above it is paid in part and the rest not at all. So only the items from that one on
    can leave an installment short, and the first due-date group with an installment short by
    more than the tolerance gives the oldest unpaid date (an installment's parts share its date).
    """
    count = bisect_left(items, as_of, key=_due_date)  # the items due before as_of
    past_due = max(0, (ends[count - 1] if count else 0) - paid_minor)
    group: date | None = None
    short_by_installment: dict[int, int] = {}
    for k in range(bisect_right(ends, paid_minor, hi=count), count):
        item = items[k]
        if item.due_date != group:
            if any(short > tolerance for short in short_by_installment.values()):
                return group, past_due
            group, short_by_installment = item.due_date, {}
        if item.installment_seq is not None:
            cover = max(0, paid_minor - (ends[k] - item.amount_minor))
            seq = item.installment_seq
            short_by_installment[seq] = short_by_installment.get(seq, 0) + item.amount_minor - cover
    if any(short > tolerance for short in short_by_installment.values()):
        return group, past_due
    return None, past_due


def _due_date(item: DueItem) -> date:
    return item.due_date


def delinquency_as_of(
    items: Sequence[DueItem],
    payments: Sequence[tuple[date, int]],
    as_of: date,
    *,
    policy: WaterfallPolicy = DEFAULT_POLICY,
    buckets: BucketScheme = DEFAULT_BUCKETS,
    charge_off_date: date | None = None,
) -> Delinquency:
    """Delinquency on ``as_of`` from ordered due items and good payments ``(effective, minor)``."""
    paid_by = sorted((d, amount) for d, amount in payments if d <= as_of)
    paid_dates, paid_totals = [d for d, _ in paid_by], [0, *accumulate(a for _, a in paid_by)]
    ends = list(accumulate(item.amount_minor for item in items))

    def paid_on(day: date) -> int:
        return paid_totals[bisect_right(paid_dates, day)]

    # Delinquency can only start the day after a due date and end on a payment date, so walking
    # those event days in order finds every episode up to as_of.
    events = sorted(
        {item.due_date + timedelta(days=1) for item in items if item.due_date < as_of}
        | {d for d, _ in paid_by}
        | ({charge_off_date} if charge_off_date and charge_off_date <= as_of else set())
        | {as_of}
    )
    episode_start: date | None = None  # commencement of the current episode
    reached_threshold = False
    frozen_dofd: date | None = None
    cured_on: date | None = None
    oldest: date | None = None
    past_due = 0
    for day in events:
        if episode_start is not None and oldest is not None:
            # DPD kept growing until the day before this event: did it reach the threshold?
            longest = (day - timedelta(days=1) - oldest).days
            reached_threshold = reached_threshold or longest >= DOFD_THRESHOLD_DAYS
        oldest, past_due = _oldest_unpaid(items, ends, paid_on(day), day, policy.tolerance_minor)
        if oldest is None:
            if episode_start is not None:
                cured_on = day
            episode_start, reached_threshold = None, False
        else:
            episode_start = episode_start or oldest
            reached_threshold = reached_threshold or (day - oldest).days >= DOFD_THRESHOLD_DAYS
        if day == charge_off_date:
            frozen_dofd = episode_start if reached_threshold else None
    # After the loop the state is the state on as_of (always the last event day).
    dofd = episode_start if reached_threshold else None
    if charge_off_date is not None and as_of >= charge_off_date and frozen_dofd is not None:
        dofd = frozen_dofd
    dpd = (as_of - oldest).days if oldest else 0
    paid_total = paid_on(as_of)
    return Delinquency(
        as_of=as_of,
        dpd=dpd,
        bucket=buckets.bucket_for(dpd),
        amount_past_due_minor=max(0, past_due),
        oldest_unpaid_due_date=oldest,
        dofd=dofd,
        cured_on=cured_on,
        due_to_date_minor=sum(i.amount_minor for i in items if i.due_date < as_of),
        paid_to_date_minor=paid_total,
    )
