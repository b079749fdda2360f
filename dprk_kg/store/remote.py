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
- Terms reach the server inside text only as pyoxigraph writes them (``str`` of a checked NamedNode or
  Literal): a SELECT's bindings as a VALUES clause after it, a graph write's IRI and triples.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby, islice
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from dprk_kg.errors import ConfigError, QueryError, StoreError
from dprk_kg.sparql.reading import read_query
from dprk_kg.store.base import Bindings, Dataset, Prepare, Progress, QueryOutput, reporting
from dprk_kg.store.common import BINDINGS_ARE_FOR_SELECT, BoundedBuffer, StoreBase, checked_bindings, ntriples
from dprk_kg.store.endpoints import FLAVOURS, Endpoints, Flavour, discover, fixed_endpoints
from dprk_kg.store.formats import ResultFormat, ResultKind, check_fits, transcode
from dprk_kg.store.http import HttpConnector, body_stream, credentials, read_bounded
from dprk_kg.store.location import RemoteLocation, parse_location
from dprk_kg.store.merge import RESERVED, SCRATCH_GRAPH, analyse_update, repaired_update
from dprk_kg.vocabulary import DEFAULT_BASE, DKG, XSD

DROPS_PER_REQUEST = 200
NON_FACTUAL = f"SELECT ?graph WHERE {{ ?graph a {DKG.NonFactual} }}"  # ?graph bound: left out of the merge?
# Whether a deployment's last build finished: ``<base> STATE "incomplete"|"complete" ; SINCE time`` in a
# graph outside every base, so it is never one of a deployment's graphs (dropped by a rebuild, dumped,
# counted) and several deployments sharing a store each keep their own status in it.
STATUS_GRAPH = f"{RESERVED}build-status"  # reserved: no repair of the merge reads it (merge.py)
STATE = f"{STATUS_GRAPH}:state"
SINCE = f"{STATUS_GRAPH}:since"
INCOMPLETE, COMPLETE = "incomplete", "complete"
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
        bindings: Bindings | None = None,
    ) -> QueryOutput:
        kind = _kind(sparql, prefixes)
        bindings = checked_bindings(bindings)
        if bindings and kind is not ResultKind.SOLUTIONS:
            raise QueryError(BINDINGS_ARE_FOR_SELECT)
        check_fits(kind, result_format)  # QueryError when the format cannot carry this kind of answer
        wire = wire_format(kind, result_format, self.endpoints.flavour)
        data = [("query", _with_prologue(_with_values(sparql, bindings), prefixes, base_iri))]
        if dataset is not None:
            # the complete view: every graph of this deployment as the default graph's merge
            default_graphs = list(self.graph_names()) if dataset.union else dataset.default_graphs
            data += [("default-graph-uri", g) for g in default_graphs]
            data += [("named-graph-uri", g) for g in dataset.named_graphs]
        response = self.http.post(self.endpoints.query, data, accept=wire.media_type, stream=True)
        body = read_bounded(response, max_bytes)
        if wire is not result_format and (wire, result_format) not in SAME_DOCUMENT:
            rewritten = BoundedBuffer(max_bytes)
            transcode(body, kind, wire, result_format, rewritten)
            body = rewritten.getvalue()
        return QueryOutput(kind, result_format, body)

    def _answer(
        self, sparql: str, prefixes: dict[str, str] | None, bindings: Bindings, dataset: Dataset | None
    ) -> ox.QuerySolutions | ox.QueryBoolean | None:
        kind = _kind(sparql, prefixes)
        if kind is ResultKind.GRAPH:
            return None
        output = self.query(sparql, ResultFormat.SPARQL_JSON, prefixes=prefixes, bindings=bindings, dataset=dataset)
        try:
            answer = ox.parse_query_results(output.body, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise StoreError(f"{self.location} sent results that do not parse: {error}") from error
        if isinstance(answer, ox.QueryBoolean) is (kind is ResultKind.SOLUTIONS):
            raise StoreError(
                f"{self.location} answered {'a SELECT' if kind is ResultKind.SOLUTIONS else 'an ASK'} wrongly"
            )
        return answer

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
        """Whether the store holds data of this deployment, or a build status for it (False when it
        cannot be reached). A build killed after dropping the old graphs leaves a store that exists
        but is incomplete: ``dprk-kg serve`` must then report it (503), not build its own seeds into it."""
        status = f"GRAPH <{STATUS_GRAPH}> {{ {self._deployment()} ?p ?o }}"
        try:
            rows = self.select(
                f"SELECT * WHERE {{ {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours('?g')} }} UNION {{ {status} }} }} LIMIT 1"
            )
        except StoreError:
            return False
        return bool(rows)

    def is_complete(self) -> bool:
        """False while this deployment's build status says a build began and has not finished; one
        small query. A store with no status (filled before builds wrote one, or emptied) is complete."""
        states = self.select(
            f"SELECT ?state WHERE {{ GRAPH <{STATUS_GRAPH}> {{ {self._deployment()} <{STATE}> ?state }} }}"
        )
        return all(row.get("state") != INCOMPLETE for row in states)

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

    def _write_graph(self, graph: ox.NamedNode, triples: list[ox.Triple], *, replace: bool) -> bool:
        """One update request: a replaced graph first leaves the merge (its triples that no other graph
        states) and is emptied; then the triples are inserted, in the graph and in the merge where the
        store holds one — by a template, ``INSERT { … } WHERE {}``, since Virtuoso refuses blank nodes
        in INSERT DATA. Past the flavour's batch size (Virtuoso refuses long updates) the rest follow
        in further requests, each an INSERT DATA of a set, retried; as with a build, readers may see
        those arrive — so blank nodes, which a later request could not name again, must then fit in
        the first. Whether the graph existed is asked before the write."""
        existed = self._holds_triples(graph)
        merged = self.endpoints.merges_into_default
        copied = merged and not self.select(NON_FACTUAL, bindings={"graph": graph})  # into the merge
        size = self.endpoints.flavour.load_batch // (2 if copied else 1)
        if len(triples) > size and any(isinstance(term, ox.BlankNode) for triple in triples for term in triple):
            raise QueryError(
                f"{len(triples)} triples with blank nodes are more than {self.location} takes in one update "
                f"({size}); name the nodes with IRIs, or write them in smaller graphs"
            )
        removal = [_leave_merge(graph)] if replace and merged else []
        removal += [f"CLEAR SILENT GRAPH {graph} ;\nDROP SILENT GRAPH {graph}"] if replace else []
        batches = (
            [quad for triple in triples[start : start + size] for quad in _placed(triple, graph, copied)]
            for start in range(0, len(triples), size)
        )
        first = next(batches, [])
        self._update(" ;\n".join([*removal, *([f"INSERT {{\n{_block(first)}\n}} WHERE {{}}"] if first else [])]))
        for batch in batches:
            self._insert(batch)
        return existed

    def replace_dataset(self, nquads: Path, prepare: Prepare | None = None, progress: Progress | None = None) -> None:
        """Drop this deployment's graphs (those under its base; a shared store keeps the rest), then
        load the N-Quads in batches, each a request retried if it fails for a passing reason. Unlike
        the embedded store this is not one atomic swap, so the deployment's build status says
        "incomplete" from before the first graph is dropped until the last batch and ``prepare`` are
        done: a build that fails or is killed on the way leaves the store marked (``is_complete``), a
        server in front refuses to answer from it, and running the build again completes it."""
        self._check_writable()
        self._set_status(INCOMPLETE)
        self._drop_graphs()
        with nquads.open("rb") as handle:
            quads: Iterable[ox.Quad] = ox.parse(reporting(handle, progress), format=ox.RdfFormat.N_QUADS)
            if not self.endpoints.merges_into_default:  # the store answers the default graph as the union itself
                quads = (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))
            for batch in graph_batches(quads, self.endpoints.flavour.load_batch):
                self._insert(batch)
        if prepare is not None:
            prepare(_RemoteSession(self))
        self._set_status(COMPLETE)

    def _clear(self) -> None:
        """Drop this deployment's graphs and the merge, and its build status: a store emptied on
        purpose is whole, and, with nothing left, no longer ``exists()``."""
        self._drop_graphs()
        self._set_status(None)

    def _set_status(self, state: str | None) -> None:
        """Replace this deployment's build status by ``state`` and the time (None: remove it), in one
        request, which may be repeated: the same request leaves the same status."""
        me, graph = self._deployment(), f"GRAPH <{STATUS_GRAPH}>"
        sparql = f"DELETE {{ {graph} {{ {me} ?p ?o }} }} WHERE {{ {graph} {{ {me} ?p ?o }} }}"
        if state is not None:
            since = ox.Literal(dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime)
            sparql += f" ;\nINSERT DATA {{ {graph} {{ {me} <{STATE}> {_string(state)} ; <{SINCE}> {since} }} }}"
        self._update(sparql, retry=True)

    def _deployment(self) -> ox.NamedNode:
        """The subject of this deployment's build status: its base IRI."""
        return ox.NamedNode(self.base)

    def _drop_graphs(self) -> None:
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
        self._update(_insert_data(quads), retry=True)

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
        self.merges_into_default = store.endpoints.merges_into_default

    def update(self, sparql: str) -> None:
        self._store._update(sparql)

    def select(self, sparql: str) -> list[dict[str, str]]:
        return self._store.select(sparql)


def _kind(sparql: str, prefixes: dict[str, str] | None) -> ResultKind:
    """The kind of answer a query gives, from its form (the endpoint's own reading of the text); an
    update is refused here, since some stores (Virtuoso) would run one sent to their query endpoint."""
    return ResultKind.of_form(read_query(sparql, prefixes=prefixes).form)


def _insert_data(quads: Iterable[ox.Quad]) -> str:
    """An INSERT DATA of the quads."""
    return f"INSERT DATA {{\n{_block(quads)}\n}}"


def _block(quads: Iterable[ox.Quad]) -> str:
    """Quads as the inside of INSERT DATA or of a template, graph by graph, written by pyoxigraph."""
    default: list[ox.Triple] = []
    graphs: dict[ox.NamedNode, list[ox.Triple]] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name, []).append(quad.triple)
        elif isinstance(quad.graph_name, ox.DefaultGraph):
            default.append(quad.triple)
    return "\n".join([ntriples(default)] + [f"GRAPH {g} {{\n{ntriples(t)}}}" for g, t in graphs.items()])


def _leave_merge(graph: ox.NamedNode) -> str:
    """The update taking out of the merge what no factual graph but ``graph`` states, before that
    graph is emptied (what merge.py's repair does for an update, for one known graph)."""
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?other "
        f"{{ ?s ?p ?o }} FILTER (?other != {graph}) FILTER NOT EXISTS {{ ?other a {DKG.NonFactual} }} }} }}"
    )


def _placed(triple: ox.Triple, graph: ox.NamedNode, into_merge: bool) -> list[ox.Quad]:
    """The quads a triple written to ``graph`` becomes: in the graph, and in the merge if it goes there."""
    in_graph = ox.Quad(triple.subject, triple.predicate, triple.object, graph)
    return [in_graph, ox.Quad(triple.subject, triple.predicate, triple.object)] if into_merge else [in_graph]


def _with_values(sparql: str, bindings: Bindings) -> str:
    """The query followed by a VALUES clause of the bound terms (SPARQL 1.1 §10.2.2: inline data joined
    with the query's whole pattern): the terms are written by pyoxigraph (N-Triples syntax, escaped),
    from NamedNode and Literal objects that were checked when made, so a value from a request reaches
    the store as one term and never as query text. The newline ends a comment the query may end with."""
    if not bindings:
        return sparql
    variables = " ".join(str(ox.Variable(name)) for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f"{sparql}\nVALUES ({variables}) {{ ({terms}) }}"


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
