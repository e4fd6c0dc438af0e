"""A bounded asyncio load client (loopback only): many agents and borrowers at once, each
kind of request arriving at its own fixed rate (an open loop, so a slow server cannot slow the
arrivals down and hide its own latency), at most ``concurrency`` requests in flight, for
``duration`` seconds; then it stops by itself.

Latency is measured from the moment a request was due to be sent, so time spent waiting for a
free slot in the client counts against the server (no coordinated omission). The API's requests
go through ``wire.WireClient`` (lean keep-alive connections); the signed-in web clients, which
need cookies and forms, use httpx.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

import httpx
from bench.load.book import AGENT_PASSWORD, Book
from bench.load.wire import Answer, WireClient, WireError

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TIMEOUT = httpx.Timeout(10.0)


@dataclass
class Stats:
    """Per endpoint: latencies (s) of answered requests and what the answers were."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)  # errors and 5xx, described
    skipped: dict[str, int] = field(default_factory=dict)  # arrivals with no free slot
    dropped: dict[str, int] = field(default_factory=dict)  # never sent: past the deadline
    started: float = 0.0  # when the paced arrivals began (perf_counter)
    answered: list[tuple[float, float]] = field(default_factory=list)
    """(when it was due, latency) of every answered request, for the run's timeline."""
    late: list[tuple[float, float, float]] = field(default_factory=list)
    """(when it was due, how late the client's loop started it, how long it waited for a
    free slot) of every request sent: what of a slow second was the client's own."""

    def add(self, name: str, status: int, seconds: float, due: float) -> None:
        self.answered.append((due, seconds))
        self.latencies.setdefault(name, []).append(seconds)
        counts = self.statuses.setdefault(name, {})
        counts[status] = counts.get(status, 0) + 1

    def fail(self, name: str, why: str) -> None:
        self.failures.setdefault(name, []).append(why)


@dataclass
class Borrower:
    loan: str
    client: httpx.AsyncClient
    csrf: str
    offer: int | None = None


@dataclass
class Actors:
    api: WireClient  # agents' systems, by bearer token
    tokens: list[str]
    agents: list[httpx.AsyncClient]  # staff signed in to the web app
    borrowers: list[Borrower]
    answering: list[Borrower]  # borrowers with an offer to answer
    refs: list[str]
    today: date


async def sign_in_agent(base: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=TIMEOUT)
    page = await client.get("/login")
    token = _csrf(page.text)
    answer = await client.post(
        "/login", data={"username": username, "password": AGENT_PASSWORD, "csrf_token": token}
    )
    if answer.status_code != 303:
        raise RuntimeError(f"agent {username} could not sign in: {answer.status_code}")
    return client


async def sign_in_borrower(base: str, person: Mapping[str, object]) -> Borrower:
    client = httpx.AsyncClient(base_url=base, timeout=TIMEOUT)
    token = _csrf((await client.get("/portal/sign-in")).text)
    answer = await client.post(
        "/portal/sign-in",
        data={"reference": person["loan"], "dob": person["dob"], "zip_code": person["zip"],
              "csrf_token": token},
    )  # fmt: skip
    if answer.status_code != 303:
        raise RuntimeError(f"borrower of {person['loan']} could not sign in: {answer.status_code}")
    csrf = _csrf((await client.get("/portal/preferences")).text)
    offer = person.get("offer")
    return Borrower(str(person["loan"]), client, csrf, int(str(offer)) if offer else None)


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


async def actors_for(book: Book, base: str, *, concurrency: int) -> Actors:
    address = urlsplit(base)
    api = WireClient(
        address.hostname or "127.0.0.1", address.port or 80, size=concurrency, timeout=10.0
    )
    agents = [await sign_in_agent(base, name) for name in book.agents]
    borrowers = [await sign_in_borrower(base, p) for p in book.borrowers]
    answering = [await sign_in_borrower(base, p) for p in book.offers]
    return Actors(
        api=api, tokens=book.agent_tokens, agents=agents, borrowers=borrowers,
        answering=answering, refs=book.refs, today=date.fromisoformat(book.as_of),
    )  # fmt: skip


async def close(actors: Actors) -> None:
    await actors.api.aclose()
    for client in [*actors.agents, *(b.client for b in actors.borrowers),
                   *(b.client for b in actors.answering)]:  # fmt: skip
        await client.aclose()


Request = Callable[[Actors, random.Random, Stats, float], Awaitable[None]]


async def timed(
    stats: Stats, name: str, send: Awaitable[httpx.Response | Answer], due: float
) -> None:
    """Await one request and record it against ``name`` (latency from when it was due)."""
    try:
        response = await send
    except (httpx.HTTPError, WireError) as error:
        stats.fail(name, f"{type(error).__name__}")
        return
    stats.add(name, response.status_code, time.perf_counter() - due, due)
    if response.status_code >= 500:
        stats.fail(name, f"{response.status_code} {response.text[:120]}")


def _bearer(actors: Actors, rng: random.Random) -> dict[str, str]:
    return {"Authorization": f"Bearer {rng.choice(actors.tokens)}"}


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def api_account(actors: Actors, rng: random.Random, stats: Stats, due: float) -> None:
    ref = rng.choice(actors.refs)
    send = actors.api.get(f"/api/v1/loans/{ref}", headers=_bearer(actors, rng))
    await timed(stats, "GET /api/v1/loans/{ref}", send, due)


async def web_account(actors: Actors, rng: random.Random, stats: Stats, due: float) -> None:
    client = rng.choice(actors.agents)
    await timed(stats, "GET /agent/accounts/{ref}", client.get(
        f"/agent/accounts/{rng.choice(actors.refs)}"), due)  # fmt: skip


async def portal_account(actors: Actors, rng: random.Random, stats: Stats, due: float) -> None:
    borrower = rng.choice(actors.borrowers)
    send = borrower.client.get(f"/portal/accounts/{borrower.loan}")
    await timed(stats, "GET /portal/accounts/{ref}", send, due)


async def log_contact(actors: Actors, rng: random.Random, stats: Stats, due: float) -> None:
    body = {"channel": "call", "outcome": rng.choice(["no_answer", "voicemail"])}
    send = actors.api.post(
        f"/api/v1/loans/{rng.choice(actors.refs)}/contacts", json_body=body,
        headers={**_bearer(actors, rng), **_key()},
    )  # fmt: skip
    await timed(stats, "POST /api/v1/loans/{ref}/contacts", send, due)


async def promise(actors: Actors, rng: random.Random, stats: Stats, due: float) -> None:
    on = actors.today + timedelta(days=rng.randint(3, 20))
    body = {"amounts": [{"due_on": on.isoformat(), "amount": "25.00"}]}
    send = actors.api.post(
        f"/api/v1/loans/{rng.choice(actors.refs)}/promises", json_body=body,
        headers={**_bearer(actors, rng), **_key()},
    )  # fmt: skip
    await timed(stats, "POST /api/v1/loans/{ref}/promises", send, due)


CARD = {"card_number": "4242424242424242", "expiry_month": 12, "cvc": "123", "holder": "Load"}


async def card_payment(actors: Actors, rng: random.Random, stats: Stats, due: float) -> None:
    """A borrower pays 1.00 by card, then the same request is retried with the same key: the
    retry must replay the first answer (same reference), never charge again."""
    borrower = rng.choice(actors.borrowers)
    headers = {"X-CSRF-Token": borrower.csrf, **_key()}
    body = {**CARD, "amount": "1.00", "expiry_year": actors.today.year + 2}
    path = f"/api/v1/loans/{borrower.loan}/card-payments"
    name = "POST /api/v1/loans/{ref}/card-payments"
    first = await _answer(stats, name, borrower.client.post(path, json=body, headers=headers), due)
    if first is None or first.status_code != 201:
        return
    again = time.perf_counter()
    resend = borrower.client.post(path, json=body, headers=headers)
    replay = await _answer(stats, name + " (replay)", resend, again)
    if replay is not None and (
        replay.headers.get("idempotent-replayed") != "true"
        or replay.json().get("reference") != first.json().get("reference")
    ):
        stats.fail(name + " (replay)", f"not a replay: {replay.status_code}")


async def _answer(
    stats: Stats, name: str, send: Awaitable[httpx.Response], due: float
) -> httpx.Response | None:
    try:
        response = await send
    except httpx.HTTPError as error:
        stats.fail(name, type(error).__name__)
        return None
    stats.add(name, response.status_code, time.perf_counter() - due, due)
    if response.status_code >= 500:
        stats.fail(name, f"{response.status_code} {response.text[:120]}")
    return response


async def accept_offer(actors: Actors, rng: random.Random, stats: Stats, due: float) -> None:
    """The next borrower with an offer accepts it (each offer is answered once)."""
    if not actors.answering:
        return
    borrower = actors.answering.pop()
    send = borrower.client.post(
        f"/api/v1/loans/{borrower.loan}/offers/{borrower.offer}/answer", json={"answer": "accept"},
        headers={"X-CSRF-Token": borrower.csrf, **_key()},
    )  # fmt: skip
    await timed(stats, "POST /api/v1/loans/{ref}/offers/{id}/answer", send, due)


async def paced(
    request: Request,
    *, rate: float, duration: float, actors: Actors, stats: Stats, slots: asyncio.Semaphore,
    rng: random.Random, name: str, grace: float = 10.0,
) -> None:  # fmt: skip
    """Start ``request`` every 1/``rate`` seconds for ``duration`` seconds (open loop); an
    arrival that finds every slot taken waits for one (its wait counts in its latency). An
    arrival still waiting ``grace`` seconds after the end is dropped and counted, so an
    overloaded server cannot keep the run going: it stops by itself, within the client's
    request timeout after that."""
    if rate <= 0:
        return
    start = time.perf_counter()
    deadline = start + duration + grace
    running: set[asyncio.Task[None]] = set()
    count = int(rate * duration)
    for n in range(count):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if slots.locked():
            stats.skipped[name] = stats.skipped.get(name, 0) + 1

        async def one(due: float = due) -> None:
            begun = time.perf_counter()
            async with slots:
                sent = time.perf_counter()
                if sent > deadline:
                    stats.dropped[name] = stats.dropped.get(name, 0) + 1
                    return
                stats.late.append((due, begun - due, sent - begun))
                await request(actors, rng, stats, due)

        task = asyncio.create_task(one())
        running.add(task)
        task.add_done_callback(running.discard)
    if running:
        await asyncio.gather(*running)


async def warm_up(actors: Actors, *, rounds: int) -> None:
    """Requests of each kind but the offers' (each offer is answered once), not measured, so
    every server process has loaded its templates, built its statements, run each write's
    code once and opened its database connections before the clock starts. With the views
    alone, the run's first three seconds were its slowest (p99 310–550 ms, the client neither
    late nor short of slots): the first contacts, promises and card payments of each process."""
    rng = random.Random(0)
    ignored = Stats()
    for request in (api_account, web_account, portal_account, log_contact, promise,
                    card_payment):  # fmt: skip
        await asyncio.gather(*(request(actors, rng, ignored, time.perf_counter())
                               for _ in range(rounds)))  # fmt: skip


def slowest_seconds(stats: Stats, *, worst: int = 5) -> list[dict[str, float]]:
    """The run's ``worst`` seconds by the p99 of the requests due in them, each with how late
    the client started its requests and how long they waited for a slot (all in ms): a slow
    second whose lateness is small was the server's (or the machine's), not the client's."""
    start = stats.started
    answered: dict[int, list[float]] = {}
    for due, seconds in stats.answered:
        answered.setdefault(int(due - start), []).append(seconds)
    late: dict[int, list[tuple[float, float]]] = {}
    for due, loop, slot in stats.late:
        late.setdefault(int(due - start), []).append((loop, slot))
    rows = []
    for second, values in answered.items():
        lags = late.get(second, [(0.0, 0.0)])
        rows.append({
            "second": second, "requests": len(values),
            "p99_ms": round(percentile(values, 99) * 1000, 1),
            "client_late_max_ms": round(max(loop for loop, _ in lags) * 1000, 1),
            "slot_wait_max_ms": round(max(slot for _, slot in lags) * 1000, 1),
        })  # fmt: skip
    return sorted(rows, key=lambda row: -row["p99_ms"])[:worst]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]
