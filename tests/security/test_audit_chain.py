"""The audit trail is append-only and tamper-evident on SQLite and PostgreSQL: ``arrears audit
verify`` passes an intact trail and names the entry where an edited, deleted, re-hashed or
moved entry breaks its lane's chain; with ``--anchor`` it also notices any lane's newest
entries cut off (a chain that still holds). Entries about one account share a lane; appends
about different accounts from many threads at once leave every lane one chain."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, text

from arrears.adapters.db import schema
from arrears.adapters.db.audit_store import ALL_LANES, GENESIS, LANES, entry_hash, lane_of
from arrears.bootstrap import Container
from security.cli import arrears, point_cli_at
from support.web import World, build_world

ACCOUNTS = [f"A{n}" for n in range(1, 7)]


@pytest.fixture
def trail(
    container: Container, portfolio_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> World:
    """The web world (its set-up writes users, tokens and the cycle to the trail), account
    views, and three notes on each of six accounts, recorded a round at a time (one
    transaction writes to several lanes), with the CLI pointed at its database."""
    world = build_world(container, portfolio_files)
    client = world.client()
    for ref in ("L1", "L2", "L3", "L1"):
        headers = {"Authorization": f"Bearer {world.tokens['agent']}"}
        assert client.get(f"/api/v1/loans/{ref}", headers=headers).status_code == 200
    for round_ in range(3):
        with container.uow() as uow:
            for account in ACCOUNTS:
                uow.audit.record(
                    at=container.clock.now(), actor="test", action="test.noted",
                    entity_type="loan", entity_id=account, details={"round": round_},
                )  # fmt: skip
            uow.commit()
    point_cli_at(container, monkeypatch)
    return world


def entries(world: World) -> list[tuple[int, int]]:
    """(id, lane) of every entry, in id order."""
    with world.container.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, lane FROM audit_log ORDER BY id"))
        return [(int(i), int(lane)) for i, lane in rows]


def lanes(world: World) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry_id, lane in entries(world):
        found.setdefault(lane, []).append(entry_id)
    return found


def busy_lane(world: World) -> list[int]:
    """The ids of an account's lane with at least three entries, not the lane of the newest
    entry of all (so that what is found there is found by its lane, not by the trail's end)."""
    newest_lane = entries(world)[-1][1]
    lane = lane_of("loan", ACCOUNTS[0])
    if lane == newest_lane:
        lane = lane_of("loan", ACCOUNTS[1])
    ids = lanes(world)[lane]
    assert len(ids) >= 3
    return ids


def sql(world: World, statement: str, **params: object) -> None:
    with world.container.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_an_intact_trail_verifies(trail: World) -> None:
    result = arrears("audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"{len(entries(trail)):,} entries in {len(lanes(trail))} lanes" in result.output


def test_entries_about_one_account_share_a_lane_and_each_lane_is_one_chain(trail: World) -> None:
    with trail.container.engine.connect() as connection:
        log = schema.audit_log
        rows = connection.execute(select(log).order_by(log.c.id)).all()
    assert {row.lane for row in rows} <= set(ALL_LANES)
    views = {"account.viewed", "borrower.viewed"}  # committed without waiting (ADR 0014)
    assert any(row.action in views for row in rows), "the fixture viewed accounts"
    assert all(  # a view's entry is in a view lane (ADR 0015)
        row.lane == lane_of(row.entity_type, row.entity_id, durable=row.action not in views)
        for row in rows
    )
    noted = {row.entity_id: row.lane for row in rows if row.action == "test.noted"}
    assert len(set(noted.values())) > 1, "different accounts, different lanes"
    newest: dict[int, str] = {}
    for row in rows:
        assert row.prev_hash == newest.get(row.lane, GENESIS), f"entry {row.id}"
        newest[row.lane] = row.hash
    assert len(newest) > 3


def test_an_edited_entry_is_named(trail: World) -> None:
    """Someone changes what an account view says it showed: that entry no longer matches."""
    target = busy_lane(trail)[1]
    sql(trail, "UPDATE audit_log SET actor = 'someone-else' WHERE id = :i", i=target)
    result = arrears("audit", "verify")
    assert result.exit_code == 1
    assert f"entry {target}: content changed" in result.output


def test_a_deleted_entry_is_noticed_at_the_next_one_of_its_lane(trail: World) -> None:
    ids = busy_lane(trail)
    sql(trail, "DELETE FROM audit_log WHERE id = :i", i=ids[1])
    result = arrears("audit", "verify")
    assert result.exit_code == 1
    assert f"entry {ids[2]}: does not follow" in result.output
    assert "broken in 1 places" in result.output


def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link(trail: World) -> None:
    """Rewriting an entry and its hash consistently still breaks the link to the next entry of
    its lane."""
    ids = busy_lane(trail)
    target = ids[1]
    with trail.container.engine.begin() as connection:
        log = schema.audit_log
        row = connection.execute(select(log).where(log.c.id == target)).one()
        forged = entry_hash(
            row.prev_hash, at=row.at, actor="forger", action=row.action,
            entity_type=row.entity_type, entity_id=row.entity_id, details=row.details,
            lane=row.lane,
        )  # fmt: skip
        connection.execute(
            text("UPDATE audit_log SET actor = 'forger', hash = :h WHERE id = :i"),
            {"h": forged, "i": target},
        )
    result = arrears("audit", "verify")
    assert result.exit_code == 1
    assert f"entry {ids[2]}: does not follow" in result.output
    assert f"entry {target}:" not in result.output


def test_an_entry_moved_to_another_lane_is_named(trail: World) -> None:
    ids = busy_lane(trail)
    other = next(lane for lane in lanes(trail) if lane not in {0, entries(trail)[-1][1]}
                 and lanes(trail)[lane] != ids)  # fmt: skip
    sql(trail, "UPDATE audit_log SET lane = :l WHERE id = :i", l=other, i=ids[1])
    result = arrears("audit", "verify")
    assert result.exit_code == 1
    assert f"entry {ids[1]}: content changed" in result.output
    assert f"entry {ids[2]}: does not follow" in result.output


def test_a_lane_moved_whole_to_an_empty_lane_is_caught_by_its_hash(trail: World) -> None:
    """An account's only entries moved to a lane nobody uses still form a chain from the
    genesis there: only the lane being part of the hash gives them away."""
    used = lanes(trail)
    lonely = next(f"lonely{n}" for n in range(1000) if lane_of("loan", f"lonely{n}") not in used)
    with trail.container.uow() as uow:
        uow.audit.record(
            at=trail.container.clock.now(), actor="test", action="test.noted",
            entity_type="loan", entity_id=lonely,
        )  # fmt: skip
        uow.commit()
    used = lanes(trail)
    was = lane_of("loan", lonely)
    assert used[was] == [entries(trail)[-1][0]]
    empty = next(lane for lane in range(1, LANES) if lane not in used)
    sql(trail, "UPDATE audit_log SET lane = :l WHERE lane = :was", l=empty, was=was)
    result = arrears("audit", "verify")
    assert result.exit_code == 1
    assert result.output.count("content changed") == 1
    assert "does not follow" not in result.output


def test_cutting_off_the_newest_entries_is_caught_by_the_anchor(
    trail: World, tmp_path: Path
) -> None:
    """The chain alone cannot tell that its tail is gone; the anchor of the last verification
    (kept outside the database) can."""
    anchor = tmp_path / "audit-anchor.json"
    assert arrears("audit", "verify", "--anchor", str(anchor)).exit_code == 0
    last = entries(trail)[-1][0]
    sql(trail, "DELETE FROM audit_log WHERE id >= :i", i=last - 1)
    assert arrears("audit", "verify").exit_code == 0, "the shortened chain still holds"
    result = arrears("audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1
    assert f"entry {last}" in result.output
    assert "gone" in result.output


def test_cutting_off_one_lanes_tail_is_caught_by_the_anchor(trail: World, tmp_path: Path) -> None:
    """Not the trail's newest entries: the newest of one lane, whose chain still holds and
    whose last id is not the trail's last."""
    anchor = tmp_path / "audit-anchor.json"
    assert arrears("audit", "verify", "--anchor", str(anchor)).exit_code == 0
    saved = json.loads(anchor.read_text())["lanes"]
    assert {int(lane): head["id"] for lane, head in saved.items()} == {
        lane: ids[-1] for lane, ids in lanes(trail).items()
    }
    ids = busy_lane(trail)
    assert ids[-1] < entries(trail)[-1][0]
    sql(trail, "DELETE FROM audit_log WHERE id = :i", i=ids[-1])
    assert arrears("audit", "verify").exit_code == 0, "the shortened lane still holds"
    result = arrears("audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1
    assert f"entry {ids[-1]}, the head of lane" in result.output
    assert "gone" in result.output


def test_an_anchor_from_before_lanes_is_read_as_lane_0s_head(trail: World, tmp_path: Path) -> None:
    """``{"id", "hash"}`` of the one chain's head: that entry must still be there, unchanged;
    a verification that passes rewrites the file with every lane's head."""
    anchor = tmp_path / "audit-anchor.json"
    head_id = busy_lane(trail)[-1]
    with trail.container.uow() as uow:
        head_hash = uow.audit.hash_of(head_id)
    anchor.write_text(json.dumps({"id": head_id, "hash": head_hash}))
    result = arrears("audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 0, result.output
    assert "lanes" in json.loads(anchor.read_text())
    anchor.write_text(json.dumps({"id": head_id, "hash": head_hash}))
    sql(trail, "DELETE FROM audit_log WHERE id = :i", i=head_id)
    result = arrears("audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1
    assert f"entry {head_id}, the head of lane 0 at the last verification, is gone" in (
        " ".join(result.output.split())
    )


def test_a_rolled_back_transaction_writes_no_entry(trail: World) -> None:
    """Entries are written at commit (the lanes locked in order then): a rollback drops them."""
    before = entries(trail)
    with trail.container.uow() as uow:
        uow.audit.record(
            at=trail.container.clock.now(), actor="test", action="test.dropped",
            entity_type="loan", entity_id=ACCOUNTS[0],
        )  # fmt: skip
        uow.rollback()
        uow.commit()
    assert entries(trail) == before


def test_two_transactions_about_two_accounts_in_opposite_orders_both_commit(
    trail: World, backend: str
) -> None:
    """Each records about A then B, the other B then A, in step. Had recording locked its lane,
    each would hold one lane and wait for the other's (PostgreSQL would abort one); the lanes
    are locked at commit, in ascending order."""
    if backend == "sqlite":
        pytest.skip("SQLite takes its write lock at BEGIN: two writers never overlap")
    container = trail.container
    first = ACCOUNTS[0]
    second = next(a for a in ACCOUNTS if lane_of("loan", a) != lane_of("loan", first))
    in_step = threading.Barrier(2, timeout=20)
    failures: list[BaseException] = []

    def write(order: list[str]) -> None:
        try:
            with container.uow() as uow:
                for account in order:
                    uow.audit.record(
                        at=container.clock.now(), actor="test", action="test.crossed",
                        entity_type="loan", entity_id=account,
                    )  # fmt: skip
                    in_step.wait()
                uow.commit()
        except BaseException as error:  # reported by the test thread, below
            failures.append(error)

    threads = [threading.Thread(target=write, args=(order,))
               for order in ([first, second], [second, first])]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with container.uow() as uow:
        assert uow.audit.verify() == []


def all_at_once(write: Callable[[int], None], writers: int) -> list[BaseException]:
    """Run ``write(n)`` for each of ``writers`` threads, started together; what they raised."""
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            write(n)
        except BaseException as error:  # reported by the caller
            failures.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_appends_from_many_threads_leave_every_lane_one_chain(trail: World) -> None:
    """Twelve writers at once, each transaction about two accounts (in an order that would
    deadlock if lanes were locked as recorded; on PostgreSQL advisory locks order each lane)."""
    container = trail.container
    writers = 12

    def write(n: int) -> None:
        for k in range(8):
            pair = [f"W{n}-{k}", f"W{(n + 1) % writers}-{k}"]
            with container.uow() as uow:
                for account in pair if n % 2 else reversed(pair):
                    uow.audit.record(
                        at=container.clock.now(), actor=f"writer{n}", action="test.append",
                        entity_type="loan", entity_id=account,
                    )  # fmt: skip
                uow.commit()

    assert all_at_once(write, writers) == []
    with container.engine.connect() as connection:
        appended = connection.execute(
            text("SELECT COUNT(*), COUNT(DISTINCT lane) FROM audit_log WHERE action = :a"),
            {"a": "test.append"},
        ).one()
    assert appended[0] == writers * 8 * 2
    assert appended[1] > LANES // 2
    with container.uow() as uow:
        assert uow.audit.verify() == []
    assert arrears("audit", "verify").exit_code == 0


def test_appends_from_many_threads_to_one_lane_chain_each_after_the_last(trail: World) -> None:
    """Twelve writers at once, every entry about one account, so all in one lane and each
    transaction in one lane (on PostgreSQL the append reads the lane's newest hash after its
    lock is granted: a read from before the wait would link two entries to one predecessor)."""
    container = trail.container
    writers, rounds = 12, 10

    def write(n: int) -> None:
        for _ in range(rounds):
            with container.uow() as uow:
                uow.audit.record(
                    at=container.clock.now(), actor=f"writer{n}", action="test.one_lane",
                    entity_type="loan", entity_id=ACCOUNTS[0],
                )  # fmt: skip
                uow.commit()

    assert all_at_once(write, writers) == []
    lane = lane_of("loan", ACCOUNTS[0])
    with container.engine.connect() as connection:
        links = connection.execute(
            text("SELECT COUNT(*), COUNT(DISTINCT prev_hash) FROM audit_log WHERE lane = :lane"),
            {"lane": lane},
        ).one()
    assert links[0] >= writers * rounds
    assert links[0] == links[1], "every entry of the lane follows a different one"
    with container.uow() as uow:
        assert uow.audit.verify() == []
