"""The end state of a book, in a form two databases can be compared by: what was decided,
posted, paid, queued and audited, with surrogate ids (which a killed transaction may consume on
PostgreSQL) replaced by the external ids and natural keys they stand for.

Two runs that did the same work have equal end states; a lost or duplicated row shows up as a
difference in one table's multiset of rows.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import text

from arrears.bootstrap import Container

#: Columns that are surrogate keys or bookkeeping of a particular attempt (when a claim was
#: taken, how many tries it took), not facts of the book.
_DROPPED = {
    "id", "run_id", "entry_id", "action_id", "import_run_id", "contact_point_id", "token",
    "claimed_at", "attempts", "next_attempt_at", "updated_at", "sent_at", "last_error",
    "provider_message_id", "gate_decisions", "message_id", "started_at", "finished_at",
    "prev_hash", "hash", "content_hash",
}  # fmt: skip

#: Sealed fields and their blind indexes depend on each book's keys (and a random nonce), so
#: they are left out too, as is ``content_hash`` (it covers internal ids, e.g. a loan's borrower).

#: The tables compared, each with the query whose rows are its content.
TABLES: dict[str, str] = {
    "borrowers": "SELECT * FROM borrowers",
    "loans": "SELECT * FROM loans",
    "installments": "SELECT * FROM installments",
    "payments": "SELECT * FROM payments",
    "contact_points": "SELECT * FROM contact_points",
    "ledger_entries": "SELECT * FROM ledger_entries",
    "ledger_lines": (
        "SELECT e.loan_id, e.source, e.version, l.account, l.amount_minor "
        "FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id"
    ),
    "cycle_runs": "SELECT as_of, strategy, strategy_version, status, partitions FROM cycle_runs",
    "decisions": "SELECT * FROM decisions",
    "decision_items": "SELECT * FROM decision_items",
    "actions": "SELECT * FROM actions",
    "outbox_messages": "SELECT * FROM outbox_messages",
    "outbox_sent": "SELECT idempotency_key FROM outbox_messages WHERE status = 'sent'",
    "audit_log": "SELECT actor, action, entity_type, details FROM audit_log",
}


def _ids(container: Container, table: str) -> dict[int, str]:
    with container.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, external_id FROM {table}")).all()
    return {int(r[0]): str(r[1]) for r in rows}


def _action_keys(container: Container, loans: dict[int, str]) -> dict[int, str]:
    """Each action's natural key (loan, treatment, due date) by its row id: a message's
    idempotency key names its action by row id, and a killed cycle may have used up other ids
    on PostgreSQL (sequences are not rolled back)."""
    with container.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, loan_id, treatment, due_on FROM actions")).all()
    return {int(r[0]): f"{loans.get(int(r[1]), r[1])}/{r[2]}/{r[3]}" for r in rows}


def _canonical(value: Any) -> Any:
    """JSON as sorted text without surrogate ids (``*_id`` keys): a contact logged by a
    restarted sender may get another row id than in an uninterrupted run."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if not k.endswith("_id") and k not in _DROPPED}
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def _external(
    column: str,
    value: Any,
    loans: dict[int, str],
    borrowers: dict[int, str],
    payments: dict[int, str] | None = None,
    actions: dict[int, str] | None = None,
) -> Any:
    if value is None:
        return None
    if column == "idempotency_key" and actions and str(value).startswith("action:"):
        number = str(value).removeprefix("action:")
        return f"action:{actions.get(int(number), number)}" if number.isdigit() else value
    if column == "source" and payments and str(value).startswith("payment:"):
        # A journal entry names the payment by its row id; a killed import may have used up
        # other ids on PostgreSQL (sequences are not rolled back): compare the external id.
        number = str(value).removeprefix("payment:")
        return f"payment:{payments.get(int(number), number)}" if number.isdigit() else value
    if column == "loan_id":
        return loans.get(int(value), value)
    if column in {"borrower_id", "co_borrower_id"}:
        return borrowers.get(int(value), value)
    return value


def end_state(container: Container) -> dict[str, Counter[tuple[Any, ...]]]:
    """Each compared table as a multiset of rows (ids of loans and borrowers as their
    external ids; other surrogate ids and per-attempt bookkeeping left out)."""
    loans, borrowers = _ids(container, "loans"), _ids(container, "borrowers")
    payments = _ids(container, "payments")
    actions = _action_keys(container, loans)
    state: dict[str, Counter[tuple[Any, ...]]] = {}
    with container.engine.connect() as connection:
        for name, query in TABLES.items():
            result = connection.execute(text(query))
            columns = list(result.keys())
            rows: Counter[tuple[Any, ...]] = Counter()
            for row in result:
                kept = tuple(
                    (
                        column,
                        _canonical(_external(column, value, loans, borrowers, payments, actions)),
                    )
                    for column, value in zip(columns, row, strict=True)
                    if column not in _DROPPED and not column.endswith(("_sealed", "_index"))
                )
                rows[kept] += 1
            state[name] = rows
    return state


def differences(got: dict[str, Counter[Any]], want: dict[str, Counter[Any]]) -> dict[str, Any]:
    """Per table, the rows only in ``got`` (extra) and only in ``want`` (missing)."""
    found: dict[str, Any] = {}
    for name, rows in want.items():
        extra, missing = got[name] - rows, rows - got[name]
        if extra or missing:
            found[name] = {"extra": list(extra)[:3], "missing": list(missing)[:3]}
            if extra and missing:  # the columns that differ between a pair of rows
                one, other = dict(next(iter(extra))), dict(next(iter(missing)))
                found[name]["columns"] = {
                    k: (v, other.get(k)) for k, v in one.items() if other.get(k) != v
                }
    return found
