"""The load test's lean HTTP client (``bench.load.wire``) against a real local server: it keeps
a connection for the next request, reopens one the server closed, sends JSON bodies intact and
reports an answer it cannot read (no length, a stalled server) as a failure, not a hang."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from bench.load.wire import WireClient, WireError


async def _serve(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: list[tuple[str, bytes]]
) -> None:
    """Answers per path: /echo returns the body, /close closes after answering, /bare has no
    Content-Length, /stall never answers."""
    while True:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode()
        except asyncio.IncompleteReadError:
            break
        request_line, *lines = head.split("\r\n")
        path = request_line.split(" ")[1]
        headers = dict(line.split(": ", 1) for line in lines if line)
        body = await reader.readexactly(int(headers.get("Content-Length", "0")))
        seen.append((path, body))
        if path == "/stall":
            await asyncio.sleep(60)
        if path == "/bare":
            writer.write(b"HTTP/1.1 200 OK\r\n\r\nno length")
        else:
            closing = "Connection: close\r\n" if path == "/close" else ""
            payload = body or b'{"ok": true}'
            writer.write(
                f"HTTP/1.1 201 Created\r\n{closing}Content-Length: {len(payload)}\r\n\r\n".encode()
                + payload
            )
        await writer.drain()
        if path in ("/close", "/bare"):
            break
    writer.close()


async def _run() -> None:
    seen: list[tuple[str, bytes]] = []
    connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await _serve(reader, writer, seen)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = WireClient("127.0.0.1", port, size=1, timeout=1.0)
    try:
        first = await client.post("/echo", json_body={"amount": "1.00"}, headers={"X-Key": "k"})
        second = await client.get("/echo", headers={})
        assert (first.status_code, first.json()) == (201, {"amount": "1.00"})
        assert second.json() == {"ok": True}
        assert connections == 1, "the connection is kept between requests"
        await client.get("/close", headers={})
        await client.get("/echo", headers={})
        assert connections == 2, "a connection the server closed is opened again"
        with pytest.raises(WireError):
            await client.get("/bare", headers={})
        with pytest.raises(WireError):
            await client.get("/stall", headers={})
        after = await client.get("/echo", headers={})
        assert after.status_code == 201, "a failed connection is replaced"
        assert json.loads(seen[0][1]) == {"amount": "1.00"}
    finally:
        await client.aclose()
        server.close()


def test_the_lean_client_keeps_reopens_and_fails_clearly() -> None:
    # Its own thread: a session's browser tests keep an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _run()).result()
