"""The SPARQL 1.1 Graph Store HTTP Protocol on /data.

Graphs are named indirectly (``/data?graph=IRI``, ``/data?default``) or directly (the request URL
under ``/data/`` is the graph's IRI). GET and HEAD are for everyone; PUT, POST and DELETE need the
operator's bearer token and each is one transaction. The default graph is the merge of the named
graphs: it can be read here, not written.
"""

from __future__ import annotations

import time
import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, g, request

from dprk_kg.errors import QueryError, StoreError
from dprk_kg.server import negotiation, parameters
from dprk_kg.server.errors import HttpError
from dprk_kg.server.executor import QueryJob
from dprk_kg.server.protocol import authorise_write, execute
from dprk_kg.server.runtime import writable_store
from dprk_kg.store import ResultFormat
from dprk_kg.store.formats import serialise

blueprint = Blueprint("graph_store", __name__)

INPUT_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/n3": ox.RdfFormat.N3,
}
DEFAULT_IS_DERIVED = (
    "the default graph is the merge of all named graphs: it can be read, not written; "
    "write a named graph with ?graph=IRI"
)


@blueprint.route("/data", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
@blueprint.route("/data/<path:_>", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store(_: str | None = None) -> Response:
    graph = _target()
    if request.method in ("GET", "HEAD"):
        return _read(graph)
    authorise_write()
    if graph is None:
        if request.method != "POST" or request.path != "/data":
            raise HttpError(405, DEFAULT_IS_DERIVED, {"Allow": "GET, HEAD"})
        return _create()
    if request.method == "DELETE":
        if not _exists(graph):
            raise HttpError(404, f"no graph <{graph}>")
        _write(f"DROP GRAPH <{graph}>")
        return Response(status=204)
    existed = _exists(graph)
    triples = _parse_body(graph)
    insert = f"INSERT DATA {{ GRAPH <{graph}> {{\n{triples}}} }}" if triples else ""
    if request.method == "PUT":
        _write(" ;\n".join(x for x in (f"DROP SILENT GRAPH <{graph}>", insert) if x))
    elif insert:
        _write(insert)
    return Response(status=204 if existed else 201)


def _target() -> str | None:
    """The graph IRI the request is about; None for the default graph."""
    params = parameters.decode(request.query_string, "query string")
    if request.path != "/data":
        if params:
            raise HttpError(400, "a directly identified graph (/data/…) takes no ?graph or ?default")
        return parameters.checked_iri(request.base_url, "the graph's URL")
    has_default = "default" in params
    graphs = parameters.iris(params, "graph")
    if (has_default and graphs) or len(graphs) > 1:
        raise HttpError(400, "give either ?default or one ?graph=IRI")
    if graphs:
        return graphs[0]
    if has_default:
        return None
    if request.method == "POST":
        return None  # POST to the graph store itself creates a new graph
    raise HttpError(400, "name the graph: ?graph=IRI or ?default")


def _read(graph: str | None) -> Response:
    try:
        chosen = negotiation.choose("graph", request.headers.get("Accept"), request.args.get("format"))
    except (negotiation.NotAcceptable, negotiation.UnknownFormat) as error:
        raise HttpError(406, str(error)) from error
    if graph is not None and not _exists(graph):
        raise HttpError(404, f"no graph <{graph}>")
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    answer = execute(QueryJob(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", chosen))
    g.query_ms = round(answer.engine_ms, 2)
    response = Response(b"" if request.method == "HEAD" else answer.body, mimetype=chosen.media_type)
    response.vary.add("Accept")
    if request.method == "HEAD":
        response.headers["Content-Length"] = str(len(answer.body))
    return response


def _exists(graph: str) -> bool:
    answer = execute(QueryJob(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", ResultFormat.SPARQL_JSON))
    return b"true" in answer.body


def _parse_body(graph: str) -> str:
    """The body's triples as N-Triples; a multipart/form-data body is several RDF documents whose
    triples are all merged into the graph (Graph Store Protocol §5.5)."""
    if request.mimetype == "multipart/form-data":
        parts = [(part.mimetype, part.read()) for _, part in request.files.items(multi=True)]
        if not parts:
            raise HttpError(400, "the multipart/form-data body has no file parts")
    else:
        parts = [(request.mimetype, request.get_data())]
    triples: list[ox.Triple] = []
    for mimetype, data in parts:
        fmt = INPUT_FORMATS.get(mimetype)
        if fmt is None:
            raise HttpError(
                415, f"unsupported Content-Type {mimetype or '(none)'}; use one of: {', '.join(INPUT_FORMATS)}"
            )
        try:
            triples += [q.triple for q in ox.parse(data, format=fmt, base_iri=graph, rename_blank_nodes=True)]
        except SyntaxError as error:
            raise HttpError(400, f"the {mimetype} body does not parse: {error}") from error
        except ValueError as error:
            raise HttpError(400, f"the body cannot be read: {error}") from error
    return serialise(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _create() -> Response:
    graph = f"{request.url_root.rstrip('/')}/data/{uuid.uuid4()}"
    triples = _parse_body(graph)
    if triples:
        _write(f"INSERT DATA {{ GRAPH <{graph}> {{\n{triples}}} }}")
    response = Response(status=201)
    response.headers["Location"] = graph
    return response


def _write(update: str) -> None:
    started = time.perf_counter()
    try:
        writable_store().update(update)
    except QueryError as error:
        raise HttpError(400, str(error)) from error
    except StoreError as error:
        raise HttpError(503, f"the write was not applied: {error}") from error
    g.query_ms = round((time.perf_counter() - started) * 1000, 2)
