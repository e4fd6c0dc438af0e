"""The disclosures the gate adds are data in the rule packs, in English and Spanish, and a
decision gives them in the message's language (Cal. Civ. Code 1788.14(d); Tex. Fin. Code
392.307; 12.2.12.9 NMAC; 6 RCNY 5-77(f))."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.compliance.checks import CHECKS
from arrears.compliance.gate import evaluate
from arrears.compliance.model import NOTICE_LANGUAGES, Notice
from arrears.compliance.packs import PackError, default_packs, parse_pack
from arrears.compliance.sol import sol_status
from arrears.domain.loans import ContractType
from unit.compliance.builders import NOW, TODAY, facts, proposal

DISCLOSING = [rule for pack in default_packs() for rule in pack.rules if rule.effect == "disclose"]


def barred(state: str):
    status = sol_status(
        state=state, contract_type=ContractType.WRITTEN, accrued_on=date(2012, 1, 15),
        payments=[], as_of=TODAY,
    )  # fmt: skip
    assert status is not None
    assert status.time_barred
    return status


def test_the_shipped_packs_disclose_in_four_places() -> None:
    """California, New Mexico, New York City and Texas add a time-barred notice."""
    assert {r.id for r in DISCLOSING} == {
        "ca.time_barred_disclosure", "nm.time_barred_disclosure", "nyc.time_barred_disclosure",
        "tx.time_barred_disclosure",
    }  # fmt: skip


@pytest.mark.parametrize("rule", DISCLOSING, ids=lambda r: r.id)
def test_every_disclosure_rule_has_its_words_in_english_and_spanish(rule) -> None:
    """A message is rendered in the borrower's language: each notice has a text in every
    language of the library, with the source that prescribes it."""
    notice = rule.notice
    assert isinstance(notice, Notice)
    assert notice.key == rule.params["disclosure"]
    assert notice.languages == NOTICE_LANGUAGES == ("en", "es")
    english, spanish = notice.text("en"), notice.text("es")
    assert len(english) > 80
    assert len(spanish) > 80
    assert english != spanish
    assert notice.source


@pytest.mark.parametrize(
    ("where", "english", "spanish"),
    [
        ({"borrower_state": "CA", "contract_state": "CA"}, "you will not be sued", "no se le demandará"),
        ({"borrower_state": "TX", "contract_state": "TX"}, "cannot sue you", "no podemos demandarle"),
        ({"borrower_state": "NM", "contract_state": "NM"}, "New Mexico Attorney General rule",
         "Procurador General de Nuevo México"),
        ({"borrower_state": "NY", "contract_state": "NY", "locality": "nyc"},
         "New York City rules", "Ciudad de Nueva York"),
    ],
)  # fmt: skip
def test_a_time_barred_letter_gets_the_notice_in_the_borrowers_language(
    where: dict[str, str], english: str, spanish: str
) -> None:
    """The gate's decision carries the notice; its text is chosen by language."""
    decision = evaluate(
        proposal("letter", template="payment_reminder", point=None),
        facts(**where, time_barred=barred(where["contract_state"])),
        at=NOW,
    )
    assert decision.allowed
    (notice,) = decision.notices
    assert english in notice.text("en")
    assert spanish in notice.text("es")
    assert decision.disclosure_texts("es") == (notice.text("es"),)
    assert decision.disclosure_texts("fr") == (notice.text("en"),)


RULE = (
    '[[rule]]\nid = "x.note"\ncheck = "time_barred_disclosure"\neffect = "disclose"\n'
    'reason = "r"\nsource = "s"\nparams = { disclosure = "x_notice" }\n'
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (RULE, "no text for disclosure 'x_notice'"),
        (RULE + '[disclosure.x_notice]\nsource = "s"\nen = "E"\n', "lacks es"),
        (RULE + '[disclosure.x_notice]\nen = "E"\nes = "S"\n', "lacks source"),
        (RULE + '[disclosure.x_notice]\nsource = "s"\nen = "E"\nes = "S"\nfr = "F"\n',
         "unknown keys"),
    ],
)  # fmt: skip
def test_a_disclosure_without_its_words_in_every_language_is_refused(
    text: str, message: str
) -> None:
    """A rule naming a notice the pack lacks, a notice missing Spanish or its source, or an unknown language: refused at load."""
    with pytest.raises(PackError, match=message):
        parse_pack(text, name="x", known_checks=CHECKS)


def test_a_notice_is_whitespace_normalised_and_keeps_its_key() -> None:
    """Line breaks of the TOML text do not reach the message; the key is the rule's ``disclosure``."""
    pack = parse_pack(
        RULE + '[disclosure.x_notice]\nsource = "s"\nen = """A\n  b"""\nes = "C  d"\n',
        name="x", known_checks=CHECKS,
    )  # fmt: skip
    notice = pack.rules[0].notice
    assert notice is not None
    assert (notice.key, notice.text("en"), notice.text("es")) == ("x_notice", "A b", "C d")
