"""Replies that revoke consent to texts (FCC 24-18: stop, quit, end, revoke, opt out, cancel,
unsubscribe — and what Spanish-speaking borrowers write)."""

from __future__ import annotations

import pytest

from arrears.services.sms_inbound import is_opt_out


@pytest.mark.parametrize(
    "reply",
    [
        "STOP", "stop", " Stop. ", "STOPALL", "Unsubscribe", "CANCEL", "end", "Quit!", "REVOKE",
        "opt out", "Opt-Out", "optout", "PARA", "para", "Alto", "BAJA", "Cancelar", "fin",
        "no más", "Stop texting me", "PARA por favor", "stop!!!",
    ],
)  # fmt: skip
def test_opt_out_replies_revoke(reply: str) -> None:
    assert is_opt_out(reply)


@pytest.mark.parametrize(
    "reply",
    ["", "I will pay on Friday", "Can we talk about a plan?", "The end of the month", "OK",
     "Yes", "Sí, pagaré el viernes", "quite busy now"],
)  # fmt: skip
def test_other_replies_do_not(reply: str) -> None:
    assert not is_opt_out(reply)
