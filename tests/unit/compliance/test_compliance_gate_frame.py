"""The cycle's vectorised gate agrees with the pure gate on the day-level rules."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from arrears.batch.compliance_gate import ACCOUNT_FACTS, CONTACTS, apply_compliance

AS_OF = date(2026, 11, 27)


def candidates(rows: list[tuple[int, str, str, str]]) -> pl.DataFrame:
    """(loan, treatment, channel, category) rows as ``apply_holds`` leaves them."""
    return pl.DataFrame(
        {
            "loan_id": [r[0] for r in rows],
            "treatment": [r[1] for r in rows],
            "channel": [r[2] for r in rows],
            "category": [r[3] for r in rows],
            "template": ["collection_call" if r[2] == "call" else "payment_reminder" for r in rows],
            "status": ["planned"] * len(rows),
            "blocked_by": [None] * len(rows),
            "reason": [None] * len(rows),
            "source": [None] * len(rows),
        },
        schema_overrides={"blocked_by": pl.Utf8, "reason": pl.Utf8, "source": pl.Utf8},
    )


def accounts(rows: list[dict[str, object]]) -> pl.DataFrame:
    base = {
        "borrower_state": "PA", "locality": None, "sms_consent": True, "validation_sent": True,
        "first_communication_on": AS_OF - timedelta(days=40), "furnishing_from": AS_OF,
        "call_consent_on": None, "opted_out": None, "time_barred": False, "sol_source": None,
    }  # fmt: skip
    return pl.DataFrame([{**base, **r} for r in rows], schema=ACCOUNT_FACTS)


def contacts(rows: list[tuple[int, str, int, str]]) -> pl.DataFrame:
    """(loan, channel, days ago, outcome) outbound contacts to a mobile."""
    return pl.DataFrame(
        [
            (r[0], r[1], "outbound", AS_OF - timedelta(days=r[2]), r[3], "mobile_phone")
            for r in rows
        ],
        schema=CONTACTS,
        orient="row",
    )


def test_day_level_rules_block_with_their_ids_and_keep_every_row() -> None:
    """8th call (1006.14(b)(2)(i)(A)); conversation 6 days ago (B); MA cap (940 CMR 7.04);
    SMS without consent (47 U.S.C. 227); time-barred legal review (1006.26(b)); a text with
    the Texas time-barred notice; nothing dropped."""
    frame = apply_compliance(
        candidates(
            [
                (1, "agent_call", "call", "contact"),
                (2, "agent_call", "call", "contact"),
                (3, "agent_call", "call", "contact"),
                (4, "reminder_sms", "sms", "contact"),
                (5, "legal_referral_review", None, "legal"),  # type: ignore[list-item]
                (5, "reminder_letter", "letter", "contact"),
                (6, "agent_call", "call", "contact"),
            ]
        ),
        accounts(
            [
                {"loan_id": 1},
                {"loan_id": 2},
                {"loan_id": 3, "borrower_state": "MA"},
                {"loan_id": 4, "sms_consent": False},
                {
                    "loan_id": 5,
                    "borrower_state": "TX",
                    "time_barred": True,
                    "sol_source": "Tex. CPRC 16.004",
                },
                {"loan_id": 6},
            ]
        ),
        contacts(
            [(1, "call", d, "no_answer") for d in (0, 1, 1, 2, 3, 5, 6)]
            + [(2, "call", 6, "right_party_contact")]
            + [(3, "call", 2, "no_answer"), (3, "sms", 4, "sent")]
            + [(6, "call", 7, "right_party_contact")]
        ),
        as_of=AS_OF,
    )
    assert frame.height == 7
    by = {(r["loan_id"], r["treatment"]): r for r in frame.iter_rows(named=True)}
    assert by[(1, "agent_call")]["reason"].startswith("us.regf.call_frequency")
    assert by[(2, "agent_call")]["reason"].startswith("us.regf.conversation_lock")
    assert by[(3, "agent_call")]["reason"].startswith("ma.calls_personal_numbers")
    assert "940 CMR 7.04" in by[(3, "agent_call")]["source"]
    assert by[(4, "reminder_sms")]["reason"].startswith("us.tcpa.sms_consent")
    legal = by[(5, "legal_referral_review")]
    assert "us.regf.time_barred_suit" in legal["reason"]
    assert "tx.time_barred_suit" in legal["reason"]
    assert legal["source"].endswith("16.004")
    letter = by[(5, "reminder_letter")]
    assert letter["status"] == "planned"
    assert letter["disclosures"] == "tx_time_barred_notice"
    assert by[(6, "agent_call")]["status"] == "planned"
    assert {r["blocked_by"] for r in frame.iter_rows(named=True) if r["status"] == "blocked"} == {
        "compliance"
    }


def test_rows_already_blocked_keep_their_first_reason() -> None:
    """Holds and missing requirements come first; compliance does not overwrite them."""
    held = candidates([(1, "agent_call", "call", "contact")]).with_columns(
        pl.lit("blocked").alias("status"),
        pl.lit("hold").alias("blocked_by"),
        pl.lit("dispute hold #1").alias("reason"),
    )
    frame = apply_compliance(
        held,
        accounts([{"loan_id": 1}]),
        contacts([(1, "call", 0, "no_answer")] * 8),
        as_of=AS_OF,
    )
    assert frame.row(0, named=True)["blocked_by"] == "hold"
