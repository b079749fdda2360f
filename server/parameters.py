"""Protocol parameters read strictly: percent-escapes must decode to UTF-8, and IRIs given as
parameters (``default-graph-uri``, ``using-graph-uri`` …) must be IRIs, so a bad request is a 400
naming the parameter — never a 500, and never text that reaches the engine changed (Werkzeug keeps an
undecodable ``%FF`` as the literal characters)."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pyoxigraph as ox
from werkzeug.datastructures import MultiDict

from dprk_kg.server.errors import HttpError


def decode(raw: bytes, where: str) -> MultiDict[str, str]:
    """``application/x-www-form-urlencoded`` bytes (a query string or a form body), strictly."""
    try:
        text = raw.decode("ascii")
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise HttpError(400, f"the {where} is not valid UTF-8 once percent-decoded: {error.reason}") from error
    return MultiDict(pairs)


def iris(params: MultiDict[str, str], name: str) -> list[str]:
    """The values of an IRI parameter, each checked by the engine's own IRI parser."""
    return [checked_iri(value, name) for value in params.getlist(name)]


def checked_iri(value: str, what: str, status: int = 400) -> str:
    """``value`` if pyoxigraph takes it as an IRI — which no text that could close ``<…>`` in a query
    passes (``>``, spaces, quotes, braces) — else ``HttpError(status)``."""
    return named_node(value, what, status).value


def named_node(value: str, what: str, status: int = 400) -> ox.NamedNode:
    """``value`` as the IRI term a query is bound to or a graph written with (see ``Store.query``),
    checked by pyoxigraph's IRI parser; ``HttpError(status)`` if it is not an absolute IRI."""
    try:
        return ox.NamedNode(value)
    except ValueError as error:
        raise HttpError(status, f"{what}={value!r} is not an absolute IRI: {error}") from error
