"""Validation dates, the SOL table, pre-furnishing and the rule-pack loader."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.compliance.checks import CHECKS
from arrears.compliance.furnishing import may_furnish
from arrears.compliance.model import ActorType
from arrears.compliance.packs import PackError, default_packs, parse_pack
from arrears.compliance.settings import ComplianceSettings
from arrears.compliance.sol import no_revival_states, sol_table
from arrears.compliance.validation import (
    assumed_receipt,
    validation_deadline,
    validation_period_end,
)
from arrears.domain.geo import STATES_AND_DC
from arrears.domain.holds import HoldKind
from arrears.domain.loans import ContractType
from unit.compliance.builders import EMAIL, TODAY, contact, hold


@pytest.mark.parametrize(
    ("provided", "receipt", "end"),
    [
        # Mon 2 Nov 2026 -> receipt Mon 9 Nov; +30 days = Wed 9 Dec.
        (date(2026, 11, 2), date(2026, 11, 9), date(2026, 12, 9)),
        # Mon 23 Nov 2026: Thanksgiving (26th) is skipped -> receipt Tue 1 Dec; end 31 Dec.
        (date(2026, 11, 23), date(2026, 12, 1), date(2026, 12, 31)),
        # Thu 24 Dec 2026: Christmas, New Year's Day and two weekends skipped -> Mon 4 Jan.
        (date(2026, 12, 24), date(2027, 1, 4), date(2027, 2, 3)),
    ],
)
def test_validation_period_end_uses_the_federal_holiday_calendar(
    provided: date, receipt: date, end: date
) -> None:
    """12 CFR 1006.34(b)(5): receipt assumed up to 5 days excluding holidays and weekends."""
    assert assumed_receipt(provided) == receipt
    assert validation_period_end(provided) == end


def test_validation_deadline_is_five_business_days() -> None:
    """12 CFR 1006.34(a)(1)(i)(B)."""
    assert validation_deadline(date(2026, 11, 2)) == date(2026, 11, 9)
    assert validation_deadline(date(2026, 11, 19)) == date(2026, 11, 27)  # Thanksgiving


def test_the_vendored_sol_table_covers_every_state_and_dc() -> None:
    """sol_by_state.csv: 50 states and DC, each with its source."""
    table = sol_table()
    assert set(table) == set(STATES_AND_DC)
    assert all(p.source for p in table.values())
    assert table["TX"].years[ContractType.WRITTEN] == 4
    assert table["NY"].years[ContractType.OPEN_ACCOUNT] == 3
    assert set(no_revival_states()) == {"NY", "TX", "MD", "ME", "CT", "CA"}


def test_no_furnishing_before_any_contact() -> None:
    """12 CFR 1006.30(a)(1)."""
    decision = may_furnish([], as_of=TODAY)
    assert decision.rule_ids == ("us.regf.pre_furnishing",)


def test_furnishing_after_a_conversation() -> None:
    """1006.30(a)(1)(i): speaking to the consumer by telephone."""
    assert may_furnish([contact(0, outcome="right_party_contact")], as_of=TODAY).allowed


@pytest.mark.parametrize(
    ("sent_days_ago", "bounced_days_ago", "allowed"),
    [(14, None, True), (13, None, False), (20, 10, False), (30, None, True)],
)
def test_furnishing_waits_14_days_after_a_letter_that_did_not_bounce(
    sent_days_ago: int, bounced_days_ago: int | None, allowed: bool
) -> None:
    """Comment 30(a)-2: 14 consecutive days is a reasonable wait for undeliverability."""
    history = [contact(sent_days_ago, channel="letter", outcome="sent", point=None)]
    if bounced_days_ago is not None:
        history.append(contact(bounced_days_ago, channel="letter", outcome="bounced", point=None))
    assert may_furnish(history, as_of=TODAY).allowed is allowed


def test_an_email_counts_and_a_creditor_is_not_bound() -> None:
    email = [contact(15, channel="email", outcome="delivered", point=EMAIL)]
    assert may_furnish(email, as_of=TODAY).allowed
    creditor = ComplianceSettings(actor_type=ActorType.FIRST_PARTY_CREDITOR)
    assert may_furnish([], as_of=TODAY, settings=creditor).allowed


def test_a_fraud_hold_stops_furnishing() -> None:
    """15 U.S.C. 1681s-2(a)(6)."""
    decision = may_furnish(
        [contact(0, outcome="right_party_contact")],
        as_of=TODAY,
        holds=[hold(HoldKind.FRAUD, days_ago=2)],
    )
    assert decision.rule_ids == ("us.holds.fraud",)


def test_every_shipped_rule_has_an_id_a_reason_and_a_source() -> None:
    rules = [rule for pack in default_packs() for rule in pack.rules]
    assert len(rules) >= 25
    assert all(r.id and r.reason and r.source and r.check in CHECKS for r in rules)
    assert default_packs()[0].id == "us_federal"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[rule]]\nid = "x"\ncheck = "nope"\nreason = "r"\nsource = "s"', "unknown check"),
        ('[[rule]]\nid = "x"\ncheck = "holds"\nreason = "r"', "lacks source"),
        (
            '[[rule]]\nid = "x"\ncheck = "holds"\nreason = "r"\nsource = "s"\nchannels = ["fax"]',
            "fax",
        ),
        (
            '[[rule]]\nid = "x"\ncheck = "holds"\nreason = "r"\nsource = "s"\neffect = "warn"',
            "effect",
        ),
        ("[[rule]\n", "bad"),
    ],
)
def test_a_bad_pack_is_refused_with_the_rule_named(text: str, message: str) -> None:
    with pytest.raises(PackError, match=message if message != "bad" else None):
        parse_pack(text, name="bad", known_checks=CHECKS)


def test_a_new_state_is_a_new_file() -> None:
    """docs/compliance.md: a pack with ``states`` applies only there."""
    pack = parse_pack(
        '[pack]\nid = "us_zz"\nstates = ["VT"]\n[[rule]]\nid = "vt.cap"\ncheck = "contact_cap"\n'
        'reason = "r"\nsource = "s"\nparams = { max = 1, window_days = 7, counted = ["call"] }\n',
        name="us_zz",
        known_checks=CHECKS,
    )
    assert pack.applies_to(state="VT", locality=None)
    assert not pack.applies_to(state="NH", locality=None)
    assert pack.rules[0].int_param("max") == 1
    assert TODAY - timedelta(days=1) < TODAY
