"""The compliance gate over a partition's candidate treatments, for a business date.

The vectorised twin of ``arrears.compliance.gate.evaluate`` for the daily cycle. It reads the
same rule packs and applies the rules that depend on the day, not the time of day: call
frequency and the conversation lock (12 CFR 1006.14(b)), state contact caps, medium opt-outs,
SMS consent, the limited-content voicemail whitelist, the validation-notice deadline
(1006.34(a)), pre-furnishing (1006.30(a)), and time-barred debt (1006.26(b), state notices).
Quiet hours are applied when a message is sent and when an agent takes a call; holds by
``batch.hold_gate``; the contact point's own checks (revoked, employer email) at send time.

Only candidates still ``planned`` are judged; a blocked one gets ``blocked_by="compliance"``
with every blocking rule in ``reason`` (``rule id: reason; …``) and ``source``. Planned ones
get ``disclosures``: the notices their message must carry. Nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import polars as pl

from arrears.compliance.checks import TIME_OF_DAY_CHECKS
from arrears.compliance.localities import locality_of
from arrears.compliance.model import ActorType
from arrears.compliance.packs import Rule, RulePack, default_packs
from arrears.compliance.sol import no_revival_states, sol_table
from arrears.compliance.validation import validation_deadline
from arrears.domain.contact_log import Outcome

ACCOUNT_FACTS = {
    "loan_id": pl.Int64,
    "borrower_state": pl.Utf8,
    "locality": pl.Utf8,
    "sms_consent": pl.Boolean,
    "validation_sent": pl.Boolean,
    "first_communication_on": pl.Date,
    "furnishing_from": pl.Date,  # first day credit reporting may start (1006.30(a))
    "call_consent_on": pl.Date,
    "opted_out": pl.Utf8,  # media the borrower opted out of, comma-separated
    "time_barred": pl.Boolean,
    "sol_source": pl.Utf8,
}
"""One row per account: the facts the day-level rules read."""

CONTACTS = {
    "loan_id": pl.Int64,
    "channel": pl.Utf8,
    "direction": pl.Utf8,
    "day": pl.Date,
    "outcome": pl.Utf8,
    "contact_point_kind": pl.Utf8,
}
"""One row per logged contact in the longest window any rule looks back over."""

_PERSONAL_KINDS = {"mobile_phone", "home_phone", "personal_email"}
_CONVERSATIONS = [o.value for o in Outcome if o.is_conversation]
_SKIPPED = {"holds", "contact_point_usable", "employer_email"} | TIME_OF_DAY_CHECKS


def day_level_rules(packs: Sequence[RulePack], actor: ActorType) -> list[tuple[RulePack, Rule]]:
    """The rules the cycle applies: day-level, binding ``actor``, not about a chosen number."""
    chosen = []
    for pack in packs:
        for rule in pack.rules:
            kinds = set(rule.strings("kinds")) if rule.check == "contact_cap" else set()
            work_only = bool(kinds) and not kinds & _PERSONAL_KINDS
            if actor in rule.actors and rule.check not in _SKIPPED and not work_only:
                chosen.append((pack, rule))
    return chosen


def apply_compliance(
    candidates: pl.DataFrame,
    accounts: pl.DataFrame,
    contacts: pl.DataFrame,
    *,
    as_of: date,
    actor: ActorType = ActorType.THIRD_PARTY_COLLECTOR,
    packs: Sequence[RulePack] | None = None,
) -> pl.DataFrame:
    """``candidates`` (after ``apply_holds``) with compliance blocks and ``disclosures``."""
    rules = day_level_rules(default_packs() if packs is None else packs, actor)
    frame = candidates.join(accounts, on="loan_id", how="left")
    frame = frame.with_columns(_deadline(frame).alias("_validation_due"))
    blocks: list[pl.Expr] = []
    sources: list[pl.Expr] = []
    notices: list[pl.Expr] = []
    for number, (pack, rule) in enumerate(rules):
        counts = _counts(rule, contacts, as_of=as_of)
        if counts is not None:
            frame = frame.join(counts.rename({"n": f"_n{number}"}), on="loan_id", how="left")
        hit = _applies(pack, rule) & _finding(rule, number, as_of=as_of)
        text = pl.lit(f"{rule.id}: {rule.reason}")
        if rule.effect == "disclose":
            notices.append(pl.when(hit).then(pl.lit(str(rule.params["disclosure"]))))
            continue
        blocks.append(pl.when(hit).then(text))
        source = rule.source
        if rule.check == "time_barred_suit":
            sources.append(pl.when(hit).then(pl.lit(source + "; ") + pl.col("sol_source")))
        else:
            sources.append(pl.when(hit).then(pl.lit(source)))
    return _decided(frame, blocks, sources, notices, keep=candidates.columns)


def _applies(pack: RulePack, rule: Rule) -> pl.Expr:
    mask = pl.col("status") == "planned"
    if pack.states is not None:
        mask &= pl.col("borrower_state").is_in(sorted(pack.states))
    if pack.localities is not None:
        mask &= pl.col("locality").is_in(sorted(pack.localities))
    if rule.channels is not None:
        channels = {c.value for c in rule.channels}
        mask &= pl.col("channel").is_in(sorted(channels))
    if rule.categories is not None:
        mask &= pl.col("category").is_in(sorted(c.value for c in rule.categories))
    return mask.fill_null(False)


def _window(days: int, as_of: date) -> pl.Expr:
    return pl.col("day").is_between(as_of - timedelta(days=days - 1), as_of)


def _counts(rule: Rule, contacts: pl.DataFrame, *, as_of: date) -> pl.DataFrame | None:
    """Per loan, what the rule counts in its window (None for rules that count nothing)."""
    attempt = (pl.col("direction") == "outbound") & (pl.col("outcome") != "not_connected")
    if rule.check == "call_frequency":
        counted = attempt & pl.col("channel").is_in(["call", "voicemail"])
        days = rule.int_param("window_days")
    elif rule.check == "contact_cap":
        counted = attempt & pl.col("channel").is_in(list(rule.strings("counted")))
        kinds = list(rule.strings("kinds"))
        if kinds:
            kind = pl.col("contact_point_kind")
            counted &= kind.is_null() | kind.is_in(kinds)
        days = rule.int_param("window_days")
    elif rule.check == "conversation_lock":
        counted = (pl.col("channel") == "call") & pl.col("outcome").is_in(_CONVERSATIONS)
        days = rule.int_param("lock_days")
    else:
        return None
    return (
        contacts.filter(counted & _window(days, as_of))
        .group_by("loan_id")
        .agg(pl.len().cast(pl.Int64).alias("n"))
    )


def _consented(as_of: date) -> pl.Expr:
    """Within 7 days of the borrower's request to be called (1006.14(b)(3)(i))."""
    consent = pl.col("call_consent_on")
    return (consent.is_not_null() & (consent >= as_of - timedelta(days=6))).fill_null(False)


def _count(number: int) -> pl.Expr:
    return pl.col(f"_n{number}").fill_null(0)


def _opted_out(rule: Rule, number: int, as_of: date) -> pl.Expr:
    medium = (
        pl.when(pl.col("channel") == "voicemail").then(pl.lit("call")).otherwise(pl.col("channel"))
    )
    listed = pl.col("opted_out").fill_null("").str.split(",")
    return listed.list.contains(medium).fill_null(False)


def _validation_overdue(rule: Rule, number: int, as_of: date) -> pl.Expr:
    due = pl.col("_validation_due")
    sent = pl.col("validation_sent").fill_null(False)
    return (~sent & due.is_not_null() & (due < as_of)).fill_null(False)


def _not_yet_furnishable(rule: Rule, number: int, as_of: date) -> pl.Expr:
    start = pl.col("furnishing_from")
    return (start.is_null() | (start > as_of)).fill_null(True)


def _suit(rule: Rule, number: int, as_of: date) -> pl.Expr:
    threatens = pl.col("template").is_in(list(rule.strings("suit_templates")))
    legal = pl.col("category").is_in(list(rule.strings("suit_categories")))
    return pl.col("time_barred").fill_null(False) & (threatens | legal).fill_null(False)


_FINDINGS: dict[str, Callable[[Rule, int, date], pl.Expr]] = {
    "call_frequency": lambda rule, n, as_of: (
        (_count(n) + 1 > rule.int_param("max_calls")) & ~_consented(as_of)
    ),
    "conversation_lock": lambda rule, n, as_of: (_count(n) > 0) & ~_consented(as_of),
    "contact_cap": lambda rule, n, as_of: _count(n) + 1 > rule.int_param("max"),
    "medium_opt_out": _opted_out,
    "sms_consent": lambda rule, n, as_of: ~pl.col("sms_consent").fill_null(False),
    "limited_content_voicemail": lambda rule, n, as_of: (
        ~pl.col("template").is_in(list(rule.strings("templates")))
    ),
    "validation_overdue": _validation_overdue,
    "pre_furnishing": _not_yet_furnishable,
    "time_barred_suit": _suit,
    "time_barred_disclosure": lambda rule, n, as_of: pl.col("time_barred").fill_null(False),
}
"""The day-level form of each check: a Boolean expression over the joined frame."""


def _finding(rule: Rule, number: int, *, as_of: date) -> pl.Expr:
    if rule.check not in _FINDINGS:
        raise ValueError(f"{rule.id}: check {rule.check!r} has no day-level form")
    return _FINDINGS[rule.check](rule, number, as_of)


def _deadline(frame: pl.DataFrame) -> pl.Series:
    """Each row's validation-notice deadline (five business days after first communication)."""
    firsts = frame.get_column("first_communication_on")
    known = {day: validation_deadline(day) for day in firsts.drop_nulls().unique().to_list()}
    return firsts.replace_strict(known, default=None, return_dtype=pl.Date)


def _decided(
    frame: pl.DataFrame,
    blocks: list[pl.Expr],
    sources: list[pl.Expr],
    notices: list[pl.Expr],
    *,
    keep: list[str],
) -> pl.DataFrame:
    def joined(parts: list[pl.Expr], separator: str) -> pl.Expr:
        if not parts:
            return pl.lit(None, dtype=pl.Utf8)
        text = pl.concat_str(parts, separator=separator, ignore_nulls=True)
        return pl.when(text.str.len_chars() > 0).then(text)

    frame = frame.with_columns(
        joined(blocks, "; ").alias("_why"),
        joined(sources, "; ").alias("_source"),
        joined(notices, ",").alias("_notices"),
    )
    hit = pl.col("_why").is_not_null()
    decided = frame.with_columns(
        pl.when(hit).then(pl.lit("blocked")).otherwise(pl.col("status")).alias("status"),
        pl.when(hit).then(pl.lit("compliance")).otherwise(pl.col("blocked_by")).alias("blocked_by"),
        pl.when(hit).then(pl.col("_why")).otherwise(pl.col("reason")).alias("reason"),
        pl.when(hit).then(pl.col("_source")).otherwise(pl.col("source")).alias("source"),
        pl.when(~hit & (pl.col("status") == "planned"))
        .then(pl.col("_notices"))
        .alias("disclosures"),
    )
    return decided.select(*keep, "disclosures")


def account_facts(
    *,
    features: pl.DataFrame,
    milestones: pl.DataFrame,
    profiles: pl.DataFrame,
    delinquency: pl.DataFrame,
    payments: pl.DataFrame,
    as_of: date,
    day_zone: str,
) -> pl.DataFrame:
    """``ACCOUNT_FACTS`` for a partition from the cycle's frames and the contact milestones.

    ``milestones`` are UTC instants from the contact log (``contacts_store.milestones_frame``);
    ``profiles`` give each loan's contract type and borrower ZIP; the limitation status is
    ``compliance.sol`` vectorised (accrual at the DOFD or oldest unpaid due date, restarted by
    a later good payment outside the no-revival states).
    """

    def day(name: str) -> pl.Expr:
        return pl.col(name).dt.convert_time_zone(day_zone).dt.date()

    dated = milestones.select(
        "loan_id",
        "opted_out",
        day("call_consent_at").alias("call_consent_on"),
        pl.min_horizontal(day("first_conversation_at"), day("first_written_at")).alias(
            "first_communication_on"
        ),
        pl.min_horizontal(
            day("first_conversation_at"), day("first_written_at") + timedelta(days=14)
        ).alias("furnishing_from"),
    )
    zips = profiles.get_column("zip").drop_nulls().unique().to_list()
    cities = {z: locality_of(z) for z in zips}
    frame = (
        features.select("loan_id", "borrower_state", "contract_state", "sms_consent",
                        "validation_sent")
        .join(profiles, on="loan_id", how="left")
        .join(dated, on="loan_id", how="left")
        .join(_limitation(profiles, delinquency, payments, features, as_of), on="loan_id",
              how="left")
        .with_columns(pl.col("zip").replace_strict(cities, default=None, return_dtype=pl.Utf8)
                      .alias("locality"))
    )  # fmt: skip
    return frame.select([pl.col(n).cast(t) for n, t in ACCOUNT_FACTS.items()])


def _sol_table() -> pl.DataFrame:
    revival = no_revival_states()
    rows = [
        (state, kind.value, years, state in revival,
         f"{periods.source}; {revival[state]}" if state in revival else periods.source)
        for state, periods in sol_table().items()
        for kind, years in periods.years.items()
    ]  # fmt: skip
    return pl.DataFrame(
        rows,
        schema=["contract_state", "contract_type", "years", "no_revival", "sol_source"],
        orient="row",
    )


def _limitation(
    profiles: pl.DataFrame,
    delinquency: pl.DataFrame,
    payments: pl.DataFrame,
    features: pl.DataFrame,
    as_of: date,
) -> pl.DataFrame:
    last_paid = (
        payments.filter(pl.col("good") & (pl.col("effective_date") <= as_of))
        .group_by("loan_id")
        .agg(pl.col("effective_date").max().alias("last_paid"))
    )
    frame = (
        features.select("loan_id", "contract_state")
        .join(profiles.select("loan_id", "contract_type"), on="loan_id", how="left")
        .join(delinquency.select("loan_id", "dpd", "dofd", "oldest_unpaid_due_date"),
              on="loan_id", how="left")
        .join(last_paid, on="loan_id", how="left")
        .join(_sol_table(), on=["contract_state", "contract_type"], how="left")
    )  # fmt: skip
    accrued = pl.when(pl.col("dpd") > 0).then(pl.coalesce("dofd", "oldest_unpaid_due_date"))
    restart = ~pl.col("no_revival") & (pl.col("last_paid") > pl.col("accrued"))
    start = pl.when(restart.fill_null(False)).then(pl.col("last_paid")).otherwise("accrued")
    expires = pl.col("start").dt.offset_by(pl.format("{}y", pl.col("years")))
    return (
        frame.with_columns(accrued.alias("accrued"))
        .with_columns(start.alias("start"))
        .select(
            "loan_id",
            (pl.col("accrued").is_not_null() & (pl.lit(as_of) >= expires))
            .fill_null(False)
            .alias("time_barred"),
            "sol_source",
        )
    )
