"""HTTP caching and the methods every route answers: validators, conditional requests, Cache-Control,
and ``Allow`` on OPTIONS.

**Validators.** What a GET answers depends on the store's data, the server's code and configuration,
and the request. An embedded store says which data it holds by its current version — the folder its
link points to, the ``store_version`` of ``/healthz`` — which every write replaces, whichever process
made it; the link's own time is when that version became current. So a response carries
``ETag: W/"…"``, a digest of (the code and configuration, the version, the normalised request: URL,
negotiated media type, and for a query its text, dataset and format), and ``Last-Modified``, the
version's time. The tag is weak: the same data may be written with other blank node labels. For a
query the tag is known before the query runs, so ``If-None-Match`` with it is answered 304 without
running the query again — after every check the request must pass, so a 304 is never a way around one.

A remote store's ``version_name`` counts only the writes made through one handle (other processes and
other clients write it too), so it cannot say whether the data changed: there the tag is a digest of
the response body (strong, computed after the answer is made) and there is no ``Last-Modified``.

**Freshness.** Successful GET and HEAD answers (and redirects) are ``public, max-age=N``
(``DPRK_KG_CACHE_MAX_AGE``; by default 60 s on a read-only server, 0 where writes are enabled, since a
cache would otherwise show a writer the answer from before the write — a write to ``/update`` does not
invalidate a cached ``/sparql?query=…``; 0 gives ``no-cache``: store, but ask every time): a cache may
reuse an answer for N seconds, then revalidates it cheaply with the validators. Everything else —
errors, POST (a cache would key the answer on the URL, not the body), ``/update`` and the graph
store's writes, ``/healthz`` — is ``no-store``, as is a query whose answer is not a function of the
data: one that calls ``RAND``, ``NOW``, ``UUID``, ``STRUUID`` or ``BNODE`` or uses ``SERVICE``. Those
names are looked for as words anywhere in the text, case-insensitively (a function's name cannot be
written with escapes): a word in a string or an IRI is a false alarm that only costs caching, so this
is a safe over-approximation, not a check a request must pass. A response that already has an ``ETag``
or a ``Cache-Control`` (static files send their own) is left alone.

**Conditional requests** on GET and HEAD, in the order of RFC 9110 §13.2.2: ``If-Match`` (strong
comparison, so only ``*`` matches a weak tag) and ``If-Unmodified-Since`` give 412; then
``If-None-Match`` (weak comparison, ``*`` included) or, without it, ``If-Modified-Since`` give 304.
HTTP dates have whole seconds, and two versions may become current within one: ``Last-Modified`` is
only sent, and ``If-Modified-Since`` only honoured, once the version's second has passed, so a later
version can never carry the same date. A date that is no HTTP date, or one still to come, is ignored.

**HEAD** runs as GET (Flask routes it to the GET view, with every check) and Werkzeug drops the body;
**OPTIONS** is answered 204 by the application's preflight hook, and here given ``Allow``: the route's
methods.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, current_app, request

import dprk_kg
from dprk_kg import paths
from dprk_kg.config import Config
from dprk_kg.errors import DprkKgError
from dprk_kg.store.location import LocalLocation, parse_location

EXTENSION_KEY = "dprk_kg.caching"
NOT_CACHEABLE = "no-store"
# Calls whose value changes from one run of a query to the next (the engine reads no escapes in names).
UNSTABLE = re.compile(r"(?i)\b(?:rand|now|uuid|struuid|bnode)\b")
# The server's own code and data that shape what it answers (templates, example queries, ontology).
CODE_SUFFIXES = frozenset({".py", ".html", ".rq", ".ttl", ".yaml", ".lark"})
SKIPPED_FOLDERS = frozenset({"__pycache__", "static", "node_modules", "seeds", "tests", ".venv"})


@dataclass(frozen=True)
class StoreState:
    """The embedded store's current version and when it became current (UTC)."""

    version: str
    since: dt.datetime


@dataclass(frozen=True)
class Validators:
    etag: str  # unquoted
    weak: bool
    last_modified: dt.datetime | None  # whole seconds, UTC; None when it must not be sent

    @property
    def header(self) -> str:
        return f'W/"{self.etag}"' if self.weak else f'"{self.etag}"'


@dataclass(frozen=True)
class Policy:
    fingerprint: str  # the code and configuration
    store: Path | None  # the embedded store's link; None for a remote store
    max_age: int


def install(app: Flask) -> None:
    """Fingerprint the code and configuration once (in gunicorn's master, so every worker shares it)
    and answer every response's caching headers; registered last, so it runs before the access log."""
    settings: Config = app.config["DPRK_KG"]
    location = parse_location(settings.store, writable=False)
    app.extensions[EXTENSION_KEY] = Policy(
        fingerprint=_fingerprint(settings),
        store=location.path if isinstance(location, LocalLocation) else None,
        max_age=settings.freshness,
    )
    app.after_request(_finish)


def _policy() -> Policy:
    policy: Policy = current_app.extensions[EXTENSION_KEY]
    return policy


def fingerprint() -> str:
    """The digest of the code and configuration (see ``_fingerprint``), for other caches' keys."""
    return _policy().fingerprint


def store_state() -> StoreState | None:
    """The embedded store's version, read from its link without opening the store: the link is read
    between two ``lstat`` of it, so a swap in between is seen and read again. None for a remote store,
    or when the link cannot be read (the request then carries no version validators)."""
    path = _policy().store
    if path is None:
        return None
    for _ in range(3):
        try:
            before = os.lstat(path)
            target = os.readlink(path) if stat.S_ISLNK(before.st_mode) else None
            after = os.lstat(path)
        except OSError:
            return None
        if (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns):
            version = Path(target).name if target is not None else path.name
            return StoreState(version, dt.datetime.fromtimestamp(before.st_mtime, dt.UTC))
    return None


def stable(text: str) -> bool:
    """Whether a query's answer is a function of the data alone (see the module's note)."""
    return UNSTABLE.search(text) is None


def version_validators(*request_key: object) -> Validators | None:
    """Validators for what this request answers, from the store's version and ``request_key`` (what
    besides the URL's path and host decides the answer); None for a remote store."""
    state = store_state()
    if state is None:
        return None
    policy = _policy()
    key = json.dumps([policy.fingerprint, state.version, request.host_url, request.path, *request_key], default=str)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    since = state.since.replace(microsecond=0)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return Validators(digest, weak=True, last_modified=since if since < now else None)


def precondition(validators: Validators, *, before_running: bool = False, vary: str | None = None) -> Response | None:
    """The answer a conditional GET or HEAD gets instead of the representation (412 or 304), or None.
    ``before_running``: the representation is not made yet, so ``If-None-Match: *`` (any current
    representation) cannot be decided — it is left to the answer — and only the tag itself counts."""
    if request.method not in ("GET", "HEAD"):
        return None
    if "If-Match" in request.headers:
        wanted = request.if_match
        if not (wanted.star_tag or (not validators.weak and wanted.contains(validators.etag))):
            return _failed(validators)
    elif (limit := request.if_unmodified_since) is not None and (
        validators.last_modified is None or validators.last_modified > limit
    ):
        return _failed(validators)
    if "If-None-Match" in request.headers:
        tags = request.if_none_match
        matches = not before_running if tags.star_tag else tags.contains_weak(validators.etag)
        return not_modified(validators, vary) if matches else None
    since = request.if_modified_since  # None when it is no HTTP date; a date to come is no date either
    if since is None or since > dt.datetime.now(dt.UTC) or validators.last_modified is None:
        return None
    return not_modified(validators, vary) if validators.last_modified <= since else None


def not_modified(validators: Validators, vary: str | None = None) -> Response:
    response = Response(status=304)
    _stamp(response, validators)
    response.headers["Cache-Control"] = cache_control()
    if vary:
        response.headers["Vary"] = vary
    return response


def stamp(response: Response, validators: Validators | None) -> Response:
    """Give a successful answer its validators and freshness (the hook leaves it alone after this)."""
    if validators is not None:
        _stamp(response, validators)
    response.headers.setdefault("Cache-Control", cache_control())
    return response


def uncacheable(response: Response) -> Response:
    response.headers["Cache-Control"] = NOT_CACHEABLE
    return response


def cache_control() -> str:
    max_age = _policy().max_age
    return f"public, max-age={max_age}" if max_age > 0 else "no-cache"


def _failed(validators: Validators) -> Response:
    response = Response("a precondition of the request (If-Match, If-Unmodified-Since) failed\n", status=412)
    response.mimetype = "text/plain"
    _stamp(response, validators)
    response.headers["Cache-Control"] = NOT_CACHEABLE
    return response


def _stamp(response: Response, validators: Validators) -> None:
    response.headers["ETag"] = validators.header
    if validators.last_modified is not None:
        response.last_modified = validators.last_modified


def _finish(response: Response) -> Response:
    """Every response: ``Allow`` on an OPTIONS, ``Cache-Control``, and validators on a successful GET
    or HEAD that has none yet — answered with 304 or 412 when its request's conditions say so."""
    if request.method == "OPTIONS":
        if request.url_rule is not None and response.status_code == 204:
            response.headers["Allow"] = ", ".join(sorted(request.url_rule.methods or ()))
        return response
    reads = request.method in ("GET", "HEAD")
    if not reads or response.status_code >= 400 or request.endpoint == "healthz":
        return uncacheable(response)
    if "Cache-Control" in response.headers:
        return response  # decided where the response was made (no-store, or a static file's own)
    response.headers["Cache-Control"] = cache_control()
    if response.status_code != 200 or "ETag" in response.headers or response.is_streamed:
        return response  # a redirect, a file with its own tag, or a body not in memory (no digest of it)
    validators = version_validators(request.query_string.decode("latin-1"), response.content_type) or _body_tag(
        response
    )
    if validators is None:
        return response
    _stamp(response, validators)
    return precondition(validators, vary=response.headers.get("Vary")) or response


def _body_tag(response: Response) -> Validators | None:
    """A strong tag from the bytes of the answer (a remote store's); None for a HEAD made without its
    body (the graph store's), whose bytes are not the representation's."""
    body = response.get_data()
    declared = response.headers.get("Content-Length")
    if declared is not None and declared != str(len(body)):
        return None
    return Validators(hashlib.sha256(body).hexdigest()[:32], weak=False, last_modified=None)


def _fingerprint(settings: Config) -> str:
    """A digest of what, besides the data and the request, shapes the answers: this package's code,
    templates, example queries and ontology, its version, and the settings that change what is
    written (the base of the IRIs, whether writes are described)."""
    digest = hashlib.sha256(f"{dprk_kg.__version__}\n{settings.base}\n{settings.writes_enabled}\n".encode())
    package = Path(dprk_kg.__file__).parent
    server = Path(__file__).parent
    roots = {package, server}
    for data in (paths.queries_dir, paths.ontology_dir):
        with contextlib.suppress(DprkKgError):  # a missing folder is reported where it is used
            roots.add(data())
    for root in sorted(roots):
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_FOLDERS and not d.startswith("."))
            for name in sorted(files):
                file = Path(folder) / name
                if file.suffix in CODE_SUFFIXES:
                    digest.update(f"{file.relative_to(root)}\n".encode())
                    digest.update(file.read_bytes())
    return digest.hexdigest()
