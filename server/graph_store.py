"""The SPARQL 1.1 Graph Store HTTP Protocol on /data.

Graphs are named indirectly (``/data?graph=IRI``, ``/data?default``) or directly (the request URL
under ``/data/`` is the graph's IRI). GET and HEAD are for everyone; PUT, POST and DELETE need the
operator's bearer token and each is one transaction. The default graph is the merge of the named
graphs: it can be read here, not written.

No SPARQL text is made from a request here: the graph's IRI is checked by pyoxigraph and given to
constant queries as their dataset (the protocol's ``default-graph-uri``), and a body is parsed by
pyoxigraph and written through the store's graph methods, whose cost grows with the number of triples
only (no update text to parse).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pyoxigraph as ox
from flask import Blueprint, Response, g, request

from dprk_kg.errors import QueryError, StoreError
from dprk_kg.server import negotiation, parameters
from dprk_kg.server.errors import HttpError
from dprk_kg.server.executor import QueryJob
from dprk_kg.server.protocol import authorise_write, execute, store_failure
from dprk_kg.server.runtime import writable_store
from dprk_kg.store import ResultFormat, Store
from dprk_kg.store.base import Dataset
from dprk_kg.store.common import HAS_TRIPLES

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
    "the default graph is the merge of the factual named graphs: it can be read, not written; "
    "write a named graph with ?graph=IRI"
)
# The triples of the default graph, or of a named graph given as the query's dataset.
TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


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
        if not _write(lambda store: store.drop_graph(graph)):
            raise HttpError(404, f"no graph {graph}")
        return Response(status=204)
    triples = _parse_body(graph)
    if request.method == "PUT":
        existed = _write(lambda store: store.replace_graph(graph, triples))
    else:
        existed = _write(lambda store: store.add_to_graph(graph, triples))
    return Response(status=204 if existed else 201)


def _target() -> ox.NamedNode | None:
    """The graph the request is about, as a checked IRI (400 if it is none); None for the default graph."""
    params = parameters.decode(request.query_string, "query string")
    if request.path != "/data":
        if params:
            raise HttpError(400, "a directly identified graph (/data/…) takes no ?graph or ?default")
        return parameters.named_node(request.base_url, "the graph's URL")
    has_default = "default" in params
    graphs = [parameters.named_node(value, "graph") for value in params.getlist("graph")]
    if (has_default and graphs) or len(graphs) > 1:
        raise HttpError(400, "give either ?default or one ?graph=IRI")
    if graphs:
        return graphs[0]
    if has_default:
        return None
    if request.method == "POST":
        return None  # POST to the graph store itself creates a new graph
    raise HttpError(400, "name the graph: ?graph=IRI or ?default")


def _read(graph: ox.NamedNode | None) -> Response:
    try:
        chosen = negotiation.choose("graph", request.headers.get("Accept"), request.args.get("format"))
    except (negotiation.NotAcceptable, negotiation.UnknownFormat) as error:
        raise HttpError(406, str(error)) from error
    dataset = None if graph is None else Dataset((graph.value,))  # the IRI as a protocol parameter, not text
    if graph is not None and not _true(execute(QueryJob(HAS_TRIPLES, ResultFormat.SPARQL_JSON, dataset)).body):
        raise HttpError(404, f"no graph {graph}")
    answer = execute(QueryJob(TRIPLES, chosen, dataset))
    g.query_ms = round(answer.engine_ms, 2)
    response = Response(b"" if request.method == "HEAD" else answer.body, mimetype=chosen.media_type)
    response.vary.add("Accept")
    if request.method == "HEAD":
        response.headers["Content-Length"] = str(len(answer.body))
    return response


def _true(body: bytes) -> bool:
    """An ASK's answer, read from its SPARQL JSON results by pyoxigraph."""
    answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    return isinstance(answer, ox.QueryBoolean) and bool(answer)


def _parse_body(graph: ox.NamedNode) -> list[ox.Triple]:
    """The body's triples, parsed by pyoxigraph (relative IRIs resolved against the graph's); a
    multipart/form-data body is several RDF documents whose triples are all merged into the graph
    (Graph Store Protocol §5.5)."""
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
            parsed = ox.parse(data, format=fmt, base_iri=graph.value, rename_blank_nodes=True)
            triples += [quad.triple for quad in parsed]
        except SyntaxError as error:
            raise HttpError(400, f"the {mimetype} body does not parse: {error}") from error
        except ValueError as error:
            raise HttpError(400, f"the body cannot be read: {error}") from error
    return triples


def _create() -> Response:
    graph = parameters.named_node(f"{request.url_root.rstrip('/')}/data/{uuid.uuid4()}", "the new graph's IRI")
    triples = _parse_body(graph)
    _write(lambda store: store.add_to_graph(graph, triples))
    response = Response(status=201)
    response.headers["Location"] = graph.value
    return response


def _write(operation: Callable[[Store], bool]) -> bool:
    """Run one of the store's graph writes; what it answered (whether the graph held triples before)."""
    started = time.perf_counter()
    try:
        answer = operation(writable_store())
    except QueryError as error:
        raise HttpError(400, str(error)) from error
    except StoreError as error:
        raise store_failure(error, "the write was not applied") from error
    g.query_ms = round((time.perf_counter() - started) * 1000, 2)
    return answer
