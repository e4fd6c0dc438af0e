"""``arrears outbox`` (enqueue, send, list, show, retry, mail) and ``arrears letters batch``."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from arrears import bootstrap
from arrears.adapters.channels.dsn import read_bounces
from arrears.adapters.channels.inbound_mail import read_unsubscribe
from arrears.adapters.db.schema_outbox import OUTBOX_STATUSES
from arrears.bootstrap import build
from arrears.entrypoints.cli.output import console, handle_errors, parse_date
from arrears.errors import ArrearsError, NotFoundError
from arrears.services.deliveries import record_bounces
from arrears.services.email_opt_out import opt_out_email
from arrears.services.letters import build_print_batch
from arrears.services.outbox import enqueue_day, outbox_listing, retry_message
from arrears.services.sending import send_due

outbox_app = typer.Typer(no_args_is_help=True, help="The outbox: messages waiting to be sent.")
letters_app = typer.Typer(no_args_is_help=True, help="Letters: the daily print batch.")
app = typer.Typer(no_args_is_help=True, help="The outbox and the letters print batch.")
app.add_typer(outbox_app, name="outbox")
app.add_typer(letters_app, name="letters")


@outbox_app.command("enqueue")
@handle_errors
def enqueue(
    as_of: Annotated[str, typer.Option("--as-of", help="The cycle's business date.")],
) -> None:
    """Turn the message actions the cycle planned for a date into outbox messages."""
    container = build()
    container.require_schema()
    day = parse_date(as_of, option="--as-of")
    assert day is not None
    report = enqueue_day(
        as_of=day, uow_factory=container.uow, messaging=bootstrap.messaging(container),
        clock=container.clock,
    )  # fmt: skip
    console.print(
        f"{report.queued:,} queued, {report.blocked:,} blocked, {report.already:,} already "
        "in the outbox."
    )
    for rule, count in report.blocked_by_rule.most_common():
        console.print(f"  blocked by {rule}: {count:,}", markup=False)


@outbox_app.command("send")
@handle_errors
def send(
    limit: Annotated[int | None, typer.Option(help="Send at most this many.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed the retry jitter.")] = None,
) -> None:
    """Deliver the messages that are due (retries included)."""
    container = build()
    container.require_schema()
    rng = random.Random(seed) if seed is not None else None  # noqa: S311 - jitter only
    outcomes = send_due(bootstrap.outbox_sender(container, rng=rng), limit=limit)
    if not outcomes:
        console.print("Nothing is due.")
    for outcome, count in sorted(outcomes.items()):
        console.print(f"{outcome}: {count:,}")


@outbox_app.command("list")
@handle_errors
def list_messages(
    status: Annotated[
        list[str] | None, typer.Option(help=f"Only these statuses: {', '.join(OUTBOX_STATUSES)}.")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many (newest first).")] = 50,
) -> None:
    """The latest outbox messages; for blocked ones, the rules and reasons."""
    unknown = sorted(set(status or []) - set(OUTBOX_STATUSES))
    if unknown:
        raise ArrearsError(f"unknown status {unknown}: use {', '.join(OUTBOX_STATUSES)}")
    container = build()
    container.require_schema()
    records = outbox_listing(statuses=status or [], limit=limit, uow_factory=container.uow)
    table = Table(title="Outbox")
    for column in ("#", "loan", "channel", "template", "status", "tries", "updated"):
        table.add_column(column)
    table.add_column("why", overflow="fold")
    for record in records:
        why = "; ".join(record.blocked_reasons) if record.status == "blocked" else record.last_error
        rules = ", ".join(record.blocked_rules)
        table.add_row(
            str(record.id), str(record.context.get("account", {}).get("loan_ref", record.loan_id)),
            record.channel, f"{record.template}@{record.template_version or '-'}",
            record.status, str(record.attempts), f"{record.updated_at:%Y-%m-%d %H:%M}",
            f"{rules}: {why}" if rules else why,
        )  # fmt: skip
    console.print(table)


@outbox_app.command("show")
@handle_errors
def show(message_id: Annotated[int, typer.Argument(help="Outbox message number.")]) -> None:
    """One message as rendered, with its gate decisions and why it is where it is."""
    container = build()
    container.require_schema()
    with container.uow() as uow:
        record = uow.outbox.get(message_id)
    if record is None:
        raise NotFoundError(f"no outbox message {message_id}")
    console.print(
        f"Message {record.id}: {record.channel} {record.template}@{record.template_version} "
        f"({record.language}) — {record.status}, {record.attempts} tries",
        markup=False,
    )
    console.print(f"Gate decisions: {', '.join(record.gate_decisions) or 'none'}", markup=False)
    for rule, reason in zip(record.blocked_rules, record.blocked_reasons, strict=False):
        console.print(f"  blocked by {rule}: {reason}", markup=False)
    if record.last_error:
        console.print(f"Last error: {record.last_error}", markup=False)
    if record.subject:
        console.print(f"Subject: {record.subject}", markup=False)
    console.print(record.body_text or f"(letter: {record.pdf_path or 'not printed yet'})",
                  markup=False)  # fmt: skip


@outbox_app.command("mail")
@handle_errors
def mail(
    files: Annotated[list[Path], typer.Argument(help="Emails that came back (.eml files).")],
) -> None:
    """Read what came back to the sending mailboxes: hard bounces (RFC 3464) mark their
    message bounced and the address invalid; unsubscribe requests opt the address out of
    email (12 CFR 1006.6(e)). Other mail is left for people."""
    container = build()
    container.require_schema()
    hard, stops, other = [], [], 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ArrearsError(f"cannot read {path}: {error.strerror}") from None
        found = [b for b in read_bounces(data) if b.permanent]
        hard += [(b.message_id, f"{b.status} {b.diagnostic}".strip()) for b in found]
        request = None if found else read_unsubscribe(data)
        if request is not None:
            stops.append(request)
        other += not found and request is None
    now = container.clock.now()
    with container.uow() as uow:
        bounced = record_bounces(uow, hard, at=now, clock=container.clock)
        opted = sum(
            opt_out_email(uow, token=r.token, message_id=next(iter(r.message_ids), None), at=now,
                          clock=container.clock)
            for r in stops
        )  # fmt: skip
        uow.commit()
    console.print(
        f"{len(hard)} hard bounce(s), {len(bounced)} matched; {len(stops)} unsubscribe "
        f"request(s), {opted} matched; {other} other message(s) left for people."
    )


@outbox_app.command("retry")
@handle_errors
def retry(
    message_id: Annotated[int, typer.Argument(help="A failed message's number.")],
    by: Annotated[str, typer.Option(help="Who decides to retry it.")] = "cli",
) -> None:
    """Hand a failed message (e.g. one in doubt, checked with the provider) to the sender."""
    container = build()
    container.require_schema()
    with container.uow() as uow:
        retry_message(uow, message_id, at=container.clock.now(), by=by)
        uow.commit()
    console.print(f"Message {message_id} is queued again; the gate is asked before it is sent.")


@letters_app.command("batch")
@handle_errors
def batch(
    date: Annotated[
        str | None, typer.Option(help="Mailing day (default: the next business day from today).")
    ] = None,
) -> None:
    """Print the letters due for a mailing day to PDF and write its manifest (safe to run
    again; a past day's batch is only listed again)."""
    container = build()
    container.require_schema()
    sender = bootstrap.outbox_sender(container)
    mailing_day = sender.messaging.identity.calendar.next_business_day(container.clock.today())
    day = parse_date(date, option="--date") or mailing_day
    report = build_print_batch(sender, day=day, batches=bootstrap.print_batches(container))
    files = report.files
    console.print(
        f"Print batch {day}: {files.letters:,} letters, {files.pages:,} pages in {files.folder}",
        markup=False,
    )
    if day < mailing_day:
        console.print("A past day: nothing new was printed, the manifest was written again.")
    for outcome, count in sorted(report.sent.items()):
        console.print(f"  {outcome}: {count:,}")
