"""The load test itself runs end to end (issue 12 "Load"): ``python -m bench.load`` in a
reduced, seeded form — a small book in its own PostgreSQL schema, the app served by uvicorn on
loopback, a few seconds of agents and borrowers — and finds no failed request, no payment
recorded twice and no unbalanced entry. The figures of the full run are in
docs/benchmarks.md; nothing here asserts a timing.
"""

from __future__ import annotations

import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

POSTGRES_URL = os.environ.get("ARREARS_TEST_POSTGRES_URL")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="set ARREARS_TEST_POSTGRES_URL (the load test "
                    "runs against PostgreSQL)")  # fmt: skip
def test_a_short_load_run_passes_its_own_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every kind of request is sent and answered without a 5xx or a timeout, card payments
    retried with their key are replays, and the book checks find nothing (exit status 0)."""
    from bench.load.__main__ import main

    schema = f"load_{uuid.uuid4().hex[:10]}"
    arguments = [
        "--database-url", str(POSTGRES_URL), "--schema", schema, "--work-dir", str(tmp_path),
        "--accounts", "120", "--agents", "2", "--borrowers", "6", "--offers", "2",
        "--rate", "10", "--duration", "2", "--workers", "1", "--seed", "11",
    ]  # fmt: skip
    # Its own thread: a session's browser tests keep an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        code = pool.submit(main, arguments).result()
    report = json.loads(capsys.readouterr().err)
    assert report["book_problems"] == []
    assert report["dropped_unsent"] == {}
    # 10 views, 0.5 agent and 0.5 portal pages, 0.5 contacts, 0.25 promises, 0.25 card
    # payments sent twice each, 2 offers over 2 s: the rate is the whole mix's
    assert report["offered_per_second"] == pytest.approx(13.25, abs=0.1)
    endpoints = report["endpoints"]
    assert "GET /api/v1/loans/{ref}" in endpoints
    assert "GET /portal/accounts/{ref}" in endpoints
    assert all(row["failures"] == 0 for row in endpoints.values()), endpoints
    assert code == 0
