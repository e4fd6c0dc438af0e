"""``arrears serve``: the web app and API under uvicorn, with the outbox sender alongside.

One Python process uses one core at most (its threads share one interpreter lock), so
``--workers N`` runs N server processes sharing the port, uvicorn's own multiprocess mode: each
builds the app from the same configuration. The outbox sender then runs once, in the process
that supervises them, not in every worker.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
from collections.abc import Callable
from typing import Annotated, Any

import typer
from fastapi import FastAPI

from arrears import bootstrap
from arrears.bootstrap import Container, build
from arrears.entrypoints.cli.output import console

log = logging.getLogger("arrears.serve")
_LINK = re.compile(r"/portal/link/[^/?\s\"]+")


class RedactSecrets(logging.Filter):
    """Keep one-time sign-in links out of the access log (they are credentials)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _LINK.sub("/portal/link/[redacted]", a) if isinstance(a, str) else a
                for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _LINK.sub("/portal/link/[redacted]", record.msg)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging with the redaction filter on its access and error logs."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {
        **LOGGING_CONFIG,
        "filters": {"redact": {"()": RedactSecrets}},
        "handlers": {
            name: {**handler, "filters": ["redact"]}
            for name, handler in LOGGING_CONFIG["handlers"].items()
        },
    }
    config["loggers"] = {
        **LOGGING_CONFIG["loggers"],
        "arrears": {"handlers": ["default"], "level": "INFO", "propagate": False},
    }
    return config


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes sharing the port: one core each at most, so about as many "
            "as the machine has cores.",
        ),
    ] = 1,
) -> None:
    """Serve the web app and API (and send due outbox messages in the background)."""
    container = build()
    container.require_schema()
    run_server(container, host=host, port=port, workers=workers)


def worker_app() -> FastAPI:
    """The app of one worker process (``--workers`` above 1): built from the configuration, as
    the supervising process built its own, and settled before it serves."""
    from arrears.entrypoints.web.app import serving_app

    return serving_app(build())


def start_outbox_sender(container: Container, stop: threading.Event) -> threading.Thread | None:
    """Run the outbox sender in a thread when the outbox workflow provides one."""
    try:
        from arrears.services import sending
    except ImportError:
        return None
    make: Callable[[Container], Any] | None = getattr(bootstrap, "outbox_sender", None)
    if make is None or not hasattr(sending, "run_sender"):
        return None
    sender = make(container)
    poll = float(getattr(container.settings, "outbox_poll_seconds", 15.0))
    thread = threading.Thread(
        target=sending.run_sender,
        args=(sender,),
        kwargs={"stop": stop, "poll_seconds": poll},
        name="outbox-sender",
        daemon=True,
    )
    thread.start()
    return thread


def run_server(
    container: Container,
    *,
    host: str,
    port: int,
    ready: Callable[[str], None] | None = None,
    workers: int = 1,
) -> None:
    import uvicorn

    from arrears.entrypoints.web.app import serving_app

    app: FastAPI | str = serving_app(container) if workers == 1 else f"{__name__}:worker_app"
    url = f"http://{host}:{port}"
    stop = threading.Event()
    sender = start_outbox_sender(container, stop)
    options: dict[str, Any] = {
        "host": host, "port": port, "log_config": log_config(), "proxy_headers": True,
        "forwarded_allow_ips": "127.0.0.1", "server_header": False,
    }  # fmt: skip
    console.print(f"Serving arrears at [bold]{url}[/] (Ctrl+C stops).")
    if workers > 1:
        console.print(f"{workers} server processes share the port.")
    if sender is not None:
        console.print("The outbox sender is running alongside.")
    if ready is not None:
        ready(url)
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again for the
    # previous handler: make that a normal exit so the sender is stopped and joined.
    previous = signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        if workers == 1:
            uvicorn.Server(uvicorn.Config(app, **options)).run()
        else:  # uvicorn supervises the workers, and restarts one that dies
            uvicorn.run(app, factory=True, workers=workers, **options)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if sender is not None:
            sender.join(timeout=10)
        signal.signal(signal.SIGTERM, previous)
        console.print("Stopped.")


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)
