"""The batch forms of the field cipher that an import uses (``encrypt_all``, ``blind_indexes``)
seal and index exactly as the one-value forms do: each sealed value opens to its plaintext with
a nonce of its own, a missing value stays missing, and each digest is the one-value digest."""

from __future__ import annotations

import secrets

from hypothesis import given
from hypothesis import strategies as st

from arrears.adapters.field_crypto import FieldCipher

CIPHER = FieldCipher(
    keys=(("k2", secrets.token_bytes(32)), ("k1", secrets.token_bytes(32))),
    index_key=secrets.token_bytes(32),
)
VALUES = st.lists(st.none() | st.text(max_size=20), max_size=30)


@given(VALUES)
def test_each_sealed_value_opens_to_its_own_plaintext(values: list[str | None]) -> None:
    sealed = CIPHER.encrypt_all(values)
    assert len(sealed) == len(values)
    for plaintext, stored in zip(values, sealed, strict=True):
        if plaintext is None:
            assert stored is None
        else:
            assert stored is not None
            assert CIPHER.key_id_of(stored) == "k2"
            assert CIPHER.decrypt(stored) == plaintext


def test_every_value_gets_a_nonce_of_its_own() -> None:
    """The same plaintext sealed twice in one batch must not give the same text: AES-GCM with
    a repeated nonce under one key gives its plaintexts away."""
    sealed = CIPHER.encrypt_all(["123456789"] * 1000)
    assert len(set(sealed)) == 1000


@given(VALUES)
def test_blind_indexes_are_the_one_value_digests(values: list[str | None]) -> None:
    expected = [None if value is None else CIPHER.blind_index(value) for value in values]
    assert CIPHER.blind_indexes(values) == expected
