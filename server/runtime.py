"""Per-process resources of a server worker: its query executor and its writable store handle.

gunicorn forks workers after the app is created, so these are made lazily in the process that uses
them, never inherited across a fork.
"""

from __future__ import annotations

import os

from flask import current_app

from dprk_kg.config import Config
from dprk_kg.server.caching import fingerprint
from dprk_kg.server.completeness import Completeness
from dprk_kg.server.executor import ABANDONED, Executor
from dprk_kg.server.result_cache import ResultCache, cache_folder
from dprk_kg.store import Store, open_store

_per_process: dict[str, object] = {}


def config() -> Config:
    return current_app.config["DPRK_KG"]


def executor() -> Executor:
    key = f"executor-{os.getpid()}-{id(current_app)}"
    if key not in _per_process:
        settings = config()
        _per_process[key] = Executor(
            settings.store,
            timeout=settings.query_timeout,
            max_result_bytes=settings.max_result_bytes,
            base=settings.base,
            cache=result_cache(settings),
        )
    return _per_process[key]  # type: ignore[return-value]


def result_cache(settings: Config) -> ResultCache | None:
    """This process's handle on the shared cache of answers, or None where it is off."""
    if settings.result_cache_bytes == 0:
        return None
    salt = f"{fingerprint()}\n{settings.max_result_bytes}"
    return ResultCache(cache_folder(settings.store, settings.result_cache_dir), settings.result_cache_bytes, salt)


def writable_store() -> Store:
    key = f"store-{os.getpid()}-{id(current_app)}"
    if key not in _per_process:
        _per_process[key] = open_store(config().store)
    return _per_process[key]  # type: ignore[return-value]


def completeness() -> Completeness:
    """This process's view of whether the store may be served, on a read-only handle of its own."""
    key = f"completeness-{os.getpid()}-{id(current_app)}"
    if key not in _per_process:
        settings = config()
        _per_process[key] = Completeness(open_store(settings.store, read_only=True, base=settings.base))
    return _per_process[key]  # type: ignore[return-value]


def stuck() -> bool:
    """Whether a query or an update of this process outlived its limit and is still running."""
    return ABANDONED.is_set() or any(
        isinstance(resource, Executor) and resource.stuck for resource in _per_process.values()
    )


def close_all() -> None:
    for resource in _per_process.values():
        if isinstance(resource, Executor):
            resource.close()
    _per_process.clear()
