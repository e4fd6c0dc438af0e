"""A server that accepts connections and never answers: a mail server or SMS provider that has
hung. Real sockets on 127.0.0.1, so the channels' own timeouts are what is tested."""

from __future__ import annotations

import contextlib
import socket
import threading


class StallingServer:
    """Listens on a free local port, accepts every connection and then says nothing; use as a
    context manager."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = int(self.listener.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def __enter__(self) -> StallingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept (Linux)
        self.listener.close()
        for connection in self.accepted:
            connection.close()
        self._thread.join(timeout=5)
