"""Secrets at rest (issue 12 "Security"; docs/architecture.md "The database"): after a day of
the app, a raw dump of the database holds no SSN, date of birth, card number, password or
token as it is. SSN and date of birth are sealed (AES-256-GCM, ``<key id>$…``), passwords are
argon2id hashes, API tokens, session ids and sign-in links are kept as SHA-256 digests.

On SQLite the dump is the bytes of the database files; on PostgreSQL every row of every table
of the schema as JSON text (what ``pg_dump`` would write).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import inspect, text

from arrears.bootstrap import Container
from security.flow import Secrets, run_day
from support.web import World


def raw_dump(container: Container) -> str:
    """Every byte the database keeps, as text."""
    if container.engine.dialect.name == "sqlite":
        container.engine.dispose()  # close connections so nothing waits in memory
        database = Path(str(container.engine.url.database))
        files = sorted(database.parent.glob(database.name + "*"))
        assert files, "no database file"
        return "\n".join(f.read_bytes().decode("latin-1") for f in files)
    rows: list[str] = []
    with container.engine.connect() as connection:
        for table in inspect(connection).get_table_names(schema=container.schema):
            found = connection.execute(
                text(f'SELECT row_to_json(t)::text FROM "{container.schema}"."{table}" t')
            ).scalars()
            rows += list(found)
    return "\n".join(rows)


def leaks(dump: str, secrets: Secrets) -> list[str]:
    return [name for name, value in secrets.forms().items() if value in dump]


def test_a_raw_dump_holds_no_secret_as_it_is(world: World) -> None:
    """Nothing of the day's SSNs, dates of birth, card number, passwords or tokens can be read
    from the database without the keys — yet the dump is real: it has the borrowers' sealed
    fields, their names and the card's last four digits."""
    secrets = run_day(world)
    dump = raw_dump(world.container)
    assert "García" in dump or "Garc" in dump, "the dump is not of this database"
    assert "4242" in dump, "the card's last four digits are kept"
    assert leaks(dump, secrets) == []


def test_sealed_fields_name_their_key_and_open_only_with_it(world: World) -> None:
    """Each stored SSN and date of birth is ``<key id>$<base64>`` and decrypts (with the
    configured key) to the imported value; the blind index is not the value either."""
    container = world.container
    with container.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT external_id, ssn_sealed, dob_sealed, ssn_index, dob_index "
                 "FROM borrowers WHERE ssn_sealed IS NOT NULL ORDER BY external_id")
        ).all()  # fmt: skip
    assert [r.external_id for r in rows] == ["B1", "B2"]
    cipher = container.cipher
    key_id = cipher.current_key_id
    for row in rows:
        for sealed in (row.ssn_sealed, row.dob_sealed):
            assert sealed.startswith(f"{key_id}$")
    assert cipher.decrypt(rows[0].ssn_sealed).replace("-", "") == "123456789"
    assert cipher.decrypt(rows[0].dob_sealed) == "1985-04-12"
    assert "123456789" not in (rows[0].ssn_index or "")


def test_passwords_are_argon2id_hashes(world: World) -> None:
    """Every staff password is stored as an argon2id hash (its own salt: no two alike)."""
    run_day(world)
    with world.container.engine.connect() as connection:
        hashes = connection.execute(text("SELECT password_hash FROM users")).scalars().all()
    assert len(hashes) >= 6
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert len(set(hashes)) == len(hashes), "the same password must hash differently per user"


def test_tokens_sessions_and_links_are_kept_as_digests(world: World) -> None:
    """An API token, a session cookie and a sign-in link are each found in the database only
    as the SHA-256 of the value (and the token's short prefix, to tell tokens apart)."""
    secrets = run_day(world)
    with world.container.engine.connect() as connection:
        stored = {
            "api_tokens": set(connection.execute(text("SELECT token_hash FROM api_tokens"))
                              .scalars()),
            "web_sessions": set(connection.execute(text("SELECT id_hash FROM web_sessions"))
                                .scalars()),
            "portal_links": set(connection.execute(text("SELECT token_hash FROM portal_links"))
                                .scalars()),
        }  # fmt: skip
    digests = {hashlib.sha256(t.encode()).hexdigest() for t in secrets.tokens}
    assert stored["api_tokens"] <= digests | stored["api_tokens"]
    for token in world.tokens.values():
        assert hashlib.sha256(token.encode()).hexdigest() in stored["api_tokens"]
    assert any(d in stored["web_sessions"] for d in digests), "no session kept as a digest"
    assert any(d in stored["portal_links"] for d in digests), "no link kept as a digest"
