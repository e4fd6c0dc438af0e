"""State and city overlays, and time-barred debt, case by case with their sources."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.compliance.gate import evaluate
from arrears.compliance.model import ActorType
from arrears.compliance.settings import ComplianceSettings
from arrears.compliance.sol import sol_status
from arrears.domain.contacts import ContactKind
from arrears.domain.loans import ContractType
from unit.compliance.builders import (
    EMAIL,
    HOME,
    MOBILE,
    NOW,
    TODAY,
    WORK_EMAIL,
    WORK_PHONE,
    contact,
    facts,
    proposal,
)

MA = {"borrower_state": "MA", "contract_state": "MA"}
WA = {"borrower_state": "WA", "contract_state": "WA", "address_time_zone": "America/Los_Angeles"}
NYC = {"borrower_state": "NY", "contract_state": "NY", "locality": "nyc"}


def test_a_massachusetts_borrowers_third_call_in_a_week_is_blocked() -> None:
    """940 CMR 7.04(1)(f): at most 2 calls in 7 days to personal numbers, per debt."""
    two_calls = (contact(5, point=MOBILE), contact(2, point=HOME))
    decision = evaluate(proposal("call"), facts(**MA, history=two_calls), at=NOW)
    assert decision.rule_ids == ("ma.calls_personal_numbers",), decision.explain()
    assert "940 CMR 7.04" in decision.blocked_by[0].source


def test_a_massachusetts_text_counts_as_a_phone_communication() -> None:
    """940 CMR 7.04(1)(f): calls, texts and recorded messages all count."""
    history = (contact(5, channel="sms", outcome="sent"), contact(2))
    decision = evaluate(
        proposal("sms", template="payment_reminder"), facts(**MA, history=history), at=NOW
    )
    assert "ma.calls_personal_numbers" in decision.rule_ids


def test_massachusetts_work_numbers_have_their_own_30_day_cap() -> None:
    """940 CMR 7.04(1)(f): 2 in 30 days to other numbers; personal calls do not count there."""
    personal = (contact(5, point=MOBILE), contact(2, point=HOME))
    assert evaluate(
        proposal("call", point=WORK_PHONE), facts(**MA, history=personal), at=NOW
    ).allowed
    work = (contact(25, point=WORK_PHONE), contact(12, point=WORK_PHONE))
    decision = evaluate(proposal("call", point=WORK_PHONE), facts(**MA, history=work), at=NOW)
    assert decision.rule_ids == ("ma.calls_other_numbers",)


def test_massachusetts_applies_to_a_creditor_collecting_its_own_debt() -> None:
    """940 CMR 7.00 binds creditors (reference §0); Reg F does not."""
    history = (contact(5), contact(2))
    creditor = ComplianceSettings(actor_type=ActorType.FIRST_PARTY_CREDITOR)
    decision = evaluate(proposal("call"), facts(**MA, history=history), at=NOW, settings=creditor)
    assert decision.rule_ids == ("ma.calls_personal_numbers",)


def test_washington_allows_three_communications_a_week_and_one_at_work() -> None:
    """RCW 19.16.250(13): no more than 3 a week, no more than 1 a week at the workplace."""
    three = (contact(6), contact(4, channel="email", outcome="sent", point=EMAIL), contact(1))
    decision = evaluate(proposal("call"), facts(**WA, history=three), at=NOW)
    assert decision.rule_ids == ("wa.communications_per_week",)
    at_work = (contact(3, channel="email", outcome="sent", point=WORK_EMAIL),)
    decision = evaluate(proposal("call", point=WORK_PHONE), facts(**WA, history=at_work), at=NOW)
    assert decision.rule_ids == ("wa.workplace_per_week",)


def test_washington_quiet_hours_start_at_eight() -> None:
    """RCW 19.16.250(13) says 7:30; the stricter 8:00 of the AG summary is used."""
    at = NOW.replace(hour=15, minute=45)  # 07:45 in Seattle
    decision = evaluate(proposal("call"), facts(**WA), at=at)
    assert set(decision.rule_ids) == {"us.regf.quiet_hours", "wa.quiet_hours"}


def test_new_york_city_allows_two_communications_in_seven_days() -> None:
    """6 RCNY 5-77: more than 2 communications in 7 days is excessive."""
    two = (contact(6, channel="email", outcome="sent", point=EMAIL), contact(3))
    decision = evaluate(
        proposal("sms", template="payment_reminder"), facts(**NYC, history=two), at=NOW
    )
    assert decision.rule_ids == ("nyc.communications_per_week",)
    assert evaluate(proposal("call"), facts(**NYC, history=two[:1]), at=NOW).allowed


def test_the_city_pack_does_not_apply_elsewhere_in_new_york() -> None:
    two = (contact(6, channel="email", outcome="sent", point=EMAIL), contact(3))
    upstate = {**NYC, "locality": None}
    assert evaluate(proposal("call"), facts(**upstate, history=two), at=NOW).allowed


# -- time-barred debt -------------------------------------------------------------------------

TEXAS_BARRED = sol_status(
    state="TX",
    contract_type=ContractType.WRITTEN,
    accrued_on=date(2020, 1, 15),
    payments=[date(2025, 3, 1)],  # after expiry: does not revive in Texas
    as_of=TODAY,
)
TX = {"borrower_state": "TX", "contract_state": "TX", "time_barred": TEXAS_BARRED}


def test_a_payment_does_not_revive_a_time_barred_texas_debt() -> None:
    """Tex. Fin. Code 392.307: payment after expiry does not revive (4 years, CPRC 16.004)."""
    assert TEXAS_BARRED is not None
    assert TEXAS_BARRED.time_barred
    assert TEXAS_BARRED.no_revival
    assert TEXAS_BARRED.expires_on == date(2024, 1, 15)
    assert "392.307" in TEXAS_BARRED.source


def test_a_payment_restarts_the_period_where_the_general_rule_applies() -> None:
    """K.S.A. 60-520: any payment revives or extends (CSV, KS row)."""
    kansas = sol_status(
        state="KS",
        contract_type=ContractType.WRITTEN,
        accrued_on=date(2020, 1, 15),
        payments=[date(2025, 3, 1)],
        as_of=TODAY,
    )
    assert kansas is not None
    assert not kansas.time_barred
    assert kansas.expires_on == date(2030, 3, 1)


@pytest.mark.parametrize(
    ("template", "category", "blocked"),
    [
        ("demand_letter", "contact", {"us.regf.time_barred_suit", "tx.time_barred_suit"}),
        ("legal_referral", "legal", {"us.regf.time_barred_suit", "tx.time_barred_suit"}),
        ("payment_reminder", "contact", set()),
    ],
)
def test_no_suit_and_no_threat_of_suit_on_a_time_barred_texas_debt(
    template: str, category: str, blocked: set[str]
) -> None:
    """12 CFR 1006.26(b); Tex. Fin. Code 392.307(b)."""
    decision = evaluate(
        proposal("letter", template=template, category=category, point=None),
        facts(**TX),
        at=NOW,
    )
    assert set(decision.rule_ids) == blocked
    if blocked:
        assert all("1006.26" in h.source or "392.307" in h.source for h in decision.blocked_by)


def test_a_time_barred_texas_letter_carries_the_state_disclosure() -> None:
    """Tex. Fin. Code 392.307(c)-(e): written time-barred notice."""
    decision = evaluate(
        proposal("letter", template="payment_reminder", point=None), facts(**TX), at=NOW
    )
    assert decision.allowed
    assert [d.rule_id for d in decision.disclosures] == ["tx.time_barred_disclosure"]
    assert "tx_time_barred_notice" in decision.disclosures[0].reason


def test_a_debt_within_its_period_needs_no_disclosure() -> None:
    fresh = sol_status(
        state="TX", contract_type=ContractType.WRITTEN, accrued_on=date(2025, 1, 15),
        payments=[], as_of=TODAY,
    )  # fmt: skip
    decision = evaluate(
        proposal("letter", template="demand_letter", point=None),
        facts(**{**TX, "time_barred": fresh}),
        at=NOW,
    )
    assert decision.allowed
    assert not decision.disclosures


def test_california_applies_its_time_barred_rules_to_creditors() -> None:
    """Cal. CCP 337(d); Civ. Code 1788.14(d): Rosenthal covers creditors."""
    barred = sol_status(
        state="CA", contract_type=ContractType.OPEN_ACCOUNT, accrued_on=date(2021, 6, 1),
        payments=[date(2022, 1, 1)], as_of=TODAY,
    )  # fmt: skip
    assert barred is not None
    assert barred.time_barred
    creditor = ComplianceSettings(actor_type=ActorType.FIRST_PARTY_CREDITOR)
    ca = {"borrower_state": "CA", "contract_state": "CA", "time_barred": barred}
    suit = evaluate(
        proposal("letter", template="intent_to_sue", point=None), facts(**ca), at=NOW,
        settings=creditor,
    )  # fmt: skip
    assert suit.rule_ids == ("ca.time_barred_suit",)
    letter = evaluate(
        proposal("letter", template="payment_reminder", point=None), facts(**ca), at=NOW,
        settings=creditor,
    )  # fmt: skip
    assert [d.rule_id for d in letter.disclosures] == ["ca.time_barred_disclosure"]


def test_every_blocking_rule_is_reported_not_only_the_first() -> None:
    """DESIGN §5: blocked actions carry every rule that blocks them."""
    history = (*tuple(contact(1) for _ in range(7)), contact(0, outcome="right_party_contact"))
    decision = evaluate(
        proposal("sms", template="payment_reminder", point=HOME),
        facts(**MA, history=history, channels_opted_out=frozenset({"sms"})),
        at=NOW.replace(hour=3),
    )
    assert {
        "us.regf.quiet_hours",
        "us.medium_opt_out",
        "us.tcpa.sms_consent",
        "ma.calls_personal_numbers",
        "ma.quiet_hours",
    } <= set(decision.rule_ids)
    assert decision.explain().count("\n") == len(decision.blocked_by)


def test_the_kind_of_the_number_decides_the_massachusetts_cap() -> None:
    assert ContactKind.WORK_PHONE.is_phone
    history = (contact(1, point=WORK_PHONE), contact(2, point=WORK_PHONE))
    assert not evaluate(
        proposal("call", point=WORK_PHONE), facts(**MA, history=history), at=NOW
    ).allowed
    assert evaluate(proposal("call"), facts(**MA, history=history), at=NOW - timedelta(0)).allowed
