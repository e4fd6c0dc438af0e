"""``arrears demo`` end to end, as a user meets it: it builds its book, runs the cycles, then
serves the web app with the demo users and borrower it prints — and those sign in.

Issue 8's "done when": after the demo a user signs in as an agent and as a borrower. The demo
runs in a subprocess on its own data directory (a smaller book, a week of cycles)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from support.channels import free_port
from support.web import csrf_of

STAFF = re.compile(r"^\s+(agent|supervisor)\s+(\S+)\s+(\S+)\s*$", re.MULTILINE)
BORROWER = re.compile(r"account (\S+), date of birth (\d{4}-\d{2}-\d{2}), ZIP (\d{5})")


def _wait_for_server(demo: subprocess.Popen[str], log: Path) -> str:
    """The demo's output up to the moment it serves (it prints the sign-in details first)."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        output = log.read_text(encoding="utf-8")
        if "Serving arrears at" in output:
            return output
        assert demo.poll() is None, f"the demo stopped:\n{output}"
        time.sleep(0.5)
    raise AssertionError(f"the demo did not serve in time:\n{log.read_text(encoding='utf-8')}")


def test_the_demo_serves_its_book_to_the_users_it_prints(tmp_path: Path) -> None:
    """The agent printed by the demo signs in and sees today's call queue; the supervisor sees
    the approval queue; the demo borrower signs in to the portal with the printed reference,
    date of birth and ZIP and sees what is owed; the day's messages were queued."""
    port = free_port()
    log = tmp_path / "demo.log"
    env = {**os.environ, "ARREARS_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("ARREARS_DATABASE_URL", None)
    command = [
        sys.executable, "-m", "arrears.entrypoints.cli.main", "demo",
        "--accounts", "400", "--days", "7", "--port", str(port),
    ]  # fmt: skip
    with log.open("w", encoding="utf-8") as sink:
        demo = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT, text=True)
        try:
            output = _wait_for_server(demo, log)
            staff = {role: (user, password) for role, user, password in STAFF.findall(output)}
            assert {"agent", "supervisor"} <= set(staff), output
            borrower = BORROWER.search(output)
            assert borrower, output
            assert re.search(r"Outbox for \S+: [\d,]+ messages queued", output), output
            base = f"http://127.0.0.1:{port}"

            with httpx.Client(base_url=base, timeout=30) as agent:
                user, password = staff["agent"]
                token = csrf_of(agent.get("/login").text)
                signed = agent.post(
                    "/login", data={"username": user, "password": password, "csrf_token": token}
                )
                assert signed.status_code == 303, signed.text
                queue = agent.get("/agent/queue")
                assert queue.status_code == 200
                assert "Calls to make today" in queue.text
                assert borrower.group(1) in queue.text, "the demo borrower is first in the queue"

            with httpx.Client(base_url=base, timeout=30) as supervisor:
                user, password = staff["supervisor"]
                token = csrf_of(supervisor.get("/login").text)
                supervisor.post(
                    "/login", data={"username": user, "password": password, "csrf_token": token}
                )
                approvals = supervisor.get("/supervisor/approvals")
                assert approvals.status_code == 200

            with httpx.Client(base_url=base, timeout=30) as portal:
                ref, dob, zip_code = borrower.groups()
                token = csrf_of(portal.get("/portal/sign-in").text)
                signed = portal.post(
                    "/portal/sign-in",
                    data={"reference": ref, "dob": dob, "zip_code": zip_code, "csrf_token": token},
                )
                assert signed.status_code == 303, signed.text
                account = portal.get(signed.headers["location"])
                assert account.status_code == 200
                assert ref in account.text
                assert "$" in account.text
        finally:
            demo.terminate()
            demo.wait(timeout=30)
