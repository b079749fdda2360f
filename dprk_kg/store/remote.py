"""A store reached over the W3C protocols only (SPARQL 1.1 Query and Update), so the same build and
server run in front of Oxigraph server, Apache Jena Fuseki, Virtuoso, GraphDB or QLever.

Where the endpoints are comes from the location (location.py) and the server (endpoints.py); the HTTP
exchange is http.py's. This module keeps the store's meaning over them:

- As in the embedded store, every triple lives in a named graph and the store's default graph holds
  their merge; writes keep it so, in the same update request (a store that answers the default graph
  as the union of its graphs, such as Virtuoso, needs no copy there).
- This deployment's graphs are those under its base IRI: a rebuild drops and reloads only those, and
  ``graph_names``, ``quad_count`` and ``dump`` report only those, so a shared store keeps the rest.
- A full rebuild loads in batches of whole graphs, each one request, retried on transient failures
  and idempotent (INSERT DATA of a set).
- An answer's kind comes from the query's form; the server is asked for a format it writes correctly,
  and the answer is rewritten (through pyoxigraph) where it is not the one the caller asked for.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby, islice
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from dprk_kg.errors import ConfigError, QueryError, StoreError
from dprk_kg.sparql.reading import is_update, read_query
from dprk_kg.store.base import Dataset, Prepare, Progress, QueryOutput, reporting
from dprk_kg.store.common import BoundedBuffer, StoreBase, not_a_select, ntriples
from dprk_kg.store.endpoints import FLAVOURS, Endpoints, Flavour, discover, fixed_endpoints
from dprk_kg.store.formats import ResultFormat, ResultKind, check_fits, transcode
from dprk_kg.store.http import HttpConnector, body_stream, credentials, read_bounded
from dprk_kg.store.location import RemoteLocation, parse_location
from dprk_kg.store.merge import SCRATCH_GRAPH, analyse_update, repaired_update
from dprk_kg.vocabulary import DEFAULT_BASE

DROPS_PER_REQUEST = 200
# A Turtle document is a TriG document, and N-Triples are N-Quads, of the default graph alone: a
# CONSTRUCT's triples asked for in the former are already written in the latter.
SAME_DOCUMENT = {(ResultFormat.TURTLE, ResultFormat.TRIG), (ResultFormat.N_TRIPLES, ResultFormat.N_QUADS)}


def wire_format(kind: ResultKind, wanted: ResultFormat, flavour: Flavour) -> ResultFormat:
    """The format to ask the server for, so that the caller gets ``wanted``: ``wanted`` itself when
    the server writes it well; else a format the answer is then rewritten from. A SPARQL endpoint
    need not write a CONSTRUCT as a dataset format, and CSV and TSV define no boolean, so those are
    written here, exactly as the embedded store writes them."""
    if kind is ResultKind.GRAPH:
        if wanted is ResultFormat.TRIG:
            return ResultFormat.TURTLE
        if wanted is ResultFormat.N_QUADS:
            return ResultFormat.N_TRIPLES
        return ResultFormat.N_TRIPLES if wanted in flavour.miswritten else wanted
    if kind is ResultKind.BOOLEAN and wanted in (ResultFormat.CSV, ResultFormat.TSV):
        return ResultFormat.SPARQL_JSON
    return ResultFormat.SPARQL_JSON if wanted in flavour.miswritten else wanted


def graph_batches(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """The quads in requests of at most ``size``, graph by graph: a graph that fits in one request is
    never cut, so a document's graphs arrive whole; only longer ones (the inferred graph, the default
    graph's merge) are sent in pieces. The stream is read ``size`` quads at a time, never a whole graph."""
    batch: list[ox.Quad] = []
    for _, graph in groupby(quads, key=attrgetter("graph_name")):
        while part := list(islice(graph, size)):
            if len(batch) + len(part) > size:
                yield batch
                batch = []
            batch.extend(part)
    if batch:
        yield batch


class RemoteStore(StoreBase):
    """The store interface over HTTP; every method raises ``StoreError`` when the server cannot be
    reached or fails, ``QueryError`` when it rejects a query or update."""

    def __init__(
        self,
        location: str | RemoteLocation,
        *,
        read_only: bool = False,
        timeout: float = 300.0,
        base: str = DEFAULT_BASE,
    ) -> None:
        address = parse_location(location) if isinstance(location, str) else location
        if not isinstance(address, RemoteLocation):
            raise ConfigError(f"{location!r} is a folder, not a SPARQL store's URL")
        self.address = address
        self.location = address.public  # without the password: it is printed and served
        self.read_only = read_only
        self.base = base  # this deployment's graphs are under it; a rebuild touches no others
        digest = FLAVOURS[address.flavour].digest_auth
        self.http = HttpConnector(credentials(address.username, address.password, digest=digest), timeout=timeout)
        self._endpoints = fixed_endpoints(address)
        self._writes = 0

    @property
    def endpoints(self) -> Endpoints:
        """The store's endpoints; a generic store's are asked of the server once, at first use."""
        if self._endpoints is None:
            self._endpoints = discover(self.address, self.http)
        return self._endpoints

    # --- reading ---------------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        result_format: ResultFormat,
        *,
        dataset: Dataset | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
        max_bytes: int | None = None,
    ) -> QueryOutput:
        kind = _kind(sparql, prefixes)
        check_fits(kind, result_format)  # QueryError when the format cannot carry this kind of answer
        wire = wire_format(kind, result_format, self.endpoints.flavour)
        data = [("query", _with_prologue(sparql, prefixes, base_iri))]
        if dataset is not None:
            data += [("default-graph-uri", g) for g in dataset.default_graphs]
            data += [("named-graph-uri", g) for g in dataset.named_graphs]
        response = self.http.post(self.endpoints.query, data, accept=wire.media_type, stream=True)
        body = read_bounded(response, max_bytes)
        if wire is not result_format and (wire, result_format) not in SAME_DOCUMENT:
            rewritten = BoundedBuffer(max_bytes)
            transcode(body, kind, wire, result_format, rewritten)
            body = rewritten.getvalue()
        return QueryOutput(kind, result_format, body)

    def _solutions(self, sparql: str, prefixes: dict[str, str] | None) -> ox.QuerySolutions:
        output = self.query(sparql, ResultFormat.SPARQL_JSON, prefixes=prefixes)
        if output.kind is not ResultKind.SOLUTIONS:
            raise not_a_select()
        try:
            solutions = ox.parse_query_results(output.body, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise StoreError(f"{self.location} sent results that do not parse: {error}") from error
        if not isinstance(solutions, ox.QuerySolutions):
            raise StoreError(f"{self.location} answered a SELECT with a boolean")
        return solutions

    def _write_dataset(self, target: ox.RdfFormat, out: BinaryIO) -> None:
        ox.serialize(self._quads(), out, format=target)

    def _quads(self) -> Iterator[ox.Quad]:
        """This deployment's named graphs, then the default graph where the store holds the merge."""
        named = f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours('?g')} }}"
        yield from self._stream(named, lambda row: ox.Quad(row["s"], row["p"], row["o"], row["g"]))
        if self.endpoints.merges_into_default:
            merged = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
            yield from self._stream(merged, lambda row: ox.Quad(row["s"], row["p"], row["o"], ox.DefaultGraph()))

    def _stream(self, query: str, quad: Callable[[ox.QuerySolution], ox.Quad]) -> Iterator[ox.Quad]:
        """A SELECT's rows as quads, parsed while they arrive (a dump is never held whole)."""
        accept = ResultFormat.SPARQL_XML.media_type
        response = self.http.post(self.endpoints.query, [("query", query)], accept=accept, stream=True)
        try:
            solutions = ox.parse_query_results(body_stream(response), format=ox.QueryResultsFormat.XML)
            if not isinstance(solutions, ox.QuerySolutions):
                raise StoreError(f"{self.location} answered a SELECT with a boolean")
            for solution in solutions:
                yield quad(solution)
        except SyntaxError as error:
            raise StoreError(f"{self.location} sent results that do not parse: {error}") from error
        finally:
            response.close()

    def quad_count(self) -> int:
        named = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours('?g')} }}")
        count = int(named[0]["n"])
        if self.endpoints.merges_into_default:
            count += int(self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
        return count

    def graph_names(self) -> Iterator[str]:
        for row in self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours('?g')} }}"):
            yield row["g"]

    def exists(self) -> bool:
        """Whether the store holds data of this deployment (False when it cannot be reached)."""
        try:
            rows = self.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours('?g')} }} LIMIT 1")
        except StoreError:
            return False
        return bool(rows)

    def version_name(self) -> str:
        return f"{self.location}#{self._writes}"

    @property
    def work_dir(self) -> Path:
        return Path(tempfile.gettempdir())

    def close(self) -> None:
        """Nothing to release: the HTTP session is shared by the process and reused."""

    def _ours(self, variable: str) -> str:
        """A FILTER keeping the graphs under this deployment's base."""
        return f"FILTER (STRSTARTS(STR({variable}), {_string(self.base)}))"

    # --- writing ---------------------------------------------------------------------------------
    def create_empty(self) -> None:
        """Leave this deployment's graphs empty (the server itself is already there)."""
        self._check_writable()
        self._clear()

    def update(self, sparql: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None) -> None:
        """One request: the update and the repair of the default-graph merge (see merge.py)."""
        self._check_writable()
        effects = analyse_update(sparql, prefixes=prefixes)
        if self.endpoints.merges_into_default:
            sparql = repaired_update(sparql, effects, SCRATCH_GRAPH)
        elif effects.graphs is None:  # the reserved graph may have been written through a variable
            sparql = effects.then(sparql, f"DROP SILENT GRAPH <{SCRATCH_GRAPH}>")
        self._update(_with_prologue(sparql, prefixes, base_iri))

    def replace_dataset(self, nquads: Path, prepare: Prepare | None = None, progress: Progress | None = None) -> None:
        """Drop this deployment's graphs (those under its base; a shared store keeps the rest), then
        load the N-Quads in batches, each a request retried if it fails for a passing reason. Unlike
        the embedded store this is not one atomic swap: readers may see the store half loaded."""
        self._check_writable()
        self._clear()
        with nquads.open("rb") as handle:
            quads: Iterable[ox.Quad] = ox.parse(reporting(handle, progress), format=ox.RdfFormat.N_QUADS)
            if not self.endpoints.merges_into_default:  # the store answers the default graph as the union itself
                quads = (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))
            for batch in graph_batches(quads, self.endpoints.flavour.load_batch):
                self._insert(batch)
        if prepare is not None:
            prepare(_RemoteSession(self))

    def _clear(self) -> None:
        """Drop this deployment's graphs, and the merge where the store holds it."""
        ours = [*self.graph_names(), SCRATCH_GRAPH]
        for start in range(0, len(ours), DROPS_PER_REQUEST):
            drops = " ;\n".join(
                f"CLEAR SILENT GRAPH <{g}> ; DROP SILENT GRAPH <{g}>" for g in ours[start : start + DROPS_PER_REQUEST]
            )
            self._update(drops, retry=True)
        if self.endpoints.merges_into_default:
            self._update("CLEAR SILENT DEFAULT", retry=True)

    def _insert(self, quads: list[ox.Quad]) -> None:
        """INSERT DATA of a batch: a set, so sending it twice changes nothing (safe to retry)."""
        default = [q.triple for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
        graphs: dict[str, list[ox.Triple]] = {}
        for quad in quads:
            if isinstance(quad.graph_name, ox.NamedNode):
                graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
        parts = [ntriples(default)] + [f"GRAPH <{g}> {{\n{ntriples(t)}}}" for g, t in graphs.items()]
        self._update("INSERT DATA {\n" + "\n".join(parts) + "\n}", retry=True)

    def _update(self, sparql: str, *, retry: bool = False) -> None:
        endpoint = self.endpoints.update
        if endpoint is None:
            raise StoreError(
                f"{self.endpoints.query} says it takes no SPARQL updates; give the update endpoint: "
                f"{self.location}?update=URL"
            )
        self._writes += 1  # before sending: a failed request may still have changed the store
        self.http.post(endpoint, [("update", sparql)], accept="*/*", retry=retry).close()


class _RemoteSession:
    """The build's own updates on the freshly loaded store (they maintain the merge themselves)."""

    def __init__(self, store: RemoteStore) -> None:
        self._store = store

    def update(self, sparql: str) -> None:
        self._store._update(sparql)

    def select(self, sparql: str) -> list[dict[str, str]]:
        return self._store.select(sparql)


def _kind(sparql: str, prefixes: dict[str, str] | None) -> ResultKind:
    """The kind of answer a query gives, from its form (the endpoint's own reading of the text); an
    update is refused here, since some stores (Virtuoso) would run one sent to their query endpoint."""
    try:
        form = read_query(sparql, prefixes=prefixes).form
    except QueryError:
        if is_update(sparql, prefixes=prefixes):
            raise QueryError("this is an update, not a query") from None
        raise
    return ResultKind.of_form(form)


def _with_prologue(sparql: str, prefixes: dict[str, str] | None, base_iri: str | None) -> str:
    """The well-known prefixes (and base) written into the text: a remote store has no such table."""
    try:
        lines = [f"BASE {ox.NamedNode(base_iri)}"] if base_iri else []
        lines += [f"PREFIX {name}: {ox.NamedNode(namespace)}" for name, namespace in (prefixes or {}).items()]
    except ValueError as error:  # the base comes from the request's Host: never pasted unchecked
        raise QueryError(f"not an IRI: {error}") from error
    return "\n".join([*lines, sparql]) if lines else sparql


def _string(text: str) -> str:
    """A SPARQL string literal holding ``text``."""
    return str(ox.Literal(text))
