"""No code path reaches a channel without a gate decision (DESIGN §5).

Two halves: every channel adapter refuses a message that does not carry an allowed, recorded
gate decision — before it touches the network or the disk — and, in the source, the only call
into a channel is the sender's, right after the claim step that asks the gate.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import arrears.adapters.channels as channels_package
from arrears.adapters.channels.letters import PrintBatchChannel
from arrears.adapters.channels.maildir import MaildirEmailChannel
from arrears.adapters.channels.sms_http import HttpSmsChannel, SmsSettings
from arrears.adapters.channels.smtp import SmtpEmailChannel, SmtpSettings
from arrears.domain.clock import FixedClock
from arrears.services.ports import ClearedMessage, NotCleared, OutboundMessage
from support.channels import free_port

SRC = Path(__file__).resolve().parents[3] / "src" / "arrears"


def message(channel: str) -> OutboundMessage:
    return OutboundMessage(
        id=1, idempotency_key="action:1", token="tok", channel=channel,
        recipient="+16175550101" if channel == "sms" else "ana@example.com",
        subject="s", text="t", html="<p>t</p>", template="payment_reminder", language="en",
        print_date=date(2026, 11, 27),
    )  # fmt: skip


def adapters(tmp_path: Path) -> dict[str, object]:
    closed = free_port()  # nothing listens here: a refusal must come before any connection
    clock = FixedClock(datetime(2026, 11, 27, 15, tzinfo=UTC))
    return {
        "email": SmtpEmailChannel(
            SmtpSettings(host="127.0.0.1", port=closed, sender="a <a@example.com>"), clock=clock
        ),
        "sms": HttpSmsChannel(
            SmsSettings(endpoint=f"http://127.0.0.1:{closed}/messages", api_key="k", sender="+1")
        ),
        "letter": PrintBatchChannel(tmp_path / "print"),
        "maildir": MaildirEmailChannel(
            tmp_path / "print",
            SmtpSettings(host="-", port=0, sender="a <a@example.com>"),
            clock=clock,
        ),
    }


def test_every_channel_adapter_is_covered_here(tmp_path: Path) -> None:
    """Every class in arrears.adapters.channels with a ``deliver`` method is one of those the
    refusal test below exercises (a new channel must be added to it)."""
    found = set()
    for module in pkgutil.iter_modules(channels_package.__path__):
        loaded = importlib.import_module(f"{channels_package.__name__}.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if cls.__module__ == loaded.__name__ and hasattr(cls, "deliver"):
                found.add(cls)
    assert found == {type(a) for a in adapters(tmp_path).values()}


@pytest.mark.parametrize("channel", ["email", "sms", "letter", "maildir"])
@pytest.mark.parametrize(("decision", "allowed"), [("", True), ("gate_decisions:7", False)])
def test_a_channel_refuses_a_message_without_an_allowed_decision(
    tmp_path: Path, channel: str, decision: str, allowed: bool
) -> None:
    """No decision id, or a decision that did not allow it: refused, nothing sent or written."""
    adapter = adapters(tmp_path)[channel]
    with pytest.raises(NotCleared):
        adapter.deliver(
            ClearedMessage(message(channel.replace("maildir", "email")), decision, allowed)
        )  # type: ignore[attr-defined]
    assert not (tmp_path / "print").exists()


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == name)
            or (isinstance(node.func, ast.Name) and node.func.id == name)
        )
    ]


def test_the_sender_is_the_only_code_that_calls_a_channel() -> None:
    """Enumerates every ``.deliver(`` and ``ClearedMessage(`` in the source: both only in
    ``services/sending.py``'s ``send_one`` — channels themselves excepted."""
    places = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in _calls(function, "deliver") + _calls(function, "ClearedMessage"):
                places.append((path.relative_to(SRC).as_posix(), function.name, call.lineno))
    outside = [p for p in places if p[:2] != ("services/sending.py", "send_one")]
    assert outside == []
    assert {p[1] for p in places} == {"send_one"}


def test_send_one_asks_the_gate_before_it_delivers() -> None:
    """In ``send_one`` the claim (which asks the gate and returns the recorded decision) comes
    before the delivery, and a claim that returns no message returns before delivering."""
    source = (SRC / "services" / "sending.py").read_text()
    tree = ast.parse(source)
    send_one = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "send_one"
    )
    claim = _calls(send_one, "_claim")[0].lineno
    deliver = _calls(send_one, "deliver")[0].lineno
    early_return = min(n.lineno for n in ast.walk(send_one) if isinstance(n, ast.Return))
    assert claim < early_return < deliver
    claim_function = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_claim"
    )
    assert _calls(claim_function, "ask_gate"), "the claim asks the gate"
    assert [c for c in _calls(claim_function, "ask_gate")
            if any(k.arg == "stage" and ast.unparse(k.value) == "Stage.SEND" for k in c.keywords)]  # fmt: skip
