"""The dumps of the dataset over HTTP: ``/dumps/`` (an index, as HTML or JSON) and ``/dumps/<file>``.

The files are those a build wrote beside the embedded store for its current version
(``dprk_kg/dumps.py``), served by Werkzeug's file sending: ``Content-Length``, ``Last-Modified``, a
strong ``ETag`` that is the file's SHA-256 (the same value the dataset description gives as its
``spdx:checksumValue``), ``Accept-Ranges: bytes`` with ``206`` and ``Content-Range`` for a range, ``416``
for one past the end, ``304`` for ``If-None-Match`` or ``If-Modified-Since``, and HEAD. Gzip files are
sent as ``application/gzip``, not with a ``Content-Encoding``, so a client keeps the bytes the checksum
is of.

A server in front of a remote store has no dumps (its index says so): ``dprk-kg export`` dumps it.
"""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Response, redirect, render_template, request, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wrappers import Response as WerkzeugResponse

from dprk_kg.dumps import Manifest, current_manifest
from dprk_kg.loaders.rdf.dataset_description import DATA_LICENCE
from dprk_kg.server import negotiation
from dprk_kg.server.caching import cache_control, precondition, stamp, version_validators
from dprk_kg.server.errors import HttpError
from dprk_kg.server.runtime import config
from dprk_kg.store.location import LocalLocation, parse_location

blueprint = Blueprint("dumps", __name__)
NO_DUMPS_REMOTE = (
    "this server reads a remote store: dumps are written only beside an embedded store (use dprk-kg export)"
)
NO_DUMPS_VERSION = (
    "the store's current version has no dumps: it was written after the last build (a write through "
    "this server), or the build is still writing them; the next build writes them"
)


def manifest() -> Manifest | None:
    """The dumps of the embedded store's current version; None for a remote store or a version without."""
    location = parse_location(config().store, writable=False)
    return current_manifest(location.path) if isinstance(location, LocalLocation) else None


def signature(dumps: Manifest | None) -> str:
    """What of the dumps an answer shows, for its validators: the dumps are written after the store's
    version is swapped in, so the version alone does not say whether they were there."""
    if dumps is None:
        return ""
    return json.dumps([dumps.version, *((f.dump.name, f.sha256) for f in dumps.files)])


def why_none() -> str:
    location = parse_location(config().store, writable=False)
    return NO_DUMPS_VERSION if isinstance(location, LocalLocation) else NO_DUMPS_REMOTE


@blueprint.route("/dumps")
def to_index() -> WerkzeugResponse:
    return redirect("/dumps/", code=301)


@blueprint.route("/dumps/")
def index() -> Response:
    """The dumps of the current version: an HTML table for a browser, else JSON (name, address,
    media type, size, SHA-256)."""
    found = manifest()
    asked = request.args.get("format", "").lower()
    if asked not in ("", "json", "html"):
        raise HttpError(400, f"unknown format {asked!r} for the index of the dumps; use json or html")
    html = asked == "html" or (not asked and negotiation.prefers_html(request.headers.get("Accept")))
    media_type = "text/html" if html else "application/json"
    validators = version_validators(request.query_string.decode("latin-1"), media_type, signature(found))
    if validators is not None and (answer := precondition(validators, before_running=True, vary="Accept")):
        return answer
    files = [
        {
            "name": f.dump.name,
            "url": f"{request.host_url}dumps/{f.dump.name}",
            "media_type": f.dump.format.media_type,
            "content_type": f.dump.content_type,
            "gzipped": f.dump.gzipped,
            "bytes": f.size,
            "sha256": f.sha256,
        }
        for f in (found.files if found else ())
    ]
    listing = {
        "store_version": found.version if found else None,
        "description": f"{request.host_url}.well-known/void",
        "licence": DATA_LICENCE,
        "files": files,
        **({} if found else {"note": why_none()}),
    }
    if html:
        response = Response(render_template("dumps.html", listing=listing), mimetype=media_type)
    else:
        response = Response(json.dumps(listing, indent=2) + "\n", mimetype=media_type)
    response.vary.add("Accept")
    return stamp(response, validators)


@blueprint.route("/dumps/<name>")
def dump(name: str) -> Response:
    found = manifest()
    entry = found.file(name) if found else None
    if found is None or entry is None:
        raise HttpError(404, f"no dump named {name!r}" + ("" if found else f": {why_none()}"))
    path = found.path(entry)
    try:
        response = send_file(
            path,
            mimetype=entry.dump.content_type,
            as_attachment=True,
            download_name=entry.dump.name,
            conditional=True,
            etag=entry.sha256,
            last_modified=dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC),
        )
    except RequestedRangeNotSatisfiable as error:
        raise HttpError(
            416,
            f"the range {request.headers.get('Range')!r} is not within the {entry.size} bytes of {name}",
            {"Content-Range": f"bytes */{entry.size}"},
        ) from error
    except FileNotFoundError as error:  # the version was replaced and its dumps deleted meanwhile
        raise HttpError(404, f"no dump named {name!r}: {NO_DUMPS_VERSION}") from error
    response.headers["Cache-Control"] = cache_control()
    return response
