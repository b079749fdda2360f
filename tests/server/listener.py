"""A TCP listener on 127.0.0.1 that records every connection it receives and answers like a SPARQL
endpoint, to tell whether the server contacted anything it was not allowed to."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from tests.server.conftest import TOKEN, Server, start_server


class Listener:
    """A TCP server on 127.0.0.1 that records what it receives and answers like a SPARQL endpoint."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"LEAKED"}}]}}'
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                self.received.append(connection.recv(65536))
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )

    def close(self) -> None:
        self.socket.close()


def start_allowlisted(
    listener: Listener, directory: Path, *, timeout: float | None = None, env: dict[str, str] | None = None
) -> Server:
    """An empty store served with a write token, WITHOUT network isolation, and with the listener's
    ``/allowed`` as the one allowed SERVICE endpoint and LOAD source: the parser's checks are then all
    that stands between a text and the network."""
    allowed = f"http://127.0.0.1:{listener.port}/allowed"
    return start_server(
        directory / "store",
        directory / "server.log",
        token=TOKEN,
        empty=True,
        timeout=timeout,
        env={
            **(env or {}),
            "DPRK_KG_NETWORK_ISOLATION": "off",
            "DPRK_KG_ALLOWED_SERVICES": allowed,
            "DPRK_KG_ALLOWED_LOADS": allowed,
        },
    )
