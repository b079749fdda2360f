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
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TypeVar

from dprk_kg.errors import DprkKgError
from dprk_kg.server.caching import stable
from dprk_kg.server.result_cache import Entry, ResultCache
from dprk_kg.store import EmbeddedStore, ResultFormat, Store, open_store
from dprk_kg.store.base import Bindings, Dataset

# Measured with pyoxigraph 0.5.13: it needs 2.5–5 KB of stack per nested group (8 MB, the default, crashed
# near 2,500); 1 GiB carried 50,000 nested parentheses and 100,000 nested groups. It is address space:
# only the pages a deep query touches become memory. The endpoint refuses texts with more than
# dprk_kg.sparql.parser.MAX_OPENINGS openings, so no nesting it accepts can overflow this stack.
QUERY_STACK_BYTES = 1 << 30


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


@dataclass(frozen=True)
class PingJob:
    """Asks the query thread for the store's version: proves the thread and the store both answer."""


Job = QueryJob | PingJob


@dataclass(frozen=True)
class Answer:
    kind: str  # solutions, boolean, graph
    body: bytes
    engine_ms: float
    cached: bool = False


@dataclass(frozen=True)
class Outcome:
    """What the query thread hands back: the answer, and the store version it was computed on (None
    where there is no version to key a cached answer on: a remote store, a ping)."""

    kind: str
    body: bytes
    version: str | None


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
            self.cache.put(self._key(job, outcome.version), Entry(outcome.kind, outcome.body))
        return Answer(outcome.kind, outcome.body, (time.perf_counter() - started) * 1000)

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
        output = store.query(
            job.sparql,
            job.format,
            dataset=job.dataset,
            prefixes=job.prefixes,
            base_iri=job.base_iri,
            max_bytes=self.max_result_bytes,
            bindings=job.bindings,
        )
        keyed = self.cache is not None and isinstance(store, EmbeddedStore) and self._keyed(job)
        version = store.opened_version if keyed and isinstance(store, EmbeddedStore) else None
        return Outcome(output.kind, output.body, version)

    def close(self) -> None:
        self._jobs.put(None)
