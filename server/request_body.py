"""Request bodies are whole or refused: read completely, within the limit, before any route sees them.

Werkzeug bounds a chunked body (no Content-Length) by silently cutting it at ``MAX_CONTENT_LENGTH``,
so a PUT of 2,048 triples could store the first 1,024 and answer 201. Here the body is read from the
WSGI input once, up to one byte past the limit: over the limit is 413 before anything executes, a body
shorter than its Content-Length (the client went away) is 400, and the routes read the whole copy.
"""

from __future__ import annotations

import io
from collections.abc import MutableMapping
from typing import Any

from dprk_kg.server.errors import HttpError

METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def take_whole_body(environ: MutableMapping[str, Any], limit: int) -> None:
    """Replace the WSGI input by the complete body, or raise ``HttpError`` (413 or 400)."""
    if environ.get("REQUEST_METHOD") not in METHODS_WITH_BODY:
        return
    declared = environ.get("CONTENT_LENGTH") or None
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if declared is None and not chunked:
        return  # no body
    too_large = HttpError(413, f"the request body is larger than the limit of {limit} bytes")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError as error:
            raise HttpError(400, f"Content-Length is not a number: {declared!r}") from error
        if length > limit:
            raise too_large
        wanted = length
    else:
        wanted = limit + 1
    try:
        body = _read(environ["wsgi.input"], wanted)
    except (OSError, ValueError) as error:  # the client closed the connection or sent a malformed chunk
        raise HttpError(400, f"the request body could not be read completely: {error}") from error
    if len(body) > limit:
        raise too_large
    if declared is not None and len(body) != wanted:
        raise HttpError(400, f"the request body ended after {len(body)} of {wanted} bytes")
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ["wsgi.input_terminated"] = False


def _read(stream: Any, wanted: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < wanted:
        chunk = stream.read(min(1 << 16, wanted - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
