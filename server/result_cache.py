"""Answers of queries kept for the next identical query, shared by all the server's workers.

**What is cached.** The serialised answer of every query the executor runs — the endpoint's, the
linked-data pages', the graph store's reads — under a digest of everything that decides it: the
server's code and settings (the HTTP caching fingerprint), the store version the query ran on, the
query text, its dataset, prefixes, base IRI and bound values, the result format and the size limit.
A write or a rebuild makes a new store version, so no answer computed on an older version can be
served for a newer one: stale entries are never read, only left to be evicted.

**What is not.** A query whose answer changes from run to run (``RAND``, ``NOW``, ``UUID``,
``STRUUID``, ``BNODE``: caching.stable) or that calls another endpoint (``SERVICE``), errors, answers
past the time or size limit, and everything from a remote store (its version cannot tell other
writers' changes, so there is no safe key).

**Where.** A diskcache (SQLite plus files) in a folder on ``/dev/shm`` — memory, not disk — where
there is one, shared by the workers of every server of the same store; bounded by
``DPRK_KG_RESULT_CACHE`` bytes (least recently stored first out), 0 turns it off. Each entry is at
most an eighth of the bound (``keeps``): a larger answer is served — streamed from its spool file, see
executor.py — and never kept. A lookup costs ~5 µs; a query through the engine 40 µs to seconds.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import diskcache

from dprk_kg.store import ResultFormat
from dprk_kg.store.base import Bindings, Dataset

SHARED_MEMORY = Path("/dev/shm")


@dataclass(frozen=True)
class Entry:
    kind: str  # solutions, boolean, graph
    body: bytes


class ResultCache:
    """The shared cache; ``salt`` is what besides the request decides an answer (code, settings)."""

    def __init__(self, folder: Path, size_bytes: int, salt: str) -> None:
        self.folder = folder
        self.largest = size_bytes // 8
        self.salt = salt
        self._cache = diskcache.Cache(
            str(folder), size_limit=size_bytes, eviction_policy="least-recently-stored", statistics=False
        )

    def key(
        self,
        version: str,
        sparql: str,
        result_format: ResultFormat,
        *,
        dataset: Dataset | None,
        prefixes: dict[str, str] | None,
        base_iri: str | None,
        bindings: Bindings | None,
    ) -> str:
        parts = [
            self.salt,
            version,
            sparql,
            result_format.value,
            None if dataset is None else [dataset.default_graphs, dataset.named_graphs, dataset.union],
            sorted((prefixes or {}).items()),
            base_iri,
            sorted((name, str(term)) for name, term in (bindings or {}).items()),
        ]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def get(self, key: str) -> Entry | None:
        found = self._cache.get(key)
        return Entry(*found) if isinstance(found, tuple) else None

    def keeps(self, size: int) -> bool:
        """Whether an answer of ``size`` bytes fits an entry (a larger one is served, never kept)."""
        return size <= self.largest

    def put(self, key: str, entry: Entry) -> None:
        if self.keeps(len(entry.body)):
            self._cache.set(key, (entry.kind, entry.body))

    def close(self) -> None:
        self._cache.close()


def cache_folder(store: str, configured: Path | None) -> Path:
    """The configured folder, else one per store location in shared memory (a temporary folder where
    the machine has no ``/dev/shm``)."""
    if configured is not None:
        return configured
    parent = SHARED_MEMORY if SHARED_MEMORY.is_dir() else Path(tempfile.gettempdir())
    return parent / f"dprk-kg-results-{hashlib.sha256(store.encode()).hexdigest()[:16]}"
