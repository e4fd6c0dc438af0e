"""Invariants of the compliance gate over random histories, times and proposals."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.compliance.gate import evaluate
from arrears.compliance.packs import default_packs
from arrears.domain.contact_log import ContactRecord
from unit.compliance.builders import (
    EMAIL,
    HOME,
    MOBILE,
    NOW,
    WORK_EMAIL,
    WORK_PHONE,
    contact,
    facts,
    proposal,
)

FREQUENCY_CHECKS = {"call_frequency", "conversation_lock", "contact_cap"}
FREQUENCY_RULES = {
    rule.id for pack in default_packs() for rule in pack.rules if rule.check in FREQUENCY_CHECKS
}
PHONES = [MOBILE, HOME, WORK_PHONE]
CHANNEL_POINTS = {
    "call": PHONES, "voicemail": PHONES, "sms": [MOBILE, HOME],
    "email": [EMAIL, WORK_EMAIL], "letter": [None],
}  # fmt: skip
OUTCOMES = [
    "no_answer",
    "voicemail",
    "right_party_contact",
    "not_connected",
    "sent",
    "promise_made",
]


@st.composite
def records(draw: st.DrawFn) -> ContactRecord:
    channel = draw(st.sampled_from(list(CHANNEL_POINTS)))
    return contact(
        draw(st.integers(0, 35)),
        channel=channel,
        outcome=draw(st.sampled_from(OUTCOMES)),
        direction=draw(st.sampled_from(["outbound", "outbound", "inbound"])),
        point=draw(st.sampled_from(CHANNEL_POINTS[channel])),
        hour_utc=draw(st.integers(0, 23)),
    )


@st.composite
def situations(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    channel = draw(st.sampled_from(list(CHANNEL_POINTS)))
    template = "limited_content_message" if channel == "voicemail" else "payment_reminder"
    offer = proposal(
        channel, template=template, point=draw(st.sampled_from(CHANNEL_POINTS[channel]))
    )
    state = draw(
        st.sampled_from(
            [
                {"borrower_state": "PA"},
                {"borrower_state": "MA"},
                {"borrower_state": "WA", "address_time_zone": "America/Los_Angeles"},
                {"borrower_state": "NY", "locality": "nyc"},
                {"borrower_state": "CA", "address_time_zone": "America/Los_Angeles"},
            ]
        )
    )
    history = tuple(draw(st.lists(records(), max_size=25)))
    extra = tuple(draw(st.lists(records(), min_size=1, max_size=10)))
    at = NOW + timedelta(minutes=draw(st.integers(-12 * 60, 12 * 60)))
    return offer, facts(**state, history=history), extra, at


@settings(max_examples=300, deadline=None)
@given(situations())
def test_the_gate_is_deterministic(case) -> None:  # type: ignore[no-untyped-def]
    """The same proposal, facts and instant always give the same decision."""
    offer, known, _, at = case
    first = evaluate(offer, known, at=at)
    assert evaluate(offer, known, at=at) == first
    assert first.allowed == (not first.blocked_by)


@settings(max_examples=300, deadline=None)
@given(situations())
def test_more_history_never_lifts_a_frequency_block(case) -> None:  # type: ignore[no-untyped-def]
    """Adding past contacts can only add frequency blocks, never remove one (Reg F 1006.14(b),
    state caps): the counts in every window only grow."""
    offer, known, extra, at = case
    before = set(evaluate(offer, known, at=at).rule_ids) & FREQUENCY_RULES
    more = replace(known, history=known.history + extra)
    after = set(evaluate(offer, more, at=at).rule_ids) & FREQUENCY_RULES
    assert before <= after
