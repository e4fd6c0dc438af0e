"""Load test of the API and the web app against PostgreSQL, on loopback; it stops by itself.

python -m bench.load [--database-url URL] [--schema arrears_load] [--accounts 5000]
                     [--rate 200] [--duration 30] [--concurrency 64] [--workers 3]
                     [--reuse] [--keep]

Builds a book (a synthetic portfolio, one daily cycle, agents with API tokens, borrowers and
settlement offers) in its own schema, serves it from a child process, then many agents and
borrowers at once: account views (API, agent pages, portal pages), contact logging, promises,
card payments with idempotency keys (each retried with its key) and offer acceptance. Prints
throughput and p50/p95/p99 latency per endpoint, then checks the book: no payment recorded
twice, every journal entry balanced. Exit status 1 when any request failed (5xx or no answer)
or was never sent (still waiting for a free slot 10 s after the end: the server fell behind).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

from bench.load import client as c
from bench.load import cpu, server
from bench.load.book import Book, drop_schema, prepare
from sqlalchemy import create_engine, text

from arrears.adapters.system_clock import SystemClock
from arrears.entrypoints.web.app import settle_heap

DEFAULT_URL = os.environ.get(
    "ARREARS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    book_path = work / "book.json"
    if not (args.reuse and book_path.exists()):
        started = time.perf_counter()
        book = prepare(
            url=args.database_url, schema=args.schema, data_dir=work / "data",
            accounts=args.accounts, seed=args.seed, agents=args.agents,
            borrowers=args.borrowers, offers=args.offers,
            clock=SystemClock("America/New_York"),
        )  # fmt: skip
        book.save(book_path)
        print(f"book: {args.accounts:,} loans prepared in {time.perf_counter() - started:.0f}s")
    book = Book.load(book_path)
    port = server.free_port()
    process = server.start(
        book_path, port=port, log=work / "server.log", workers=args.workers, threads=args.threads
    )
    try:
        stats, seconds, used = asyncio.run(
            _run(book, f"http://127.0.0.1:{port}", args, server_pid=process.pid)
        )
    finally:
        server.stop(process)
    report = _report(stats, seconds, args) | {"cpu": _cpu_report(used, stats)}
    problems = _check_book(book)
    print(json.dumps({**report, "book_problems": problems}, indent=1), file=sys.stderr)
    if not args.keep:
        drop_schema(book.url, book.schema)
    failed = any(stats.failures.values()) or problems or any(stats.dropped.values())
    return 1 if failed else 0


async def _run(
    book: Book, base: str, args: argparse.Namespace, *, server_pid: int
) -> tuple[c.Stats, float, cpu.CpuSample]:
    actors = await c.actors_for(book, base, concurrency=args.concurrency)
    await c.warm_up(actors, rounds=8 * args.workers)
    # the client's own heap out of its collections, as a server's: a full collection of it
    # (35-87 ms with the event loop stopped, once or twice a run) started every request due
    # meanwhile that late, and was the worst second of most runs (docs/benchmarks.md)
    settle_heap()
    before = cpu.sample(server_pid)
    stats = c.Stats()
    slots = asyncio.Semaphore(args.concurrency)
    rng = random.Random(args.seed)
    rates = {
        c.api_account: args.rate,
        c.web_account: args.rate * args.page_share,
        c.portal_account: args.rate * args.page_share,
        c.log_contact: args.rate * args.write_share,
        c.promise: args.rate * args.write_share / 2,
        c.card_payment: args.rate * args.write_share / 2,
        c.accept_offer: len(actors.answering) / args.duration,
    }
    started = stats.started = time.perf_counter()
    try:
        await asyncio.gather(*(
            c.paced(request, rate=rate, duration=args.duration, actors=actors, stats=stats,
                    slots=slots, rng=random.Random(rng.random()), name=request.__name__)
            for request, rate in rates.items()
        ))  # fmt: skip
    finally:
        await c.close(actors)
    return stats, time.perf_counter() - started, cpu.sample(server_pid) - before


def _cpu_report(used: cpu.CpuSample, stats: c.Stats) -> dict[str, float]:
    """CPU per answered request by party, and what two cores could answer at that cost."""
    answered = max(1, sum(len(values) for values in stats.latencies.values()))
    per = {
        "server_ms": used.server / answered * 1000,
        "postgres_ms": used.postgres / answered * 1000,
        "client_ms": used.client / answered * 1000,
    }
    total = sum(per.values())
    cores = os.cpu_count() or 1
    bound = cores * 1000 / total if total else 0.0
    print(f"CPU per answered request: server {per['server_ms']:.1f} ms, PostgreSQL "
          f"{per['postgres_ms']:.1f} ms, client {per['client_ms']:.1f} ms; {cores} cores "
          f"answer at most {bound:.0f} requests/s at that cost")  # fmt: skip
    return {k: round(v, 2) for k, v in per.items()} | {"requests_per_second_bound": round(bound, 1)}


def _report(stats: c.Stats, seconds: float, args: argparse.Namespace) -> dict[str, object]:
    rows = {}
    print(f"\n{'endpoint':<52} {'n':>6} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} "
          f"{'max':>7}  statuses / failures")  # fmt: skip
    for name in sorted(stats.latencies):
        values = stats.latencies[name]
        p50, p95, p99 = (c.percentile(values, q) * 1000 for q in (50, 95, 99))
        high = max(values) * 1000
        failures = len(stats.failures.get(name, []))
        rows[name] = {
            "n": len(values), "per_second": round(len(values) / seconds, 1),
            "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "p99_ms": round(p99, 1),
            "max_ms": round(high, 1), "statuses": stats.statuses[name], "failures": failures,
        }  # fmt: skip
        figures = f"{len(values):>6} {len(values) / seconds:>7.1f} {p50:>7.1f} {p95:>7.1f}"
        print(f"{name:<52} {figures} {p99:>7.1f} {high:>7.1f}  {stats.statuses[name]} / {failures}")
    for name, why in stats.failures.items():
        print(f"  {name}: {len(why)} failed, e.g. {why[:3]}")
    answered = sum(len(values) for values in stats.latencies.values()) / seconds
    print(f"offered {offered_rate(args):.1f} requests/s in all (API views {args.rate:g}/s), "
          f"answered {answered:.1f}/s")  # fmt: skip
    slowest = c.slowest_seconds(stats)
    print("slowest seconds (p99 of the requests due in them; the client's lateness and slot wait"
          " at most):")  # fmt: skip
    for row in slowest:
        print(f"  second {row['second']:>3.0f}: {row['requests']:>4.0f} requests, p99 "
              f"{row['p99_ms']:>7.1f} ms, client late {row['client_late_max_ms']:>6.1f} ms, "
              f"slot wait {row['slot_wait_max_ms']:>6.1f} ms")  # fmt: skip
    load = os.getloadavg()
    return {
        "command": "python -m bench.load " + " ".join(sys.argv[1:]),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load[0]:.1f}",
        "seconds": round(seconds, 1), "offered_per_second": round(offered_rate(args), 1),
        "answered_per_second": round(answered, 1), "endpoints": rows, "client_waits": stats.skipped,
        "dropped_unsent": stats.dropped, "slowest_seconds": slowest,
    }  # fmt: skip


def offered_rate(args: argparse.Namespace) -> float:
    """Requests per second the mix offers in all: the API views, agent and portal pages,
    contacts, promises, card payments each sent twice (the retry with the same key) and the
    offers answered over the run."""
    writes = args.rate * args.write_share
    pages = 2 * args.rate * args.page_share
    offers = float(args.offers) / args.duration
    return float(args.rate + pages + writes + writes / 2 + 2 * (writes / 2) + offers)


def _check_book(book: Book) -> list[str]:
    """After the run: each card payment recorded once per key, each approved one posted once,
    every journal entry balanced."""
    engine = create_engine(book.url, connect_args={"options": f"-csearch_path={book.schema}"})
    checks = {
        "card payment recorded twice for one key": "SELECT gateway, idempotency_key "
        "FROM card_payments GROUP BY gateway, idempotency_key HAVING COUNT(*) > 1",
        "approved card payment without its one payment": "SELECT c.id FROM card_payments c "
        "LEFT JOIN payments p ON p.id = c.payment_id WHERE c.status = 'approved' AND p.id IS NULL",
        "journal entry does not balance": "SELECT entry_id FROM ledger_lines GROUP BY entry_id "
        "HAVING SUM(amount_minor) <> 0",
    }
    problems = []
    with engine.connect() as connection:
        for what, sql in checks.items():
            found = connection.execute(text(sql)).all()
            if found:
                problems.append(f"{what}: {len(found)}")
    engine.dispose()
    return problems


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="arrears_load")
    parser.add_argument("--work-dir", default="/tmp/arrears-load")
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--borrowers", type=int, default=200)
    parser.add_argument("--offers", type=int, default=40)
    parser.add_argument("--rate", type=float, default=200.0, help="API account views per second")
    parser.add_argument("--page-share", type=float, default=0.05,
                        help="agent and portal pages, each, as a share of --rate")  # fmt: skip
    parser.add_argument("--write-share", type=float, default=0.05,
                        help="contacts (and promises + payments) as a share of --rate")  # fmt: skip
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=64)
    # three processes of six threads on two cores: lower medians and tails than two of eight
    # at the same CPU per request (docs/benchmarks.md, "The load generator's own pauses")
    parser.add_argument("--workers", type=int, default=3, help="server processes sharing the port")
    parser.add_argument("--threads", type=int, default=6, help="worker threads per server process")
    parser.add_argument("--reuse", action="store_true", help="reuse the book of the last run")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
