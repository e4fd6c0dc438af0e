"""The book the load test runs against: a synthetic portfolio imported into its own PostgreSQL
schema, one daily cycle, staff users with API tokens, borrowers who can sign in to the portal
and settlement offers waiting for their answer.

Used by ``python -m bench.load``.
"""

from __future__ import annotations

import csv
import json
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from arrears import bootstrap
from arrears.bootstrap import Container, build, initialise
from arrears.config import Settings
from arrears.domain.clock import Clock
from arrears.domain.settlements.offers import OfferType
from arrears.domain.settlements.pricing import OfferRequest
from arrears.errors import ArrearsError
from arrears.services.cycle import run_cycle
from arrears.services.importing import import_portfolio
from arrears.services.recovery_settings import Actor
from arrears.services.settlement_offers import propose_offer
from arrears.services.users import create_user, issue_token

AGENT_PASSWORD = "load-test-password-1"
DEFAULT_BOOK = "/tmp/arrears-load/book.json"
"""Where ``python -m bench.load`` writes the book with its default ``--work-dir``."""


@dataclass
class Book:
    """What the client needs to know about the prepared book (written as JSON)."""

    url: str
    schema: str
    data_dir: str
    as_of: str
    refs: list[str]
    agents: list[str]
    agent_tokens: list[str]
    supervisor_token: str
    borrowers: list[dict[str, str]]  # loan, dob, zip
    offers: list[dict[str, object]] = field(default_factory=list)  # loan, dob, zip, offer id

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, path: Path) -> Book:
        return cls(**json.loads(path.read_text()))

    def container(self) -> Container:
        """A container on the prepared book: its database schema and data directory (keys)."""
        return build(settings_for(self.url, Path(self.data_dir)), schema=self.schema)


def settings_for(url: str, data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, database_url=url, import_batch_rows=50_000)


def reset_schema(url: str, schema: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def drop_schema(url: str, schema: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def prepare(
    *, url: str, schema: str, data_dir: Path, accounts: int, seed: int, agents: int,
    borrowers: int, offers: int, clock: Clock,
) -> Book:  # fmt: skip
    """Build the book from nothing (the schema is dropped first)."""
    from arrears.simulation.portfolio import write_portfolio

    reset_schema(url, schema)
    data_dir.mkdir(parents=True, exist_ok=True)
    container = build(settings_for(url, data_dir), clock=clock, create_keys=True, schema=schema)
    initialise(container)
    today = clock.today()
    files = write_portfolio(data_dir / "portfolio", loans=accounts, seed=seed, as_of=today)
    import_portfolio(
        list(files.values()), uow_factory=container.import_uow,
        files=container.import_files(today), problem_sink=container.problem_log(None), clock=clock,
        settings=container.import_settings, accept_rejects=False,
    )  # fmt: skip
    run_cycle(as_of=today, uow_factory=container.uow, clock=clock,
              settings=container.cycle_settings)  # fmt: skip
    names = [f"agent{n}" for n in range(agents)]
    for name in [*names, "supervisor"]:
        create_user(
            username=name, display_name=name.title(), role="agent" if name != "supervisor"
            else "supervisor", password=AGENT_PASSWORD, by="load", uow_factory=container.uow,
            clock=clock,
        )  # fmt: skip
    tokens = [_token(container, f"{n} desk", "agent") for n in names]
    people = _owing(container, _borrowers(data_dir / "portfolio"), minimum_minor=10_000)
    refs = [p["loan"] for p in people]
    book = Book(
        url=url, schema=schema, data_dir=str(data_dir), as_of=today.isoformat(), refs=refs,
        agents=names, agent_tokens=tokens, supervisor_token=_token(container, "sup", "supervisor"),
        borrowers=people[:borrowers],
    )  # fmt: skip
    book.offers = _offers(container, people[borrowers:], wanted=offers)
    container.engine.dispose()
    return book


def _token(container: Container, name: str, role: str) -> str:
    return issue_token(
        name=f"{name} {secrets.token_hex(3)}", role=role, by="load", uow_factory=container.uow,
        clock=container.clock,
    )[1]  # fmt: skip


def _borrowers(portfolio: Path) -> list[dict[str, str]]:
    """Every loan whose borrower has a date of birth: (loan, dob, zip), in file order."""
    with (portfolio / "borrowers.csv").open(newline="", encoding="utf-8") as handle:
        people = {r["borrower_id"]: r for r in csv.DictReader(handle)}
    found = []
    with (portfolio / "loans.csv").open(newline="", encoding="utf-8") as handle:
        for loan in csv.DictReader(handle):
            person = people.get(loan["borrower_id"], {})
            if person.get("date_of_birth") and person.get("zip"):
                found.append(
                    {"loan": loan["loan_id"], "dob": person["date_of_birth"],
                     "zip": person["zip"][:5]}
                )  # fmt: skip
    return found


def _owing(
    container: Container, people: list[dict[str, str]], *, minimum_minor: int
) -> list[dict[str, str]]:
    """Those whose loan still owes at least ``minimum_minor`` (so a small card payment fits)."""
    sql = text(
        "SELECT l.external_id FROM loans l JOIN ledger_lines x ON x.loan_id = l.id "
        "WHERE x.account IN ('principal','interest','fees','penalties','costs','suspense') "
        "GROUP BY l.external_id HAVING SUM(x.amount_minor) >= :least"
    )
    with container.engine.connect() as connection:
        owing = {r[0] for r in connection.execute(sql, {"least": minimum_minor})}
    return [p for p in people if p["loan"] in owing]


def _offers(
    container: Container, candidates: list[dict[str, str]], *, wanted: int
) -> list[dict[str, object]]:
    """Lump-sum offers made (and approved) on accounts whose borrowers will answer them."""
    recovery = bootstrap.recovery(container, send=False)
    manager = Actor("user:load-manager", "manager")
    made: list[dict[str, object]] = []
    for person in candidates:
        if len(made) >= wanted:
            break
        try:
            offer = propose_offer(
                person["loan"], OfferRequest(OfferType.LUMP_SUM, 1, None), actor=manager,
                uow_factory=container.uow, clock=container.clock, recovery=recovery,
            )  # fmt: skip
        except ArrearsError:
            continue  # not every account may be offered a settlement (holds, no balance…)
        made.append({**person, "offer": offer.id})
    return made
