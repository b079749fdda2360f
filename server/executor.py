"""Running queries so that one query can neither hang the endpoint nor bring it down.

Each server worker (a gunicorn process serving one request at a time) runs its queries on a thread of
its own, on a read-only handle of the store; pyoxigraph releases the GIL while it evaluates, so the
request thread can wait with a time limit. A query past the limit gets a clear timeout error, and —
since an Oxigraph query cannot be cancelled — the worker retires once the answer is sent (see
``wsgi``) and gunicorn starts a fresh one: the runaway costs its one request. The query thread is a
daemon so that the retiring process does not wait for it. A query that crashes the engine (pyoxigraph
0.5.13 segfaults on very deep nesting, which the endpoint refuses before the engine sees it) takes
down only the worker that was serving it, which gunicorn replaces likewise.

This in-process design replaced one with an executor child process per worker: its pipe round trip
cost ~1.1 ms per query on this machine, where the engine needs 0.03 ms for a lookup.

**Large answers** of the endpoint's queries (``QueryJob.stream``) are written into a ``ResultSpool``:
in memory up to ``STREAM_BYTES``, then in an unlinked temporary file (``TMPDIR``), which the response
streams to the client (by ``sendfile`` under gunicorn) and closes. The whole answer is still written
before the status line is sent, so the time limit (503) and the size limit (400) are decided as for a
small answer — a client never gets a 200 cut short — while the worker no longer holds the answer, and
its copies, in memory. An answer streamed from a spool is kept in the result cache only if it fits an
entry (``ResultCache.keeps``); it is then read back into memory once, to be stored.
"""

from __future__ import annotations

import queue
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, TypeVar

from dprk_kg.errors import DprkKgError
from dprk_kg.server.caching import stable
from dprk_kg.server.result_cache import Entry, ResultCache
from dprk_kg.store import EmbeddedStore, ResultFormat, Store, open_store
from dprk_kg.store.base import Bindings, Dataset
from dprk_kg.store.common import refuse_past

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

# Measured with pyoxigraph 0.5.13: it needs 2.5–5 KB of stack per nested group (8 MB, the default, crashed
# near 2,500); 1 GiB carried 50,000 nested parentheses and 100,000 nested groups. It is address space:
# only the pages a deep query touches become memory. The endpoint refuses texts with more than
# dprk_kg.sparql.parser.MAX_OPENINGS openings, so no nesting it accepts can overflow this stack.
QUERY_STACK_BYTES = 1 << 30
# Answers larger than this leave memory for a spool file. Measured on a generated 1M-quad store (SELECT
# * over 500,000 triples, 89.5 MB of JSON): buffered, the worker's peak grew by 203 MiB; spooled, by
# 118 MiB, of which the engine itself needs ~88 MiB (serialising into a sink that keeps nothing).
STREAM_BYTES = 1 << 20


T = TypeVar("T")


ABANDONED = threading.Event()  # an update outlived its limit: this process must not serve another


def on_deep_stack(work: Callable[[], T], timeout: float) -> T:
    """Run ``work`` (an update, which the engine evaluates like a query) on a thread with the query
    thread's stack, within the time limit; its result, or its exception. Past the limit the update is
    abandoned like a query: ``QueryTimeout``, and the worker retires once the answer is sent — the
    update, on a copy-on-write version, is then lost unless it finished in between."""
    outcome: Future[T] = Future()

    def run() -> None:
        try:
            outcome.set_result(work())
        except BaseException as error:  # handed back to the caller
            outcome.set_exception(error)

    thread = start_deep_thread(run, "update", daemon=True)
    thread.join(timeout)
    if thread.is_alive():
        ABANDONED.set()
        raise QueryTimeout(
            f"the update ran longer than the limit of {timeout:g} s and was abandoned; it is not applied "
            "unless it finished while this answer was sent: check before sending it again"
        )
    return outcome.result()


def start_deep_thread(target: Callable[[], None], name: str, *, daemon: bool) -> threading.Thread:
    """Start a thread with ``QUERY_STACK_BYTES`` of stack (the size applies to threads started while set)."""
    previous = threading.stack_size(QUERY_STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name=name, daemon=daemon)
        thread.start()
    finally:
        threading.stack_size(previous)
    return thread


class QueryTimeout(DprkKgError):
    """The query ran past the configured time limit; the worker stops waiting for it."""


@dataclass(frozen=True)
class QueryJob:
    """A query for the query thread, with everything the store needs to run it; ``bindings`` carries
    the values a constant query takes from the request (see ``Store.query``). ``cacheable``: False for
    a query that calls another endpoint, whose answer the data alone does not decide."""

    sparql: str
    format: ResultFormat
    dataset: Dataset | None = None
    prefixes: dict[str, str] | None = None
    base_iri: str | None = None
    bindings: Bindings | None = None
    cacheable: bool = True
    stream: bool = False  # a large answer may come back as a spool (the endpoint's queries only)


@dataclass(frozen=True)
class PingJob:
    """Asks the query thread for the store's version: proves the thread and the store both answer."""


Job = QueryJob | PingJob


class ResultSpool(tempfile.SpooledTemporaryFile[bytes]):
    """A streamed query's answer as the engine writes it: in memory up to ``STREAM_BYTES``, then in an
    unlinked temporary file; refuses to grow past the result limit, like ``BoundedBuffer``."""

    def __init__(self, limit: int) -> None:
        super().__init__(max_size=STREAM_BYTES)
        self.limit = limit

    def write(self, data: ReadableBuffer, /) -> int:
        refuse_past(self.limit, self.tell(), data)
        return super().write(data)


@dataclass(frozen=True)
class Answer:
    """``spool``: an answer too large for memory, rewound, of ``size`` bytes (``body`` is then empty);
    whoever takes the answer streams and closes it."""

    kind: str  # solutions, boolean, graph
    body: bytes
    engine_ms: float
    cached: bool = False
    spool: IO[bytes] | None = None
    size: int = 0


@dataclass(frozen=True)
class Outcome:
    """What the query thread hands back: the answer (in ``body``, or in ``spool`` if it outgrew
    memory), and the store version it was computed on (None where there is no version to key a cached
    answer on: a remote store, a ping)."""

    kind: str
    body: bytes
    version: str | None
    spool: IO[bytes] | None = None
    size: int = 0


class Executor:
    """Runs one query at a time in its worker process, within a time limit, answering from the shared
    result cache (``result_cache.py``) where it can."""

    def __init__(
        self,
        store: str,
        *,
        timeout: float,
        max_result_bytes: int,
        base: str | None = None,
        cache: ResultCache | None = None,
    ) -> None:
        self.location = store
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.base = base
        self.cache = cache
        self._store: Store | None = None
        self._jobs: queue.SimpleQueue[tuple[Job, Future[Outcome]] | None] = queue.SimpleQueue()
        start_deep_thread(self._serve, "query", daemon=True)
        self.stuck = False  # a query outlived its limit: this process must not serve another

    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.location, read_only=True, base=self.base)
        return self._store

    def run(self, job: Job) -> Answer:
        """Run a job, or answer it from the cache; raises QueryError, StoreError, ResultTooLarge or
        QueryTimeout."""
        started = time.perf_counter()
        cached = self._cached(job)
        if cached is not None:
            return Answer(cached.kind, cached.body, (time.perf_counter() - started) * 1000, cached=True)
        future: Future[Outcome] = Future()
        self._jobs.put((job, future))
        try:
            outcome = future.result(timeout=self.timeout)
        except FutureTimeout as error:
            self.stuck = True
            limit = f"{self.timeout:g} s"
            raise QueryTimeout(f"the query ran longer than the limit of {limit}; its answer was abandoned") from error
        if outcome.version is not None and self.cache is not None and isinstance(job, QueryJob):
            self._keep(self.cache, self._key(job, outcome.version), outcome)
        elapsed = (time.perf_counter() - started) * 1000
        return Answer(outcome.kind, outcome.body, elapsed, spool=outcome.spool, size=outcome.size)

    @staticmethod
    def _keep(cache: ResultCache, key: str, outcome: Outcome) -> None:
        """Store the answer if it fits an entry; a spooled one is read back, then rewound for the client."""
        if outcome.spool is None:
            cache.put(key, Entry(outcome.kind, outcome.body))
        elif cache.keeps(outcome.size):
            cache.put(key, Entry(outcome.kind, outcome.spool.read()))
            outcome.spool.seek(0)

    def _cached(self, job: Job) -> Entry | None:
        """The cached answer of ``job`` on the store's current version, if there is one."""
        if self.cache is None or not isinstance(job, QueryJob) or not self._keyed(job):
            return None
        store = self.store()
        if not isinstance(store, EmbeddedStore):
            return None
        try:
            version = store.version_name()
        except DprkKgError:
            return None  # no store: the query thread reports it
        return self.cache.get(self._key(job, version))

    def _keyed(self, job: QueryJob) -> bool:
        return job.cacheable and stable(job.sparql)

    def _key(self, job: QueryJob, version: str) -> str:
        assert self.cache is not None
        return self.cache.key(
            version,
            job.sparql,
            job.format,
            dataset=job.dataset,
            prefixes=job.prefixes,
            base_iri=job.base_iri,
            bindings=job.bindings,
        )

    def _serve(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, future = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(self._execute(job))
                except BaseException as error:  # handed to the waiting request thread
                    future.set_exception(error)

    def _execute(self, job: Job) -> Outcome:
        store = self.store()
        if isinstance(job, PingJob):
            return Outcome("ping", store.version_name().encode(), None)
        if job.stream and isinstance(store, EmbeddedStore):
            return self._spooled(store, job)
        output = store.query(
            job.sparql,
            job.format,
            dataset=job.dataset,
            prefixes=job.prefixes,
            base_iri=job.base_iri,
            max_bytes=self.max_result_bytes,
            bindings=job.bindings,
        )
        return Outcome(output.kind, output.body, self._version_of(store, job))

    def _spooled(self, store: EmbeddedStore, job: QueryJob) -> Outcome:
        """Run a streamed job: its answer as bytes if it stayed small, else the rewound spool."""
        spool = ResultSpool(self.max_result_bytes)
        try:
            kind = store.write_answer(
                spool,
                job.sparql,
                job.format,
                dataset=job.dataset,
                prefixes=job.prefixes,
                base_iri=job.base_iri,
                bindings=job.bindings,
            )
            size = spool.tell()
            spool.seek(0)
            if size > STREAM_BYTES:  # the spool rolled over to its file
                return Outcome(kind, b"", self._version_of(store, job), spool, size)
            body = spool.read()
        except BaseException:
            spool.close()
            raise
        spool.close()
        return Outcome(kind, body, self._version_of(store, job), size=size)

    def _version_of(self, store: Store, job: QueryJob) -> str | None:
        """The version the answer was computed on, where the answer may be cached under it."""
        keyed = self.cache is not None and isinstance(store, EmbeddedStore) and self._keyed(job)
        return store.opened_version if keyed and isinstance(store, EmbeddedStore) else None

    def close(self) -> None:
        self._jobs.put(None)
