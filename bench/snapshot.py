"""A synthetic cycle snapshot for benchmarks and tests: seeded NumPy, realistic shapes.

    python -m bench.snapshot --accounts 10000000 --out DIR [--seed S] [--as-of DATE]

Writes a snapshot (``arrears.adapters.snapshot``) as ``arrears snapshot export`` would from a
database: a book that is mostly current (88%) with a delinquent tail (6% 1–29 DPD, 2.2% 30–59,
1.2% 60–89, 1.2% 90–179, 0.6% 180+, 0.8% charged off); four products; contact points and
consents; collateral with loan-to-value for auto loans and mortgages; promises and plans; the
cadence history of the current episode; holds in force on about 1% of accounts (more in the
tail); the compliance facts (first communication, opt-outs, call consent, NYC, time-barred
debt); and the last 31 days of the contact log for accounts in collections. Chunks of
``--chunk`` accounts are generated and written one at a time, so memory follows the chunk.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl

from arrears.adapters.snapshot import SnapshotWriter
from arrears.batch.cycle_partition import PartitionFrames
from arrears.compliance.model import ActorType
from arrears.domain.delinquency import DEFAULT_BUCKETS
from arrears.domain.geo import STATES_AND_DC
from arrears.services.snapshot_ports import Manifest, StrategyBundle
from arrears.services.strategies import DEFAULT_SOURCE, digest_of
from arrears.strategy.check import default_strategy_text, load_strategy

AS_OF = date(2026, 11, 27)
PRODUCTS = np.array(["personal", "card", "auto", "mortgage"])
STATES = np.array(sorted(STATES_AND_DC))
STAGES = np.array([0.88, 0.06, 0.022, 0.012, 0.012, 0.006, 0.008])  # current … 180+, charged off
STAGE_DPD = np.array([(0, 0), (1, 29), (30, 59), (60, 89), (90, 179), (180, 400), (180, 900)])
FIRST_DAY = {  # when the default strategy first decides each treatment in an episode
    "validation_notice": 3, "reminder_sms": 3, "reminder_email": 5, "agent_call": 7,
    "reminder_letter": 10, "missed_payment_letter": 30, "payment_plan_offer": 30,
    "credit_bureau_update": 30, "settlement_offer": 60, "hardship_review": 90,
    "agency_placement_review": 120, "charge_off_review": 120, "legal_referral_review": 150,
}  # fmt: skip
HOLD_KINDS = np.array(["hardship", "dispute", "cease_communication", "attorney", "bankruptcy",
                       "deceased", "legal", "fraud", "complaint", "military"])  # fmt: skip
HOLD_SHARES = np.array([0.30, 0.20, 0.10, 0.08, 0.10, 0.03, 0.05, 0.04, 0.06, 0.04])
CHANNELS = np.array(["call", "sms", "email", "letter", "voicemail"])
OUTCOMES = np.array(["no_answer", "right_party_contact", "voicemail", "sent", "delivered",
                     "not_connected", "promise_made", "wrong_party"])  # fmt: skip
OUTCOME_SHARES = np.array([0.35, 0.12, 0.10, 0.18, 0.15, 0.05, 0.03, 0.02])
KINDS = np.array(["mobile_phone", "home_phone", "personal_email", "work_phone"])


@dataclass(frozen=True)
class Shape:
    """The parameters of a generated book."""

    accounts: int
    seed: int = 11
    as_of: date = AS_OF
    chunk: int = 500_000


def bundle() -> StrategyBundle:
    """The shipped default strategy, as a snapshot records it."""
    text = default_strategy_text()
    strategy = load_strategy(text, source=DEFAULT_SOURCE)
    return StrategyBundle(strategy.name, strategy.version, digest_of(text, {}), DEFAULT_SOURCE,
                          text, {})  # fmt: skip


def generate(shape: Shape, out: Path) -> Manifest:
    """Write the snapshot of ``shape`` to ``out`` chunk by chunk."""
    writer = SnapshotWriter(out)
    try:
        for number, start in enumerate(range(0, shape.accounts, shape.chunk)):
            count = min(shape.chunk, shape.accounts - start)
            rng = np.random.default_rng([shape.seed, number])
            frames = chunk_frames(rng, first_index=start, count=count, as_of=shape.as_of)
            ids = frames.features.get_column("loan_id")
            writer.write(frames, first=int(ids[0]), last=int(ids[-1]))
        return writer.finish(
            as_of=shape.as_of,
            created_at=datetime.combine(shape.as_of, datetime.min.time(), tzinfo=UTC),
            strategy=bundle(),
            buckets=[(b.name, b.min_dpd) for b in DEFAULT_BUCKETS.buckets],
            actor=ActorType.THIRD_PARTY_COLLECTOR.value,
        )
    except BaseException:
        writer.abort()
        raise


def chunk_frames(
    rng: np.random.Generator, *, first_index: int, count: int, as_of: date
) -> PartitionFrames:
    """The frames of accounts ``first_index`` … ``first_index + count - 1``."""
    features = _features(rng, first_index=first_index, count=count, as_of=as_of)
    return PartitionFrames(
        features=features,
        history=_history(rng, features, as_of=as_of),
        holds=_holds(rng, features, first_index=first_index),
        facts=_facts(rng, features, as_of=as_of),
        contacts=_contacts(rng, features, as_of=as_of),
    )


def _features(
    rng: np.random.Generator, *, first_index: int, count: int, as_of: date
) -> pl.DataFrame:
    index = np.arange(first_index, first_index + count, dtype=np.int64)
    stage = rng.choice(STAGES.size, size=count, p=STAGES)
    dpd = rng.integers(STAGE_DPD[stage, 0], STAGE_DPD[stage, 1] + 1).astype(np.int32)
    product = rng.choice(4, size=count, p=[0.35, 0.35, 0.2, 0.1])
    balance = rng.lognormal(0.0, 0.7, count) * np.array([4e5, 2.5e5, 1.5e6, 1.8e7])[product]
    balance = balance.astype(np.int64)
    past_due = np.minimum(balance, dpd.astype(np.int64) * rng.integers(300, 3_000, count))
    mobile = rng.random(count) < 0.85
    secured = product >= 2
    delinquent = dpd > 0
    contacted = delinquent & (rng.random(count) < 0.75)
    since = np.minimum(rng.geometric(0.2, count), np.maximum(dpd, 1)).astype(np.int32)
    episode = np.datetime64(as_of, "D") - dpd.astype("timedelta64[D]")
    state = STATES[rng.integers(0, STATES.size, count)]
    promise = np.where(delinquent, rng.choice(["none", "active", "kept", "broken"], count,
                                              p=[0.82, 0.06, 0.04, 0.08]), "none")  # fmt: skip
    plan = np.where(delinquent | (rng.random(count) < 0.01),
                    rng.choice(["none", "active", "completed", "defaulted"], count,
                               p=[0.88, 0.07, 0.02, 0.03]), "none")  # fmt: skip
    frame = pl.DataFrame(
        {
            "loan_id": index * 2 + 1_000,
            "product": PRODUCTS[product],
            "contract_state": np.where(rng.random(count) < 0.9, state,
                                       STATES[rng.integers(0, STATES.size, count)]),
            "borrower_state": state,
            "dpd": dpd,
            "balance_minor": balance,
            "past_due_minor": past_due,
            "charged_off": stage == 6,
            "days_since_contact": pl.Series(since).scatter(np.flatnonzero(~contacted), None),
            "has_mobile": mobile,
            "sms_consent": mobile & (rng.random(count) < 0.6),
            "has_email": rng.random(count) < 0.7,
            "has_phone": rng.random(count) < 0.95,
            "has_postal_address": np.ones(count, dtype=bool),
            "collateral": pl.Series(np.where(product == 2, "vehicle", "property"))
            .scatter(np.flatnonzero(~secured), None),
            "ltv_bp": pl.Series(rng.normal(9_000, 2_500, count).clip(1_000, 30_000)
                                .astype(np.int32)).scatter(np.flatnonzero(~secured), None),
            "score": pl.Series([None] * count, dtype=pl.Float64),
            "promise": promise,
            "plan": plan,
            "episode_start": pl.Series(episode).cast(pl.Date)
            .scatter(np.flatnonzero(~delinquent), None),
            "validation_sent": delinquent & (dpd > 5) & (rng.random(count) < 0.92),
            "borrower_id": index + 500_000,
            "language": np.where(rng.random(count) < 0.15, "es", "en"),
        }
    )  # fmt: skip
    return frame.with_columns(_bucket().alias("bucket"))


def _bucket() -> pl.Expr:
    """The default delinquency buckets' names from ``dpd``."""
    named = pl.lit(DEFAULT_BUCKETS.buckets[0].name)
    for bucket in DEFAULT_BUCKETS.buckets[1:]:
        named = pl.when(pl.col("dpd") >= bucket.min_dpd).then(pl.lit(bucket.name)).otherwise(named)
    return named


def _history(rng: np.random.Generator, features: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """Most treatments whose first day in the episode has passed were decided before."""
    dpd = features["dpd"].to_numpy()
    ids = features["loan_id"].to_numpy()
    parts = []
    for treatment, first_day in FIRST_DAY.items():
        chosen = np.flatnonzero((dpd > first_day) & (rng.random(dpd.size) < 0.9))
        back = rng.integers(0, np.minimum(dpd[chosen] - first_day, 30)) + 1
        parts.append(pl.DataFrame({
            "loan_id": ids[chosen], "treatment": treatment,
            "last_on": np.datetime64(as_of, "D") - back.astype("timedelta64[D]"),
            "times": rng.integers(1, 4, chosen.size, dtype=np.int32),
        }))  # fmt: skip
    return pl.concat(parts).sort("loan_id", maintain_order=True)


def _holds(rng: np.random.Generator, features: pl.DataFrame, *, first_index: int) -> pl.DataFrame:
    delinquent = features["dpd"].to_numpy() > 0
    share = np.where(delinquent, 0.06, 0.005)
    held = np.flatnonzero(rng.random(share.size) < share)
    kinds = rng.choice(HOLD_KINDS.size, size=held.size, p=HOLD_SHARES)
    return pl.DataFrame({
        "loan_id": features["loan_id"].to_numpy()[held],
        "hold_id": np.arange(held.size, dtype=np.int64) + first_index + 1,
        "kind": HOLD_KINDS[kinds],
    })  # fmt: skip


def _facts(rng: np.random.Generator, features: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    count = features.height
    dpd = features["dpd"].to_numpy()
    talked = (dpd > 0) & (rng.random(count) < 0.7)
    first = np.datetime64(as_of, "D") - (dpd + rng.integers(0, 400, count)).astype("timedelta64[D]")
    first_day = pl.Series(first).cast(pl.Date).scatter(np.flatnonzero(~talked), None)
    consent = pl.Series(np.datetime64(as_of, "D") - rng.integers(0, 20, count)
                        .astype("timedelta64[D]")).cast(pl.Date)  # fmt: skip
    opted = rng.choice(["", "email", "sms", "call"], count, p=[0.97, 0.012, 0.012, 0.006])
    barred = features["charged_off"].to_numpy() & (dpd > 700) & (rng.random(count) < 0.3)
    ny = features["borrower_state"].to_numpy() == "NY"
    return pl.DataFrame({
        "loan_id": features["loan_id"],
        "borrower_state": features["borrower_state"],
        "locality": pl.Series(np.where(ny & (rng.random(count) < 0.4), "nyc", ""))
        .replace("", None),
        "sms_consent": features["sms_consent"],
        "validation_sent": features["validation_sent"],
        "first_communication_on": first_day,
        "furnishing_from": first_day,
        "call_consent_on": consent.scatter(np.flatnonzero(rng.random(count) > 0.01), None),
        "opted_out": pl.Series(opted).replace("", None),
        "time_barred": barred,
        "sol_source": pl.Series(np.where(barred, "state statute of limitations", ""))
        .replace("", None),
    })  # fmt: skip


def _contacts(rng: np.random.Generator, features: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """The contact log's last 31 days: more contacts the later the account."""
    dpd = features["dpd"].to_numpy()
    rate = np.where(dpd == 0, 0.0, np.where(dpd < 30, 1.5, 4.0))
    per_account = rng.poisson(rate)
    loans = np.repeat(features["loan_id"].to_numpy(), per_account)
    total = loans.size
    channel = CHANNELS[rng.choice(CHANNELS.size, total, p=[0.45, 0.2, 0.15, 0.1, 0.1])]
    return pl.DataFrame({
        "loan_id": loans,
        "channel": channel,
        "direction": np.where(rng.random(total) < 0.93, "outbound", "inbound"),
        "day": np.datetime64(as_of, "D") - rng.integers(0, 31, total).astype("timedelta64[D]"),
        "outcome": OUTCOMES[rng.choice(OUTCOMES.size, total, p=OUTCOME_SHARES)],
        "contact_point_kind": KINDS[rng.choice(KINDS.size, total, p=[0.6, 0.15, 0.2, 0.05])],
    }).with_columns(pl.col("day").cast(pl.Date))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    parser.add_argument("--chunk", type=int, default=500_000)
    args = parser.parse_args()
    started = time.perf_counter()
    manifest = generate(Shape(args.accounts, args.seed, args.as_of, args.chunk), args.out)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in args.out.rglob("*.parquet"))
    print(f"snapshot of {manifest.accounts:,} accounts as of {manifest.as_of} in {args.out}: "
          f"{seconds:.1f} s, {size / 2**20:,.0f} MiB")  # fmt: skip
    for frame, rows in manifest.rows.items():
        print(f"  {frame:<9} {rows:>12,} rows")


if __name__ == "__main__":
    main()
