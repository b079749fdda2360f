"""Query workers without a network: the engine cannot make an outbound request the operator did not
allow, even when a check on the query text is wrong.

Each gunicorn worker, right after it is forked (single-threaded, before it opens the store), moves
into a network namespace of its own (``unshare(CLONE_NEWNET)``; unprivileged, inside a new user
namespace). The listening socket it inherited stays in the host's namespace and keeps accepting;
every socket the worker creates afterwards lives in the new namespace, which has only a loopback
interface that is down. So a ``SERVICE`` or ``LOAD`` that slipped past the query checks fails inside
the engine with "network unreachable": the kernel refuses, not our reading of the text.

Isolation is off only where the operator needs the network from the workers: a remote store, or
allow-listed ``SERVICE`` endpoints or ``LOAD`` sources. It is on in every other case; if the kernel
refuses it, the server does not start (``DPRK_KG_NETWORK_ISOLATION=off`` starts it anyway).
"""

from __future__ import annotations

import ctypes
import os

from dprk_kg.config import Config
from dprk_kg.errors import ConfigError
from dprk_kg.store.location import LocalLocation, parse_location

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def needs_network(settings: Config) -> str | None:
    """Why the workers must keep the network (None: they need none)."""
    if not isinstance(parse_location(settings.store, writable=False), LocalLocation):
        return "the store is remote"
    if settings.allowed_services:
        return "SERVICE endpoints are allowed (DPRK_KG_ALLOWED_SERVICES)"
    if settings.allowed_loads:
        return "LOAD sources are allowed (DPRK_KG_ALLOWED_LOADS)"
    return None


def isolate_network() -> None:
    """Move this process into a new, empty network namespace; ``ConfigError`` if the kernel refuses."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) == 0:
        return
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:  # unprivileged: a user namespace first
        error = ctypes.get_errno()
        raise ConfigError(
            f"cannot isolate the query workers from the network ({os.strerror(error)}); allow unprivileged "
            "user namespaces, run with CAP_SYS_ADMIN, or set DPRK_KG_NETWORK_ISOLATION=off to run without"
        )
    # keep the same identity inside the user namespace, for the files the worker reads and writes
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"{gid} {gid} 1")
