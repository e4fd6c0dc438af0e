"""The agent's account page through the app, in one process: CPU per page, the part spent
rendering its template, and the page's size, on a book prepared by ``python -m bench.load
--keep``.

python -m bench.load.page_render [--book /tmp/arrears-load/book.json] [--pages 300]

An agent of the book signs in through the sign-in form; the first ten pages warm the process
(imports, templates, connections) and are not counted. CPU is the whole process's (the test
client included), so only the render time and the sizes are the page's own.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.load.book import AGENT_PASSWORD, DEFAULT_BOOK, Book
from bench.load.client import CSRF
from bench.load.profile import Totals, timed_part
from fastapi.testclient import TestClient

from arrears.entrypoints.web.app import create_app
from arrears.entrypoints.web.routes import agent as agent_routes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default=DEFAULT_BOOK)
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args(argv)
    book = Book.load(Path(args.book))
    container = book.container()
    client = TestClient(create_app(container))
    found = CSRF.search(client.get("/login").text)
    assert found, "the sign-in form has no CSRF token"
    signed_in = client.post(
        "/login",
        data={"username": book.agents[0], "password": AGENT_PASSWORD, "csrf_token": found[1]},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text[:200]
    for ref in book.refs[:10]:
        client.get(f"/agent/accounts/{ref}")
    totals: Totals = {}
    # patched where the route looks it up, not where it is defined
    agent_routes.render = timed_part(totals, "render", agent_routes.render)  # type: ignore[attr-defined]
    sizes = []
    started = time.process_time()
    for ref in book.refs[10 : 10 + args.pages]:
        sizes.append(len(client.get(f"/agent/accounts/{ref}").content))
    spent = time.process_time() - started
    n = len(sizes)
    print(f"{n} agent pages: {spent / n * 1000:.1f} ms CPU each (client included), render "
          f"{totals['render'][0] / n * 1000:.2f} ms, size mean {sum(sizes) / n / 1000:.1f} KB, "
          f"largest {max(sizes) / 1000:.1f} KB")  # fmt: skip
    container.engine.dispose()


if __name__ == "__main__":
    main()
