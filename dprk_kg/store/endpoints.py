"""Where a remote store takes queries and updates, and what it does differently.

A flavour fixes the endpoint layout of a known server:

    oxigraph+http://127.0.0.1:7878        /query, /update
    fuseki+http://127.0.0.1:3030/ds       /ds/query, /ds/update
    virtuoso+http://127.0.0.1:8890        /sparql for both (/sparql-auth, with HTTP Digest, given credentials)
    graphdb+http://host:7200/repositories/kg   …/kg and …/kg/statements

A plain ``http(s)://`` URL (or ``sparql+http(s)://``) is a generic SPARQL 1.1 store, whose endpoints
are found from what the server says about itself:

- the URL is the query endpoint — except a bare server root (no path) that describes no service,
  when the server describes one at ``/sparql`` (Oxigraph server, Virtuoso): then that is it;
- the update endpoint is the one given with ``?update=URL``; else the one the Service Description
  (SPARQL 1.1 SD, answered to a plain GET) names for ``sd:SPARQL11Update``; else the query endpoint;
  an endpoint whose description lists its languages without Update takes no writes;
- ``sd:UnionDefaultGraph`` in the description means the store answers the default graph as the
  union of its graphs (Virtuoso), so the merge is not written into it;
- a ``Server`` header that names a known server (``Virtuoso/…``) brings that flavour's quirks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox

from dprk_kg.store.formats import ResultFormat
from dprk_kg.store.http import HttpConnector
from dprk_kg.store.location import GENERIC, RemoteLocation
from dprk_kg.vocabulary import SD

LOAD_BATCH_QUADS = 20_000
DESCRIPTION_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
DESCRIPTION_ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/n-triples;q=0.8, application/ld+json;q=0.7"


@dataclass(frozen=True)
class Flavour:
    """What a kind of server does: its endpoint paths and the quirks the store works around."""

    name: str
    query_path: str = ""
    update_path: str = ""
    union_default: bool = False  # answers the default graph as the union of all graphs, refuses writes to it
    load_batch: int = LOAD_BATCH_QUADS  # quads per INSERT DATA request
    digest_auth: bool = False
    # formats the server writes wrongly: asked for in another and rewritten here (see remote.wire_format)
    miswritten: frozenset[ResultFormat] = field(default_factory=frozenset)


FLAVOURS = {
    "oxigraph": Flavour("oxigraph", "/query", "/update"),
    "fuseki": Flavour("fuseki", "/query", "/update"),
    "graphdb": Flavour("graphdb", "", "/statements"),
    # Virtuoso compiles each update into SQL and refuses past ~10,000 lines; its TSV has no "?" before
    # the variables and quotes IRIs, and its JSON-LD drops language tags.
    "virtuoso": Flavour(
        "virtuoso",
        "/sparql",
        "/sparql",
        union_default=True,
        load_batch=1_000,
        digest_auth=True,
        miswritten=frozenset({ResultFormat.TSV, ResultFormat.JSON_LD}),
    ),
    GENERIC: Flavour(GENERIC),
}
SERVER_HEADERS = {"virtuoso/": "virtuoso", "oxigraph/": "oxigraph"}


@dataclass(frozen=True)
class Endpoints:
    """The resolved endpoints of one store, and its flavour."""

    query: str
    update: str | None  # None: the store says it takes no updates
    flavour: Flavour
    union_default: bool

    @property
    def merges_into_default(self) -> bool:
        """Whether writes keep the store's own default graph the merge of the named graphs (else the
        store answers the default graph as the union itself, and refuses writes to it)."""
        return not self.union_default


def fixed_endpoints(location: RemoteLocation) -> Endpoints | None:
    """The endpoints of a named flavour, known without asking the server; None for a generic URL."""
    if location.flavour == GENERIC:
        return None
    flavour = FLAVOURS[location.flavour]
    root = location.root
    if flavour.name == "virtuoso" and location.username:
        query = update = f"{root}/sparql-auth"
    else:
        query, update = root + flavour.query_path, root + flavour.update_path
    return Endpoints(query, location.update or update, flavour, flavour.union_default)


def discover(location: RemoteLocation, http: HttpConnector) -> Endpoints:
    """The endpoints of a generic store, from its Service Description (one GET, or two for a root)."""
    query = location.url
    description = _describe(http, query)
    if description is None and urlsplit(query).path in ("", "/"):
        conventional = location.root + "/sparql"
        description = _describe(http, conventional)
        if description is not None:
            query = conventional
    if description is None:
        return Endpoints(query, location.update or query, FLAVOURS[GENERIC], union_default=False)
    flavour = FLAVOURS[description.server_flavour or GENERIC]
    update = location.update or description.update_endpoint(query)
    return Endpoints(query, update, flavour, description.union_default or flavour.union_default)


@dataclass(frozen=True)
class Description:
    """What a Service Description says that the store needs, and who the server says it is."""

    services: dict[str, tuple[str, frozenset[str]]]  # service node → (endpoint, languages)
    union_default: bool
    server_flavour: str | None

    def update_endpoint(self, query: str) -> str | None:
        """The endpoint for updates: the query endpoint if it takes them (or does not say), another
        service's if that is the one that does, None if the endpoint says it takes queries only."""
        here = [langs for endpoint, langs in self.services.values() if endpoint == query] or [
            langs for _, langs in self.services.values()
        ]
        if any(SD.uri("SPARQL11Update") in langs for langs in here) or not any(here):
            return query
        elsewhere = [e for e, langs in self.services.values() if SD.uri("SPARQL11Update") in langs and e != query]
        return elsewhere[0] if elsewhere else None


def _describe(http: HttpConnector, url: str) -> Description | None:
    response = http.get(url, accept=DESCRIPTION_ACCEPT)
    if response is None:
        return None
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    rdf_format = DESCRIPTION_TYPES.get(media_type)
    if rdf_format is None:
        return None
    try:
        triples = list(ox.parse(response.content, format=rdf_format, base_iri=url))
    except (SyntaxError, ValueError):
        return None
    endpoints: dict[str, str] = {}
    languages: dict[str, set[str]] = {}
    union = False
    for s, p, o in ((t.subject, t.predicate, t.object) for t in triples):
        node = str(s)
        if p == SD.endpoint and isinstance(o, ox.NamedNode):
            endpoints[node] = urljoin(url, o.value)
        elif p == SD.supportedLanguage:
            languages.setdefault(node, set()).add(o.value)
        elif p == SD.feature and o == SD.UnionDefaultGraph:
            union = True
    if not endpoints:
        return None
    server = response.headers.get("Server", "").lower()
    flavour = next((name for prefix, name in SERVER_HEADERS.items() if server.startswith(prefix)), None)
    services = {node: (endpoint, frozenset(languages.get(node, ()))) for node, endpoint in endpoints.items()}
    return Description(services, union, flavour)
