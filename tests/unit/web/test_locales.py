"""The portal speaks English and Spanish: the same keys in both, and every key a template asks
for exists."""

from __future__ import annotations

import re

from arrears.entrypoints.web.templating import HERE, messages, translator

KEY = re.compile(r"""\bt\(\s*["']([^"']+)["']\s*[,)]""")


def test_english_and_spanish_have_the_same_keys() -> None:
    assert set(messages("en")) == set(messages("es"))


def test_every_literal_key_used_in_a_template_exists() -> None:
    """``t("…")`` calls with a literal key; keys built from data (``"product_" ~ …``) are
    checked by the portal tests."""
    used = {
        key
        for path in (HERE / "templates").rglob("*.html")
        for key in KEY.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "the templates use translations"
    assert sorted(used - set(messages("en"))) == []


def test_placeholders_match_between_languages() -> None:
    """A translation keeps every {placeholder} of the English text."""
    field = re.compile(r"\{(\w+)\}")
    english, spanish = messages("en"), messages("es")
    for key, text in english.items():
        assert set(field.findall(text)) == set(field.findall(spanish[key])), key


def test_an_unknown_language_falls_back_to_english_and_an_unknown_key_to_itself() -> None:
    assert translator("fr")("sign_in") == "Sign in"
    assert translator("es")("sign_in") == "Entrar"
    assert translator("es")("no such key") == "no such key"
    assert translator("es")("account_n", ref="L1") == "Cuenta L1"
