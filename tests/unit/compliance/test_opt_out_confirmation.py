"""The one text confirming an opt-out: the exemption in the federal pack lifts the opt-out and
consent rules for ``sms_opt_out_confirmation`` only, within five minutes of the revocation and
only once (47 CFR 64.1200(a)(12), FCC 24-18; 12 CFR 1006.14(h), reference §1.1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from arrears.compliance.checks import CONDITIONS
from arrears.compliance.gate import evaluate
from arrears.compliance.packs import PackError, default_packs, parse_pack
from arrears.domain.contact_log import Channel, ContactRecord, Direction, Outcome
from arrears.domain.contacts import ContactStatus
from unit.compliance.builders import MOBILE, NOW, POINTS, facts, proposal

CONFIRMATION = "sms_opt_out_confirmation"
EXEMPTION = "us.tcpa.opt_out_confirmation"
LIFTED = {"us.medium_opt_out", "us.tcpa.sms_consent"}


def opted_out(seconds_ago: int, **changes: object):
    """The borrower replied STOP from the mobile ``seconds_ago`` seconds before NOW."""
    points = tuple(
        replace(p, sms_opted_out_at=NOW - timedelta(seconds=seconds_ago)) if p.id == MOBILE else p
        for p in POINTS
    )
    return facts(contact_points=points, channels_opted_out=frozenset({Channel.SMS}), **changes)


def confirmation_sent(seconds_ago: int) -> ContactRecord:
    return ContactRecord(
        loan_id=10, borrower_id=20, channel=Channel.SMS, direction=Direction.OUTBOUND,
        at=NOW - timedelta(seconds=seconds_ago), actor="outbox", outcome=Outcome.SENT,
        contact_point_id=MOBILE, template=CONFIRMATION,
    )  # fmt: skip


def confirm(category: str = "notice", template: str = CONFIRMATION):
    return proposal("sms", category=category, template=template, point=MOBILE)


def test_the_confirmation_goes_out_right_after_the_opt_out() -> None:
    """Within the window, the first confirmation is allowed; the decision says which exemption
    lifted which rules, with its source."""
    decision = evaluate(confirm(), opted_out(30), at=NOW)
    assert decision.allowed, decision.explain()
    (hit,) = decision.exempted
    assert hit.rule_id == EXEMPTION
    assert "64.1200(a)(12)" in hit.source
    assert "us.medium_opt_out" in hit.reason
    assert "us.tcpa.sms_consent" in hit.reason
    assert EXEMPTION in decision.checked


def test_without_the_exemption_the_same_confirmation_is_blocked() -> None:
    """The exemption is what lets it through: the opt-out it confirms blocks it otherwise."""
    packs = [replace(pack, exemptions=()) for pack in default_packs()]
    decision = evaluate(confirm(), opted_out(30), at=NOW, packs=packs)
    assert set(decision.rule_ids) == LIFTED


@pytest.mark.parametrize("template", ["payment_reminder", "promise_reminder", "collection_call"])
def test_no_other_template_can_use_the_exemption(template: str) -> None:
    """Any other text to the number stays blocked, even in the same five minutes."""
    decision = evaluate(confirm(template=template), opted_out(30), at=NOW)
    assert set(decision.rule_ids) >= LIFTED
    assert not decision.exempted


def test_only_the_notice_category_can_use_it() -> None:
    """The confirmation is a notice; the same template proposed as a contact stays blocked."""
    decision = evaluate(confirm(category="contact"), opted_out(30), at=NOW)
    assert set(decision.rule_ids) >= LIFTED


@pytest.mark.parametrize(("seconds", "allowed"), [(0, True), (300, True), (301, False)])
def test_the_window_is_five_minutes_from_the_opt_out(seconds: int, allowed: bool) -> None:
    """FCC 24-18: the confirmation is sent within five minutes of the revocation."""
    decision = evaluate(confirm(), opted_out(seconds), at=NOW)
    assert decision.allowed is allowed
    if not allowed:
        assert set(decision.rule_ids) == LIFTED


def test_a_second_confirmation_is_blocked() -> None:
    """One confirmation per revocation: once one was sent, the rules apply again."""
    decision = evaluate(confirm(), opted_out(60, history=(confirmation_sent(30),)), at=NOW)
    assert set(decision.rule_ids) == LIFTED
    assert not decision.exempted


def test_a_confirmation_before_consent_was_given_again_does_not_count() -> None:
    """A confirmation of an earlier revocation (before consent was last given) does not use
    up the one confirmation of this revocation."""
    points = tuple(
        replace(p, sms_consent_at=NOW - timedelta(days=2), sms_opted_out_at=NOW)
        if p.id == MOBILE
        else p
        for p in POINTS
    )
    old = confirmation_sent(10 * 86_400)
    decision = evaluate(confirm(), facts(contact_points=points, history=(old,)), at=NOW)
    assert decision.allowed, decision.explain()


def test_without_an_opt_out_there_is_nothing_to_confirm() -> None:
    """No revocation on the number: the exemption does not apply and lifts nothing (a number
    without consent stays blocked)."""
    no_consent = tuple(replace(p, sms_consent_at=None) for p in POINTS)
    decision = evaluate(confirm(), facts(contact_points=no_consent), at=NOW)
    assert decision.rule_ids == ("us.tcpa.sms_consent",)
    assert not decision.exempted


def test_other_rules_still_apply_to_the_confirmation() -> None:
    """Only the two named rules are lifted: a number marked invalid stays blocked."""
    invalid = opted_out(30)
    points = tuple(
        replace(p, status=ContactStatus.INVALID) if p.id == MOBILE else p
        for p in invalid.contact_points
    )
    decision = evaluate(confirm(), replace(invalid, contact_points=points), at=NOW)
    assert "us.contact_point_usable" in decision.rule_ids


BASE = (
    '[[rule]]\nid = "x.opt_out"\ncheck = "medium_opt_out"\nreason = "r"\nsource = "s"\n'
    '[[rule]]\nid = "x.note"\ncheck = "time_barred_disclosure"\neffect = "disclose"\n'
    'reason = "r"\nsource = "s"\nparams = { disclosure = "n" }\n'
    '[disclosure.n]\nsource = "s"\nen = "E"\nes = "S"\n'
)
EXEMPTION_TOML = (
    '[[exemption]]\nid = "x.confirm"\ncondition = "opt_out_confirmation"\n'
    'template = {template}\nchannels = ["sms"]\nlifts = {lifts}\nreason = "r"\nsource = "s"\n'
    "params = {{ window_seconds = 300 }}\n"
)


def pack(template: str = '"sms_opt_out_confirmation"', lifts: str = '["x.opt_out"]') -> str:
    return BASE + EXEMPTION_TOML.format(template=template, lifts=lifts)


def test_a_well_formed_exemption_loads() -> None:
    """One template, blocking rules of the same pack, a known condition: accepted."""
    parsed = parse_pack(pack(), name="x", known_checks=["medium_opt_out",
                        "time_barred_disclosure"], known_conditions=CONDITIONS)  # fmt: skip
    (exemption,) = parsed.exemptions
    assert exemption.template == CONFIRMATION
    assert exemption.lifts == {"x.opt_out"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (pack(template='["sms_opt_out_confirmation", "payment_reminder"]'), "exactly one"),
        (pack(template='"sms_*"'), "exactly one"),
        (pack(lifts='["us.holds"]'), "not blocking rules of this pack"),
        (pack(lifts='["x.note"]'), "not blocking rules of this pack"),
        (pack().replace("opt_out_confirmation", "anything_goes", 1), "unknown condition"),
        (pack().replace('channels = ["sms"]', 'channels = ["fax"]'), "fax"),
        (pack().replace('reason = "r"\nsource = "s"\nparams', 'reason = "r"\nparams'), "source"),
        (pack() + 'colour = "red"\n', "unknown keys"),
    ],
)
def test_an_exemption_that_could_be_widened_is_refused(text: str, message: str) -> None:
    """An exemption names one template and lifts only blocking rules of its own pack."""
    with pytest.raises(PackError, match=message):
        parse_pack(text, name="x", known_checks=["medium_opt_out", "time_barred_disclosure"],
                   known_conditions=CONDITIONS)  # fmt: skip
