"""A lean HTTP/1.1 client for the load test's bulk of requests: a fixed set of keep-alive
connections on loopback, each used by one request at a time.

httpx's connection pool matches every waiting request against every connection on each event,
which at 64 connections cost the client more CPU per request than the server spent answering
it; on two cores the client then took the server's time and the test measured itself. This one
writes the request bytes and reads the status line, the headers and a ``Content-Length`` body —
all the API's JSON answers have one — and nothing else (no redirects, cookies or chunked
bodies; the signed-in web clients keep httpx for those).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any


class WireError(Exception):
    """The connection failed, closed early or the answer was not understood (or timed out)."""


@dataclass(frozen=True)
class Answer:
    status_code: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class WireClient:
    """``size`` connections to ``host:port``, opened on first use and reopened after a failure
    or a ``Connection: close``."""

    def __init__(self, host: str, port: int, *, size: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None]
        self.idle = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(None)

    async def get(self, path: str, *, headers: dict[str, str]) -> Answer:
        return await self.send("GET", path, headers=headers)

    async def post(self, path: str, *, json_body: object, headers: dict[str, str]) -> Answer:
        return await self.send("POST", path, headers=headers, body=json.dumps(json_body).encode())

    async def send(
        self, method: str, path: str, *, headers: dict[str, str], body: bytes = b""
    ) -> Answer:
        connection = await self.idle.get()
        keep = False
        try:
            if connection is None:
                connection = await asyncio.open_connection(self.host, self.port)
            reader, writer = connection
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
            lines += [f"{name}: {value}" for name, value in headers.items()]
            if body:
                lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            answer = await asyncio.wait_for(_read_answer(reader), self.timeout)
            keep = answer.headers.get("connection", "").lower() != "close"
            return answer
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            raise WireError(type(error).__name__) from error
        finally:
            if not keep and connection is not None:
                connection[1].close()
            self.idle.put_nowait(connection if keep else None)

    async def aclose(self) -> None:
        while not self.idle.empty():
            connection = self.idle.get_nowait()
            if connection is not None:
                connection[1].close()


async def _read_answer(reader: asyncio.StreamReader) -> Answer:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" not in headers:
        raise ValueError(f"no Content-Length in a {status} answer")
    body = await reader.readexactly(int(headers["content-length"]))
    return Answer(status, headers, body)
