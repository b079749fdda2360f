"""Reading a store location (``--store``, ``DPRK_KG_STORE``): a folder for the embedded store, or the
URL of a SPARQL 1.1 store. Decided once, here, before anything is opened or written, so a mistyped
URL is refused with a clear message instead of becoming a folder named ``http:``.

    var/store, /srv/kg, ./odd:name         a folder (existing, or one that can be created)
    http://host/sparql, https://…         a generic SPARQL 1.1 store (see endpoints.py)
    oxigraph+http://…, virtuoso+https://…  a store of that flavour (its endpoint layout and quirks)

Text that starts like a URL (``word:``) is read as one: a folder whose name has a colon is written
with a leading ``./``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from dprk_kg.errors import ConfigError

FLAVOURS = ("oxigraph", "fuseki", "virtuoso", "graphdb", "sparql")
GENERIC = "sparql"  # a plain http(s) URL, or sparql+http(s)
TRANSPORTS = ("http", "https")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_PASSWORD = re.compile(r"//([^/@:]*):[^/@]*@")


@dataclass(frozen=True)
class LocalLocation:
    """A folder holding (or to hold) the embedded store."""

    path: Path


@dataclass(frozen=True)
class RemoteLocation:
    """A SPARQL 1.1 store reached over HTTP."""

    flavour: str  # one of FLAVOURS; GENERIC for a plain URL
    url: str  # scheme, host, port, path and query, without credentials or ``update=``
    username: str | None = None
    password: str | None = None
    update: str | None = None  # an update endpoint given with ``?update=``

    @property
    def public(self) -> str:
        """The location as configured, without the password: safe to print, log or serve."""
        parts = urlsplit(self.url)
        netloc = f"{self.username}@{parts.netloc}" if self.username else parts.netloc
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        if self.update:
            url += ("&" if parts.query else "?") + f"update={self.update}"
        return url if self.flavour == GENERIC else f"{self.flavour}+{url}"

    @property
    def root(self) -> str:
        """The URL without its query string or trailing slash: the base of a flavour's endpoint paths."""
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


Location = LocalLocation | RemoteLocation


def parse_location(text: str, *, writable: bool = True) -> Location:
    """The store named by ``text``; ``ConfigError`` (exit 2) when it is neither a usable folder nor a
    supported URL. A folder that does not exist yet must be creatable when the store is to be written."""
    if not text.strip():
        raise ConfigError("the store location is empty; give a folder or a SPARQL store's URL")
    match = _SCHEME.match(text)
    if match:
        return _remote(text, match.group(1).lower())
    return LocalLocation(check_folder(Path(text), writable=writable))


def check_folder(path: Path, *, writable: bool) -> Path:
    """``path`` if it can hold the embedded store: an existing folder (or the link a store keeps), or
    — for writing — a missing one under a folder this process may write. Anything else is a
    ``ConfigError``, raised before anything is created."""
    if path.is_symlink() or path.is_dir():
        return path
    if path.exists():
        raise ConfigError(f"the store location {path} is a file, not a folder")
    if writable:
        ancestor = next(parent for parent in (path.absolute(), *path.absolute().parents) if parent.exists())
        if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
            raise ConfigError(
                f"the store folder {path} cannot be created: {ancestor} is not a folder this user can write"
            )
    return path


def refuse_url(path: Path) -> None:
    """``ConfigError`` for a path that is a store URL mangled into a path (``Path("http://h")`` reads
    ``http:/h``): the embedded store must never create a folder named after a URL."""
    match = _SCHEME.match(str(path))
    if match and match.group(1).lower().rpartition("+")[2] in TRANSPORTS:
        raise ConfigError(f"{str(path)!r} is a URL, not a folder for the embedded store; open it with open_store")


_SUPPORTED = "a store's URL is http:// or https://, optionally with a flavour: " + ", ".join(
    f"{flavour}+http://" for flavour in FLAVOURS
)


def _remote(given: str, scheme: str) -> RemoteLocation:
    text = _PASSWORD.sub(r"//\1:***@", given)  # as shown in messages
    flavour, _, transport = scheme.rpartition("+")
    if transport not in TRANSPORTS:
        raise ConfigError(f"{text!r} is neither a folder nor a supported store URL: {_SUPPORTED}")
    if flavour and flavour not in FLAVOURS:
        raise ConfigError(f"{text!r}: unknown store flavour {flavour!r}; {_SUPPORTED}")
    url = given.split("+", 1)[1] if flavour else given
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError as error:
        raise ConfigError(f"{text!r}: {error}") from error
    if not url[len(parts.scheme) + 1 :].startswith("//") or not parts.hostname:
        raise ConfigError(f"{text!r} names no server; a store's URL looks like {transport}://host:port/path")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    netloc = host + (f":{port}" if port is not None else "")
    query = parse_qsl(parts.query, keep_blank_values=True)
    updates = [value for name, value in query if name == "update"]
    if updates and (urlsplit(updates[0]).scheme not in TRANSPORTS or not urlsplit(updates[0]).hostname):
        raise ConfigError(f"{text!r}: the update endpoint must be an http(s) URL, not {updates[0]!r}")
    kept = urlencode([(name, value) for name, value in query if name != "update"])
    return RemoteLocation(
        flavour=flavour or GENERIC,
        url=urlunsplit((parts.scheme, netloc, parts.path, kept, "")),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        update=updates[0] if updates else None,
    )
