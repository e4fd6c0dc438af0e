"""Key rotation for the sealed fields on SQLite and PostgreSQL (``arrears keys``): a new key
comes first, ``rotate`` re-seals every SSN and date of birth with it (idempotent, resumable,
audited), the values and their blind indexes still answer the same, a value changed meanwhile is
never overwritten, and an old key can be retired only once nothing uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from arrears.adapters.db import schema
from arrears.adapters.field_crypto import FieldCipher
from arrears.bootstrap import Container, build
from arrears.services import keys
from arrears.services.keys import SealedRow
from security.cli import arrears, point_cli_at
from support.db import run_import

PLAIN = {"B1": ("123456789", "1985-04-12"), "B2": ("234567890", "1970-09-30")}


@pytest.fixture
def book(
    container: Container, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> Container:
    run_import(container, portfolio_files)
    point_cli_at(container, monkeypatch)
    return container


def reopened(container: Container) -> Container:
    """The same database with the keys as the key file says now (a restart)."""
    return build(container.settings, clock=container.clock, schema=container.schema)


def sealed(container: Container) -> dict[str, tuple[str | None, str | None]]:
    b = schema.borrowers
    with container.engine.connect() as connection:
        rows = connection.execute(select(b.c.external_id, b.c.ssn_sealed, b.c.dob_sealed)).all()
    return {r.external_id: (r.ssn_sealed, r.dob_sealed) for r in rows}


def key_ids(container: Container) -> set[str]:
    return {v.partition("$")[0] for pair in sealed(container).values() for v in pair if v}


def opened(container: Container) -> dict[str, tuple[str, str]]:
    cipher = container.cipher
    return {
        ref: (cipher.decrypt(ssn), cipher.decrypt(dob))
        for ref, (ssn, dob) in sealed(container).items()
        if ssn and dob
    }


def test_rotation_reseals_everything_with_the_new_key(book: Container) -> None:
    assert key_ids(book) == {"k1"}
    added = arrears("keys", "add")
    assert added.exit_code == 0, added.output
    assert "k2" in added.output
    restarted = reopened(book)
    assert restarted.cipher.current_key_id == "k2"
    rotated = arrears("keys", "rotate", "--batch", "1")
    assert rotated.exit_code == 0, rotated.output
    assert key_ids(restarted) == {"k2"}
    assert opened(restarted) == PLAIN, "the same values under the new key"
    with restarted.uow() as uow:
        b1 = uow.accounts.borrower_id("B1")
        assert b1 is not None
        assert uow.sessions.dob_matches(b1, "1985-04-12"), "blind indexes are unaffected"
        assert uow.audit.verify() == []
    status = arrears("keys", "status")
    assert status.exit_code == 0
    assert "k1" in status.output


def test_rotating_again_changes_nothing(book: Container) -> None:
    arrears("keys", "add")
    assert arrears("keys", "rotate").exit_code == 0
    before = sealed(book)
    again = arrears("keys", "rotate")
    assert again.exit_code == 0
    assert "Re-sealed 0 borrowers" in again.output
    assert sealed(book) == before


class _Stopping:
    """The cipher, stopping (as a killed process would) after ``left`` re-seals."""

    def __init__(self, cipher: FieldCipher, left: int) -> None:
        self.cipher, self.left = cipher, left
        self.current_key_id = cipher.current_key_id

    def encrypt(self, plaintext: str) -> str:
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return self.cipher.encrypt(plaintext)

    def decrypt(self, stored: str) -> str:
        return self.cipher.decrypt(stored)

    def key_id_of(self, stored: str) -> str:
        return self.cipher.key_id_of(stored)


def test_an_interrupted_rotation_is_finished_by_running_it_again(book: Container) -> None:
    """Stopped after the first borrower (batches of one commit as they go): that borrower is
    on the new key, the others wait; running again finishes, and what was done stays done."""
    arrears("keys", "add")
    restarted = reopened(book)
    with pytest.raises(KeyboardInterrupt):
        keys.rotate(uow_factory=restarted.uow, sealer=_Stopping(restarted.cipher, 2),
                    clock=restarted.clock, batch=1)  # fmt: skip
    done = {
        ref for ref, pair in sealed(book).items() if any(v and v.startswith("k2$") for v in pair)
    }
    assert len(done) == 1
    report = keys.rotate(uow_factory=restarted.uow, sealer=restarted.cipher, clock=restarted.clock)
    assert report.values_by_key == {"k2": 4}
    assert opened(restarted) == PLAIN


def test_a_value_changed_meanwhile_is_left_alone(book: Container) -> None:
    """Re-sealing writes only over the value it read: a borrower updated in between (say by an
    import) keeps the new value, and the next run picks it up."""
    with book.uow() as uow:
        row = uow.sealed.stale(current="k9", after_id=0, limit=1)[0]
        newer = book.cipher.encrypt("999887777")
        b = schema.borrowers
        uow.connection.execute(b.update().where(b.c.id == row.id).values(ssn_sealed=newer))
        assert not uow.sealed.reseal(row, SealedRow(row.id, "x", "y"))
        uow.commit()
    with book.engine.connect() as connection:
        kept = connection.execute(select(b.c.ssn_sealed).where(b.c.id == row.id)).scalar_one()
    assert kept == newer


def test_an_old_key_is_retired_only_when_nothing_uses_it(book: Container) -> None:
    arrears("keys", "add")
    refused = arrears("keys", "retire", "k1")
    assert refused.exit_code == 1
    assert "still sealed with k1" in refused.output
    assert arrears("keys", "retire", "k2").exit_code == 1, "the newest key cannot go"
    assert arrears("keys", "rotate").exit_code == 0
    retired = arrears("keys", "retire", "k1")
    assert retired.exit_code == 0, retired.output
    stored = json.loads((book.settings.data_dir / "field-keys.json").read_text())
    assert [k["id"] for k in stored["keys"]] == ["k2"]
    assert opened(reopened(book)) == PLAIN, "readable without the retired key"


def test_keys_from_the_environment_are_not_edited(
    book: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = book.cipher.keys[0]
    import base64

    monkeypatch.setenv("ARREARS_FIELD_KEYS", f"{key[0]}:{base64.b64encode(key[1]).decode()}")
    refused = arrears("keys", "add")
    assert refused.exit_code == 1
    assert "ARREARS_FIELD_KEYS" in refused.output
