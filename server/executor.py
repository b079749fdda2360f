"""Query execution in a child process, so one query can neither hang nor crash the server.

Each server worker owns one executor: a child process that holds a read-only handle on the store and
runs one query at a time. A query past the time limit gets its executor killed (and replaced) and a
clear timeout error; a query that crashes the engine (pyoxigraph 0.5.13 segfaults on very deep
nesting) kills only the executor, and the request gets a clear error while other workers go on.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import IO, Any

from dprk_kg.errors import DprkKgError, QueryError, ResultTooLarge, StoreError

HEADER = struct.Struct(">I")


class QueryTimeout(DprkKgError):
    """The query ran past the configured time limit and was stopped."""


class EngineCrashed(DprkKgError):
    """The query engine died while running the query."""


@dataclass(frozen=True)
class Answer:
    kind: str  # solutions, boolean, graph
    body: bytes
    engine_ms: float


ERRORS: dict[str, type[DprkKgError]] = {
    "QueryError": QueryError,
    "StoreError": StoreError,
    "ResultTooLarge": ResultTooLarge,
}


def send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    header = _read_exactly(stream, HEADER.size)
    (size,) = HEADER.unpack(header)
    return pickle.loads(_read_exactly(stream, size))


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


class Executor:
    """The parent side: starts the child lazily, and replaces it after a timeout or a crash."""

    def __init__(self, store: str, *, timeout: float, max_result_bytes: int) -> None:
        self.store = store
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self._child: subprocess.Popen[bytes] | None = None
        self._owner = os.getpid()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._child is not None and self._child.poll() is None and self._owner == os.getpid():
            return self._child
        self._owner = os.getpid()
        self._child = subprocess.Popen(
            [sys.executable, "-m", "dprk_kg.server.executor_child", self.store],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        return self._child

    def run(self, job: dict[str, Any]) -> Answer:
        """Run a job; raises QueryError, StoreError, ResultTooLarge, QueryTimeout or EngineCrashed."""
        child = self._start()
        assert child.stdin is not None and child.stdout is not None
        started = time.perf_counter()
        try:
            send(child.stdin, {**job, "max_bytes": self.max_result_bytes})
        except (BrokenPipeError, OSError):
            self._discard()
            child = self._start()
            assert child.stdin is not None and child.stdout is not None
            send(child.stdin, {**job, "max_bytes": self.max_result_bytes})
        ready, _, _ = select.select([child.stdout], [], [], self.timeout)
        if not ready:
            self._discard()
            raise QueryTimeout(f"the query ran longer than the limit of {self.timeout:g} s and was stopped")
        try:
            reply = receive(child.stdout)
        except EOFError as error:
            code = child.wait()
            self._child = None
            cause = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
            raise EngineCrashed(f"the query engine crashed on this query ({cause}); the server goes on") from error
        if not reply["ok"]:
            raise ERRORS.get(reply["error"], StoreError)(reply["message"])
        return Answer(reply["kind"], reply["body"], (time.perf_counter() - started) * 1000)

    def _discard(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child.wait()
        self._child = None

    def close(self) -> None:
        self._discard()
