"""Refusing to answer from a store that a build left half loaded.

A remote store is loaded in many requests: while a build runs, and after one failed or was killed,
its data is neither the old dataset nor the new, and answers from it would be wrong without saying
so. The store's build status (``Store.is_complete``) tells; each server worker asks it at its first
request and then at most every ``CHECK_SECONDS`` — not once per query, which would double the round
trips to a remote store — and, while the store is incomplete, answers 503 with the reason on every
route that reads or writes the data. ``/healthz`` reports the same; the query page and its files stay
up. An embedded store is always complete (it swaps versions atomically), so it costs nothing here.
"""

from __future__ import annotations

import time

from dprk_kg.errors import DprkKgError
from dprk_kg.store import Store

CHECK_SECONDS = 2.0  # how stale a worker's view of the build status may be
# /sparql, /update, /data, pages, pictures, the dataset's description (/.well-known/void), the entity
# index and sitemap (browse)
GUARDED_BLUEPRINTS = frozenset({"protocol", "graph_store", "linked_data", "pictures", "dataset", "browse"})
RETRY_AFTER_SECONDS = 60  # the header sent with the 503: a build takes minutes


def incomplete_message(location: str) -> str:
    """What a client of an incomplete store is told, and what to do about it."""
    return (
        f"the store at {location} is incomplete: a build began replacing its data and has not finished "
        "(it is still running, or it failed or was killed), so it holds part of the data; no answers are "
        "given from it until a build completes (run `dprk-kg build` again)"
    )


class Completeness:
    """One worker's cached view of whether its store may be served."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._checked: float | None = None
        self._problem: str | None = None

    def problem(self) -> str | None:
        """Why the store must not be served now (None: it may); asked of the store at most once every
        ``CHECK_SECONDS``."""
        now = time.monotonic()
        if self._checked is None or now - self._checked >= CHECK_SECONDS:
            self._problem = self._ask()
            self._checked = now
        return self._problem

    def _ask(self) -> str | None:
        try:
            complete = self.store.is_complete()
        except DprkKgError:  # an unreachable or failing store: each route reports that itself (503)
            return None
        return None if complete else incomplete_message(self.store.location)
