"""API account views through the ASGI app in one process, with no server and no client: the
app's own CPU per view (routing, authentication, the view, its JSON), on a book prepared by
``python -m bench.load --keep``.

python -m bench.load.app_loop [--book /tmp/arrears-load/book.json] [--views 1500]

The first twenty views warm the process (connections, prepared statements) and are not
counted. CPU is the process's (``time.process_time``): the request threads' and the loop's.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import Any

from bench.load.book import DEFAULT_BOOK, Book

from arrears.entrypoints.web.app import serving_app

WARM_UP = 20


def scope_for(path: str, token: str) -> dict[str, Any]:
    """An HTTP/1.1 GET as uvicorn hands it to the app, with the token as a bearer."""
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
        "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode())],
        "state": {},
    }  # fmt: skip


async def views(app: Any, book: Book, count: int) -> tuple[float, float]:
    """CPU and wall seconds of ``count`` views after the warm-up."""

    async def view(ref: str) -> None:
        started: list[int] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.append(message["status"])

        await app(scope_for(f"/api/v1/loans/{ref}", book.agent_tokens[0]), receive, send)
        if started != [200]:
            raise RuntimeError(f"the view of {ref} answered {started}")

    refs = book.refs
    async with app.router.lifespan_context(app):
        for ref in refs[:WARM_UP]:
            await view(ref)
        cpu, wall = time.process_time(), time.perf_counter()
        for n in range(count):
            await view(refs[n % len(refs)])
        return time.process_time() - cpu, time.perf_counter() - wall


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default=DEFAULT_BOOK)
    parser.add_argument("--views", type=int, default=1500)
    args = parser.parse_args(argv)
    book = Book.load(Path(args.book))
    container = book.container()
    app = serving_app(container)  # as a serving process runs it
    cpu, wall = asyncio.run(views(app, book, args.views))
    print(f"{args.views} API views through the app: {cpu / args.views * 1000:.2f} ms CPU, "
          f"{wall / args.views * 1000:.2f} ms wall each")  # fmt: skip
    container.engine.dispose()


if __name__ == "__main__":
    main()
