"""A store reached over the W3C protocols only (SPARQL 1.1 Query and Update), so the same build and
server run in front of Oxigraph server, Apache Jena Fuseki, Virtuoso, GraphDB or QLever.

The location names the flavour and the server, which fixes the endpoint paths:

    oxigraph+http://127.0.0.1:7878        /query, /update
    fuseki+http://127.0.0.1:3030/ds       /ds/query, /ds/update
    virtuoso+http://127.0.0.1:8890        /sparql for both (updates need SPARQL_UPDATE or credentials)
    graphdb+http://host:7200/repositories/kg   …/kg and …/kg/statements
    sparql+http://host/query?update=http://host/update   any other store, endpoints given

Credentials: ``user:password@`` in the URL (HTTP Basic, or Digest for Virtuoso's authenticated
endpoint), or a bearer token in ``DPRK_KG_STORE_TOKEN``. As in the embedded store, every triple lives
in a named graph and the store's default graph holds their merge; writes keep it so, in the same
update request. A full rebuild clears the store and loads it in batches of whole graphs, each one
request, retried on transient failures and idempotent (INSERT DATA of a set).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby, islice
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from dprk_kg.errors import QueryError, ResultTooLarge, StoreError
from dprk_kg.namespaces import DEFAULT_BASE
from dprk_kg.store.base import (
    Dataset,
    Prepare,
    Progress,
    QueryOutput,
    ResultFormat,
    graph_replacement_update,
    reporting,
)
from dprk_kg.store.merge import SCRATCH_GRAPH, analyse_update, repaired_update

SCHEMES = ("oxigraph", "fuseki", "virtuoso", "graphdb", "sparql")
LOAD_BATCH_QUADS = 20_000
RETRIES = 5
GRAPH_FORMATS = {
    ResultFormat.TURTLE,
    ResultFormat.N_TRIPLES,
    ResultFormat.JSON_LD,
    ResultFormat.RDF_XML,
    ResultFormat.TRIG,
    ResultFormat.N_QUADS,
}


def is_remote(location: str) -> bool:
    return location.split("+", 1)[0] in SCHEMES and "+http" in location


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    auth: AuthBase | None
    flavour: str

    @property
    def merges_into_default(self) -> bool:
        """Virtuoso answers the default graph as the union of all graphs and refuses writes to it; the
        others keep a default graph of their own, which can hold the merge."""
        return self.flavour != "virtuoso"

    @property
    def load_batch(self) -> int:
        """Quads per INSERT DATA: Virtuoso compiles each into SQL and refuses past ~10,000 lines."""
        return 1_000 if self.flavour == "virtuoso" else LOAD_BATCH_QUADS


def endpoints(location: str) -> Endpoints:
    flavour, _, url = location.partition("+")
    parts = urlsplit(url)
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else ""
    root = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    auth: AuthBase | None = None
    if parts.username:
        user, password = parts.username, parts.password or ""
        auth = HTTPDigestAuth(user, password) if flavour == "virtuoso" else HTTPBasicAuth(user, password)
    elif os.environ.get("DPRK_KG_STORE_TOKEN"):
        auth = _Bearer(os.environ["DPRK_KG_STORE_TOKEN"])
    if flavour == "oxigraph":
        return Endpoints(f"{root}/query", f"{root}/update", auth, flavour)
    if flavour == "fuseki":
        return Endpoints(f"{root}/query", f"{root}/update", auth, flavour)
    if flavour == "virtuoso":
        path = "/sparql-auth" if parts.username else "/sparql"
        return Endpoints(f"{root}{path}", f"{root}{path}", auth, flavour)
    if flavour == "graphdb":
        return Endpoints(root, f"{root}/statements", auth, flavour)
    given = parse_qs(parts.query)
    if "update" not in given:
        raise StoreError(f"{location}: a sparql+ store names its update endpoint: sparql+{root}?update=URL")
    return Endpoints(root, given["update"][0], auth, flavour)


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


class _Bearer(AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


class RemoteStore:
    """The store interface over HTTP; every method raises ``StoreError`` when the server cannot be
    reached or fails, ``QueryError`` when it rejects a query or update (4xx)."""

    def __init__(
        self, location: str, *, read_only: bool = False, timeout: float = 300.0, base: str = DEFAULT_BASE
    ) -> None:
        self.location = location
        self.read_only = read_only
        self.timeout = timeout
        self.base = base  # this deployment's graphs are under it; a rebuild touches no others
        self.endpoints = endpoints(location)
        self.http = _session()

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
        data = [("query", _with_prologue(sparql, prefixes, base_iri))]
        if dataset is not None:
            data += [("default-graph-uri", g) for g in dataset.default_graphs]
            data += [("named-graph-uri", g) for g in dataset.named_graphs]
        response = self._post(self.endpoints.query, data=data, accept=result_format.media_type, stream=True)
        body = _read_bounded(response, max_bytes)
        return QueryOutput(_kind(result_format, body), result_format, body)

    def select(self, sparql: str, *, prefixes: dict[str, str] | None = None) -> list[dict[str, str]]:
        output = self.query(sparql, ResultFormat.SPARQL_JSON, prefixes=prefixes)
        data = json.loads(output.body)
        if "results" not in data:
            raise QueryError("select() runs SELECT queries only")
        return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]

    def dump(self, result_format: ResultFormat, out: BinaryIO) -> None:
        target = {
            ResultFormat.TRIG: ox.RdfFormat.TRIG,
            ResultFormat.N_QUADS: ox.RdfFormat.N_QUADS,
            ResultFormat.JSON_LD: ox.RdfFormat.JSON_LD,
        }.get(result_format)
        if target is None:
            raise QueryError(f"{result_format.media_type} cannot hold named graphs; use TriG, N-Quads or JSON-LD")
        ox.serialize(self._quads(), out, format=target)

    def _quads(self) -> Iterator[ox.Quad]:
        query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        response = self._post(
            self.endpoints.query, data=[("query", query)], accept=ResultFormat.SPARQL_XML.media_type, stream=True
        )
        for solution in ox.parse_query_results(response.raw, format=ox.QueryResultsFormat.XML):
            yield ox.Quad(solution["s"], solution["p"], solution["o"], solution["g"])

    def quad_count(self) -> int:
        named = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        default = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(named[0]["n"]) + int(default[0]["n"])

    def graph_names(self) -> Iterator[str]:
        for row in self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            yield row["g"]

    def exists(self) -> bool:
        try:
            rows = self.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")
        except StoreError:
            return False
        return bool(rows)

    def version_name(self) -> str:
        return self.location

    @property
    def work_dir(self) -> Path:
        return Path(tempfile.gettempdir())

    def close(self) -> None:
        """Nothing to release: the HTTP session is shared by the process and reused."""

    # --- writing ---------------------------------------------------------------------------------
    def create_empty(self) -> None:
        self._check_writable()

    def update(self, sparql: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None) -> None:
        """One request: the update and the repair of the default-graph merge (see merge.py)."""
        self._check_writable()
        effects = analyse_update(sparql, prefixes=prefixes, base_iri=base_iri)
        if self.endpoints.merges_into_default:
            sparql = repaired_update(sparql, effects, SCRATCH_GRAPH)
        self._update(_with_prologue(sparql, prefixes, base_iri))

    def replace_graphs(self, graphs: Iterable[str], nquads: bytes) -> None:
        self.update(graph_replacement_update(graphs, nquads))

    def replace_dataset(self, nquads: Path, prepare: Prepare | None = None, progress: Progress | None = None) -> None:
        """Drop this deployment's graphs (those under its base; a shared store keeps the rest), then
        load the N-Quads in batches, each a request retried if it fails for a passing reason. Unlike
        the embedded store this is not one atomic swap: readers may see the store half loaded."""
        self._check_writable()
        ours = [g for g in self.graph_names() if g.startswith(self.base) or g == SCRATCH_GRAPH]
        for start in range(0, len(ours), 200):
            drops = " ;\n".join(
                f"CLEAR SILENT GRAPH <{g}> ; DROP SILENT GRAPH <{g}>" for g in ours[start : start + 200]
            )
            self._update(drops, retry=True)
        if self.endpoints.merges_into_default:
            self._update("CLEAR SILENT DEFAULT", retry=True)
        with nquads.open("rb") as handle:
            quads = ox.parse(reporting(handle, progress), format=ox.RdfFormat.N_QUADS)
            if not self.endpoints.merges_into_default:  # the store answers the default graph as the union itself
                quads = (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))
            for batch in graph_batches(quads, self.endpoints.load_batch):
                self._insert(batch)
        if prepare is not None:
            prepare(_RemoteSession(self))

    def _insert(self, quads: list[ox.Quad]) -> None:
        """INSERT DATA of a batch: a set, so sending it twice changes nothing (safe to retry)."""
        default = [q.triple for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
        graphs: dict[str, list[ox.Triple]] = {}
        for quad in quads:
            if isinstance(quad.graph_name, ox.NamedNode):
                graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
        parts = [_ntriples(default)] + [f"GRAPH <{g}> {{\n{_ntriples(t)}}}" for g, t in graphs.items()]
        self._update("INSERT DATA {\n" + "\n".join(parts) + "\n}", retry=True)

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")

    # --- HTTP ------------------------------------------------------------------------------------
    def _update(self, sparql: str, *, retry: bool = False) -> None:
        self._post(self.endpoints.update, data=[("update", sparql)], accept="*/*", retry=retry)

    def _post(
        self, url: str, *, data: list[tuple[str, str]], accept: str, stream: bool = False, retry: bool = True
    ) -> requests.Response:
        attempts = RETRIES if retry else 1
        for attempt in range(1, attempts + 1):
            try:
                response = self.http.post(
                    url,
                    data=data,
                    headers={"Accept": accept},
                    auth=self.endpoints.auth,
                    timeout=self.timeout,
                    stream=stream,
                )
            except requests.RequestException as error:
                if attempt == attempts:
                    raise StoreError(f"{url} cannot be reached: {error}") from error
            else:
                if response.status_code < 400:
                    return response
                message = response.text.strip()[:2000]
                if 400 <= response.status_code < 500:
                    raise QueryError(f"{url} answered {response.status_code}: {message}")
                if attempt == attempts or response.status_code not in (429, 502, 503, 504):
                    raise StoreError(f"{url} answered {response.status_code}: {message}")
            time.sleep(min(2**attempt * 0.25, 8))
        raise StoreError(f"{url}: no answer")  # not reached


_SESSIONS: dict[int, requests.Session] = {}


def _session() -> requests.Session:
    """One connection pool per process, kept for its life (a forked child makes its own)."""
    return _SESSIONS.setdefault(os.getpid(), requests.Session())


class _RemoteSession:
    """The build's own updates on the freshly loaded store (they maintain the merge themselves)."""

    def __init__(self, store: RemoteStore) -> None:
        self._store = store

    def update(self, sparql: str) -> None:
        self._store._update(sparql)

    def select(self, sparql: str) -> list[dict[str, str]]:
        return self._store.select(sparql)


def _with_prologue(sparql: str, prefixes: dict[str, str] | None, base_iri: str | None) -> str:
    """The well-known prefixes (and base) written into the text: a remote store has no such table."""
    lines = [f"BASE <{base_iri}>"] if base_iri else []
    lines += [f"PREFIX {name}: <{namespace}>" for name, namespace in (prefixes or {}).items()]
    return "\n".join([*lines, sparql]) if lines else sparql


def _ntriples(triples: list[ox.Triple]) -> str:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8") if triples else ""


def _read_bounded(response: requests.Response, limit: int | None) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=1 << 16):
        size += len(chunk)
        if limit is not None and size > limit:
            response.close()
            raise ResultTooLarge(f"the result is larger than {limit} bytes; narrow the query or add LIMIT")
        chunks.append(chunk)
    return b"".join(chunks)


def _kind(result_format: ResultFormat, body: bytes) -> str:
    if result_format in GRAPH_FORMATS:
        return "graph"
    head = body[:200]
    if b'"boolean"' in head or b"<boolean>" in body[:2000]:
        return "boolean"
    return "solutions"
