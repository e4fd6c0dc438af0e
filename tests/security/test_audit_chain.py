"""The audit trail is append-only and tamper-evident on SQLite and PostgreSQL: ``arrears audit
verify`` passes an intact trail and names the entry where an edited, deleted or re-hashed entry
breaks the chain; with ``--anchor`` it also notices the newest entries cut off (a chain that
still holds). Appends from many threads at once still form one chain."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from arrears.adapters.db import schema
from arrears.adapters.db.audit_store import entry_hash
from arrears.bootstrap import Container
from security.cli import arrears, point_cli_at
from support.web import World, build_world


@pytest.fixture
def trail(
    container: Container, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> World:
    """The web world (its set-up writes users, tokens and the cycle to the trail) and a few
    account views, with the CLI pointed at its database."""
    world = build_world(container, portfolio_files)
    client = world.client()
    for ref in ("L1", "L2", "L3"):
        headers = {"Authorization": f"Bearer {world.tokens['agent']}"}
        assert client.get(f"/api/v1/loans/{ref}", headers=headers).status_code == 200
    point_cli_at(container, monkeypatch)
    return world


def ids(world: World) -> list[int]:
    with world.container.engine.connect() as connection:
        return [
            int(i)
            for i in connection.execute(text("SELECT id FROM audit_log ORDER BY id")).scalars()
        ]


def sql(world: World, statement: str, **params: object) -> None:
    with world.container.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_an_intact_trail_verifies(trail: World) -> None:
    result = arrears("audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"{len(ids(trail)):,} entries" in result.output


def test_an_edited_entry_is_named(trail: World) -> None:
    """Someone changes what an account view says it showed: that entry no longer matches."""
    target = ids(trail)[len(ids(trail)) // 2]
    sql(trail, "UPDATE audit_log SET actor = 'someone-else' WHERE id = :i", i=target)
    result = arrears("audit", "verify")
    assert result.exit_code == 1
    assert f"entry {target}: content changed" in result.output


def test_a_deleted_entry_is_noticed_at_the_next_one(trail: World) -> None:
    found = ids(trail)
    target = found[len(found) // 2]
    sql(trail, "DELETE FROM audit_log WHERE id = :i", i=target)
    result = arrears("audit", "verify")
    assert result.exit_code == 1
    assert f"entry {found[found.index(target) + 1]}: does not follow" in result.output


def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link(trail: World) -> None:
    """Rewriting an entry and its hash consistently still breaks the link to the next entry."""
    found = ids(trail)
    target = found[len(found) // 2]
    with trail.container.engine.begin() as connection:
        log = schema.audit_log
        row = connection.execute(select(log).where(log.c.id == target)).one()
        forged = entry_hash(
            row.prev_hash, at=row.at, actor="forger", action=row.action,
            entity_type=row.entity_type, entity_id=row.entity_id, details=row.details,
        )  # fmt: skip
        connection.execute(
            text("UPDATE audit_log SET actor = 'forger', hash = :h WHERE id = :i"),
            {"h": forged, "i": target},
        )
    result = arrears("audit", "verify")
    assert result.exit_code == 1
    assert f"entry {found[found.index(target) + 1]}: does not follow" in result.output


def test_cutting_off_the_newest_entries_is_caught_by_the_anchor(
    trail: World, tmp_path: Path
) -> None:
    """The chain alone cannot tell that its tail is gone; the anchor of the last verification
    (kept outside the database) can."""
    anchor = tmp_path / "audit-anchor.json"
    assert arrears("audit", "verify", "--anchor", str(anchor)).exit_code == 0
    last = ids(trail)[-1]
    sql(trail, "DELETE FROM audit_log WHERE id >= :i", i=last - 1)
    assert arrears("audit", "verify").exit_code == 0, "the shortened chain still holds"
    result = arrears("audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1
    assert f"entry {last}" in result.output
    assert "gone" in result.output


def test_appends_from_many_threads_form_one_chain(trail: World) -> None:
    """Eight writers appending at once (on PostgreSQL an advisory lock orders them)."""
    container = trail.container
    barrier = threading.Barrier(8)

    def write(n: int) -> None:
        barrier.wait()
        for k in range(10):
            with container.uow() as uow:
                uow.audit.record(
                    at=container.clock.now(), actor=f"writer{n}", action="test.append",
                    entity_type="test", entity_id=str(k),
                )  # fmt: skip
                uow.commit()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with container.uow() as uow:
        assert uow.audit.verify() == []
    assert arrears("audit", "verify").exit_code == 0
