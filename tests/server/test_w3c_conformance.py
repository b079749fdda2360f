"""The W3C SPARQL 1.1 test suites run against a real ``dprk-kg serve`` over HTTP.

The manifests in ``tests/w3c-sparql11`` are read as the W3C publishes them (rdflib), and every test
they list becomes one pytest case: the SPARQL 1.1 Protocol, the Service Description, the Graph Store
HTTP Protocol (direct and indirect identification) and the JSON, CSV and TSV result formats.

The manifests describe requests to a generic server, so the harness adapts them (docs/conformance.md):

- ``/sparql/`` becomes ``/sparql`` for a query and ``/update`` for an update (decided by the request's
  media type and fields), and ``/gsp`` becomes ``/data``;
- every request to ``/update`` and every graph store write carries the server's bearer token, so that
  a refused request is refused for what the test is about, never for want of the token;
- each test starts on an empty store (``DROP ALL``) and its ``ut:graphData`` are loaded first into the
  named graphs they name, through the graph store (``PUT /data?graph=…``);
- data for the result-format tests goes into a named graph: the default graph here is the read-only
  merge of the factual named graphs, so that is how data reaches it.

The server is this module's own (an empty store with writes enabled), because the tests ``DROP ALL``.
A test fails only for a real non-conformance; the ones this server fails on purpose are marked
``xfail(strict=True)`` with the reason (see XFAIL).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
import requests
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.term import Node

from tests.server.conftest import Server

pytestmark = pytest.mark.slow  # the whole W3C protocol, service description, graph store and format suites

SUITE = Path(__file__).resolve().parents[1] / "w3c-sparql11"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULTS_XML = "{http://www.w3.org/2005/sparql-results#}"

# hts: terms the manifests use, as the status codes they stand for; StatusCodeNxx stands for a class.
STATUS_NAMES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
FORMAT_FAMILIES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json", "text/n3"},
}
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "text/n3": "n3",
}
UPDATE_KEYWORDS = {"INSERT", "DELETE", "CLEAR", "DROP", "LOAD", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
# The W3C base of the suites: the named graph a result-format test's data goes into is named after it.
W3C_DATA = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"

DEFAULT_GRAPH_IS_MERGE = (
    "deliberate design: the default graph is the read-only RDF merge of the named graphs, so PUT /data?default "
    "is refused with 405 (README, 'The default graph is materialised'); the GET that follows then sees no Alice"
)
XFAIL: dict[str, str] = {
    "put_get_default": DEFAULT_GRAPH_IS_MERGE,
    "tsv03": (
        "limitation of pyoxigraph 0.5.13: its store keeps integer-derived datatypes as xsd:integer, so "
        '"-3"^^xsd:negativeInteger comes back as "-3"^^xsd:integer (README, \'Numbers are canonicalised by the store\')'
    ),
}


# --- reading the manifests ---------------------------------------------------------------------


def manifest_entries(path: Path) -> Iterator[tuple[Graph, URIRef]]:
    """The tests a manifest lists (``mf:entries``), following ``mf:include`` to other manifests."""
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    for manifest in graph.subjects(RDF.type, MF.Manifest):
        for included in _list(graph, graph.value(manifest, MF.include)):
            yield from manifest_entries(_local_file(included))
        for entry in _list(graph, graph.value(manifest, MF.entries)):
            yield graph, entry


def _list(graph: Graph, head: Node | None) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def _local_file(iri: Node) -> Path:
    """The file of the suite a manifest IRI (a file: IRI, as the manifests are parsed) points to."""
    return Path(unquote(urlsplit(str(iri)).path))


def local_name(iri: Node) -> str:
    return re.split(r"[#/]", str(iri))[-1]


@dataclass(frozen=True)
class Expected:
    """What one response must be: any of the statuses (a code like "201" or a class like "2xx"), and
    optionally a format family, an ASK answer, headers, an RDF body, a Location to remember."""

    statuses: tuple[str, ...]
    format: str | None = None
    boolean: bool | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    location_variable: str | None = None


@dataclass(frozen=True)
class HttpRequest:
    """One ht:Request of a test, as the manifest gives it, with the response it must get."""

    method: str
    path: str  # as the manifest gives it (/sparql/…, /gsp…)
    headers: tuple[tuple[str, str], ...]
    body: str | None
    encoding: str
    expected: Expected


@dataclass(frozen=True)
class HttpTest:
    """A protocol or graph store test: requests in order, each with its expected response."""

    name: str
    requests: tuple[HttpRequest, ...]
    graph_data: tuple[tuple[Path, str], ...]  # (data file, graph IRI) to load first


@dataclass(frozen=True)
class ResultFormatTest:
    """A result-format test: the query to run on the data, and the file its results must equal."""

    name: str
    query: Path
    data: Path
    result: Path


def _headers(graph: Graph, node: Node) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(graph.value(h, HT.fieldName)).lower(), str(graph.value(h, HT.fieldValue)))
        for h in _list(graph, graph.value(node, HT.headers))
    )


def _status(term: Node) -> str:
    """An hts: term as the code it stands for, or a class (StatusCode4xx → "4xx")."""
    assert str(term).startswith(str(HTS)), term
    name = local_name(term)
    if match := re.fullmatch(r"StatusCode(\dxx)", name):
        return match.group(1)
    return str(STATUS_NAMES[name])


def _expected(graph: Graph, response: Node) -> Expected:
    boolean = graph.value(response, MF.expectedBoolean)
    body = graph.value(response, HT.body)
    return Expected(
        statuses=tuple(sorted(_status(s) for s in graph.objects(response, MF.expectedStatus))),
        format=_optional_str(graph.value(response, MF.expectedFormat)),
        boolean=None if boolean is None else bool(boolean.toPython()),
        headers=_headers(graph, response),
        body=None if body is None else str(graph.value(body, CNT.chars)),
        location_variable=_optional_str(graph.value(response, MF.expectedLocation)),
    )


def _optional_str(value: Node | None) -> str | None:
    return None if value is None else str(value)


def http_test(graph: Graph, entry: URIRef) -> HttpTest:
    action = graph.value(entry, MF.action)
    steps = []
    for node in _list(graph, graph.value(action, HT.requests)):
        body = graph.value(node, HT.body)
        steps.append(
            HttpRequest(
                method=str(graph.value(node, HT.methodName)),
                path=str(graph.value(node, HT.absolutePath)),
                headers=_headers(graph, node),
                body=None if body is None else str(graph.value(body, CNT.chars)),
                encoding=str(graph.value(body, CNT.characterEncoding) or "UTF-8") if body is not None else "UTF-8",
                expected=_expected(graph, graph.value(node, HT.resp)),
            )
        )
    preload = tuple(
        (_local_file(graph.value(d, UT.graph)), str(graph.value(d, RDFS.label)))
        for d in graph.objects(entry, UT.graphData)
    )
    return HttpTest(local_name(entry), tuple(steps), tuple(sorted(preload, key=lambda p: p[1])))


def result_format_test(graph: Graph, entry: URIRef) -> ResultFormatTest:
    action = graph.value(entry, MF.action)
    return ResultFormatTest(
        local_name(entry),
        query=_local_file(graph.value(action, QT.query)),
        data=_local_file(graph.value(action, QT.data)),
        result=_local_file(graph.value(entry, MF.result)),
    )


def cases(manifest: str) -> list[tuple[Graph, URIRef]]:
    return list(manifest_entries(SUITE / manifest))


def params(items: list[HttpTest] | list[ResultFormatTest] | list[str]) -> list[object]:
    """pytest params with the test's local name as id, and the XFAIL mark where it applies."""
    out = []
    for item in items:
        name = item if isinstance(item, str) else item.name
        marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=XFAIL[name])] if name in XFAIL else []
        out.append(pytest.param(item, id=name, marks=marks))
    return out


PROTOCOL = [http_test(g, e) for g, e in cases("protocol/manifest.ttl")]
GRAPH_STORE = [http_test(g, e) for g, e in cases("graph-store-protocol/manifest.ttl")]
SERVICE_DESCRIPTION = [local_name(e) for _, e in cases("service-description/manifest.ttl")]
RESULT_FORMATS = [
    result_format_test(g, e) for m in ("json-res/manifest.ttl", "csv-tsv-res/manifest.ttl") for g, e in cases(m)
]


# --- the server and the HTTP plumbing ----------------------------------------------------------


@pytest.fixture
def client(writable_server: Server) -> Iterator[requests.Session]:
    """An HTTP session on an emptied store: each test starts from nothing but its own preloads, whatever
    the tests before it wrote (the manifests' tests share graph names and assume a fresh store)."""
    with requests.Session() as http:
        headers = {"Content-Type": "application/sparql-update", **writable_server.auth}
        reply = send(http, "POST", f"{writable_server.url}/update", headers, b"DROP ALL")
        assert reply.status_code == 204, reply.text
        yield http


def send(
    session: requests.Session, method: str, url: str, headers: dict[str, str], body: bytes | None
) -> requests.Response:
    """Send the request with its URL exactly as given: requests would otherwise decode percent-escapes
    of unreserved characters (``%31`` → ``1``), which one graph store test is precisely about."""
    prepared = session.prepare_request(requests.Request(method, url, headers=headers, data=body))
    prepared.url = url
    return session.send(prepared, timeout=60, allow_redirects=False)


def load(session: requests.Session, server: Server, data: Path, graph: str) -> None:
    """Load a data file into a named graph through the graph store (how data reaches the default graph)."""
    media_type = {".nt": "application/n-triples", ".ttl": "text/turtle"}[data.suffix]
    reply = send(
        session,
        "PUT",
        f"{server.url}/data?graph={quote(graph, safe='')}",
        {"Content-Type": media_type, **server.auth},
        data.read_bytes(),
    )
    assert reply.status_code in (201, 204), f"loading {data.name} into <{graph}>: {reply.status_code} {reply.text}"


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def is_update(request: HttpRequest) -> bool:
    """Whether a ``/sparql/`` request of the protocol manifest is an update (sent to /update): by its
    media type, else by its fields (query string, and a body that is or could be a form), else by the
    first keyword of its body."""
    media_type = _media_type(dict(request.headers).get("content-type"))
    if media_type in ("application/sparql-update", "application/sparql-query"):
        return media_type == "application/sparql-update"
    fields = parse_qs(urlsplit(request.path).query)
    if request.body and media_type in ("", "application/x-www-form-urlencoded"):
        fields |= parse_qs(request.body)
    if fields.keys() & {"update", "using-graph-uri", "using-named-graph-uri"}:
        return True
    if "query" in fields:
        return False
    text = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", request.body or "")
    return text.split(maxsplit=1)[0].upper() in UPDATE_KEYWORDS if text.strip() else False


def adapt(request: HttpRequest, server: Server) -> tuple[str, dict[str, str]]:
    """The URL on this server, and the headers with the token added to writes."""
    headers = dict(request.headers)
    if request.path.startswith("/sparql/"):
        update = is_update(request)
        url = server.url + ("/update" if update else "/sparql") + request.path[len("/sparql/") :]
        write = update
    elif request.path.startswith("/gsp"):
        url = server.url + "/data" + request.path[len("/gsp") :]
        write = request.method in ("PUT", "POST", "DELETE")
    else:
        raise AssertionError(f"a request path this harness does not know: {request.path}")
    return url, headers | (server.auth if write else {})


# --- checking responses --------------------------------------------------------------------------


def status_matches(code: int, statuses: tuple[str, ...]) -> bool:
    return any(str(code) == s or (s.endswith("xx") and str(code)[0] == s[0]) for s in statuses)


def ask_answer(reply: requests.Response) -> bool:
    if _media_type(reply.headers.get("Content-Type")) == "application/sparql-results+xml":
        node = ET.fromstring(reply.content).find(f"{RESULTS_XML}boolean")
        assert node is not None and node.text is not None, reply.text
        return node.text.strip() == "true"
    return json.loads(reply.content)["boolean"]


def parse_rdf(text: str | bytes, media_type: str, base: str) -> Graph:
    return Graph().parse(data=text, format=RDFLIB_FORMATS[media_type], publicID=base)


def check(reply: requests.Response, expected: Expected, where: str) -> None:
    """Assert that a response is what the manifest expects of it."""
    context = f"{where}: {reply.status_code} {reply.headers.get('Content-Type')}\n{reply.text[:2000]}"
    assert status_matches(reply.status_code, expected.statuses), f"expected {expected.statuses}; {context}"
    if all(s.startswith("4") for s in expected.statuses):
        # The harness sends the token with every write: a 4xx must come from what the test is about.
        assert reply.status_code not in (401, 403), f"refused for authorisation, not the protocol; {context}"
    media_type = _media_type(reply.headers.get("Content-Type"))
    if expected.format is not None:
        assert media_type in FORMAT_FAMILIES[expected.format], f"not a {expected.format} media type; {context}"
    if expected.boolean is not None:
        assert ask_answer(reply) is expected.boolean, f"expected ASK answer {expected.boolean}; {context}"
    for name, value in expected.headers:
        actual = reply.headers.get(name)
        if name == "content-type":
            assert media_type == _media_type(value), f"expected Content-Type {value}; {context}"
            charset = re.search(r"charset=([\w-]+)", actual or "", re.I)
            assert charset is None or charset.group(1).lower() == "utf-8", context
        else:
            assert actual == value, f"expected {name}: {value}; {context}"
    if expected.body is not None:
        declared = _media_type(dict(expected.headers).get("content-type", "text/turtle"))
        wanted = parse_rdf(expected.body, declared, reply.url)
        got = parse_rdf(reply.content, media_type, reply.url)
        assert isomorphic(got, wanted), f"the graph differs from the expected one; {context}"


def run_http_test(test: HttpTest, session: requests.Session, server: Server) -> None:
    """Preload the test's graphs, then send its requests in order, checking each response; a Location the
    manifest names (``mf:expectedLocation "$LOCATION$"``) replaces that template in later URLs and bodies."""
    for data, graph in test.graph_data:
        load(session, server, data, graph)
    variables: dict[str, str] = {}
    for number, request in enumerate(test.requests, start=1):
        url, headers = adapt(request, server)
        body = request.body
        for name, value in variables.items():
            url = url.replace(name, value)
            body = None if body is None else body.replace(name, value)
        encoded = None if body is None else body.encode(request.encoding)  # UTF-16 for the non-UTF-8 tests
        reply = send(session, request.method, url, headers, encoded)
        check(reply, request.expected, f"request {number} ({request.method} {url})")
        if request.expected.location_variable:
            assert "Location" in reply.headers, f"request {number}: no Location header"
            variables[request.expected.location_variable] = reply.headers["Location"]


# --- the tests -----------------------------------------------------------------------------------


def test_manifests_are_complete() -> None:
    """Every test of the suites is collected (the counts the W3C manifests list)."""
    assert (len(PROTOCOL), len(SERVICE_DESCRIPTION), len(GRAPH_STORE), len(RESULT_FORMATS)) == (34, 3, 13, 10)


@pytest.mark.parametrize("test", params(PROTOCOL))
def test_protocol(test: HttpTest, client: requests.Session, writable_server: Server) -> None:
    run_http_test(test, client, writable_server)


@pytest.mark.parametrize("test", params(GRAPH_STORE))
def test_graph_store_protocol(test: HttpTest, client: requests.Session, writable_server: Server) -> None:
    run_http_test(test, client, writable_server)


@pytest.mark.parametrize("name", params(SERVICE_DESCRIPTION))
def test_service_description(name: str, client: requests.Session, writable_server: Server) -> None:
    """The checks of the W3C's service description validator (kasei/sparql11-sdvalidator)."""
    endpoint = f"{writable_server.url}/sparql"
    reply = send(client, "GET", endpoint, {"Accept": "text/turtle, application/rdf+xml;q=0.9"}, None)
    assert reply.status_code == 200, reply.text
    media_type = _media_type(reply.headers.get("Content-Type"))
    assert media_type in FORMAT_FAMILIES["RDF"], media_type
    description = parse_rdf(reply.content, media_type, endpoint)
    if name == "returns-rdf":
        assert len(description) > 0
    elif name == "has-endpoint-triple":
        assert (None, SD.endpoint, URIRef(endpoint)) in description
    elif name == "conforms-to-schema":
        unnamed = [g for g in description.subjects(RDF.type, SD.NamedGraph) if description.value(g, SD.name) is None]
        assert not unnamed, f"sd:NamedGraph without sd:name: {unnamed}"
        languages = set(description.objects(None, SD.supportedLanguage))
        assert languages and languages <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}, languages
        for service in description.subjects(SD.endpoint, None):
            assert (service, RDF.type, SD.Service) in description
    else:
        raise AssertionError(f"no check for service description test {name}")


@pytest.mark.parametrize("test", params(RESULT_FORMATS))
def test_result_format(test: ResultFormatTest, client: requests.Session, writable_server: Server) -> None:
    """Load the data into a named graph (it then is in the default graph, the merge), run the query asking
    for the expected file's format, and compare the answers as multisets of solutions."""
    folder = test.data.parent.name
    load(client, writable_server, test.data, f"{W3C_DATA}{folder}/{test.data.name}")
    accept = {".srj": "application/sparql-results+json", ".csv": "text/csv", ".tsv": "text/tab-separated-values"}
    media_type = accept[test.result.suffix]
    reply = send(
        client,
        "POST",
        f"{writable_server.url}/sparql",
        {"Content-Type": "application/sparql-query", "Accept": media_type},
        test.query.read_bytes(),
    )
    assert reply.status_code == 200, reply.text
    assert _media_type(reply.headers.get("Content-Type")) == media_type
    expected_text = test.result.read_text(encoding="utf-8")
    if test.result.suffix == ".srj" and "boolean" in json.loads(expected_text):
        assert json.loads(reply.content)["boolean"] is json.loads(expected_text)["boolean"]
        return
    parse = {".srj": json_solutions, ".csv": csv_solutions, ".tsv": tsv_solutions}[test.result.suffix]
    got_vars, got = parse(reply.content.decode("utf-8"))
    wanted_vars, wanted = parse(expected_text)
    assert set(got_vars) == set(wanted_vars)
    assert same_solutions(got, wanted), f"\nexpected: {wanted}\nactual:   {got}\n{reply.text}"


# --- solutions: parsing the three formats and comparing them -------------------------------------

Key = tuple[str, ...]  # a term, normalised for comparison
Solution = dict[str, Key]
NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float")}
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")  # the lexical forms of those four


def term_key(term: Node) -> Key:
    """A term as compared: plain literals are xsd:string (RDF 1.1); numbers of the four SPARQL numeric
    types compare by value and datatype, as the store keeps a number's value, not its lexical form
    (``"1.0E6"^^xsd:double`` comes back as ``1000000``), and TSV may abbreviate them (``1.0e6``)."""
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode", str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ("literal", str(term), "lang", term.language.lower())
    datatype = str(term.datatype or XSD.string)
    if datatype in NUMERIC and term.value is not None:
        return ("literal", repr(float(term.value)), datatype)
    return ("literal", str(term), datatype)


def json_solutions(text: str) -> tuple[list[str], list[Solution]]:
    document = json.loads(text)
    rows = []
    for binding in document["results"]["bindings"]:
        row = {}
        for name, value in binding.items():
            if value["type"] == "uri":
                term: Node = URIRef(value["value"])
            elif value["type"] == "bnode":
                term = BNode(value["value"])
            else:
                term = Literal(value["value"], lang=value.get("xml:lang"), datatype=value.get("datatype"))
            row[name] = term_key(term)
        rows.append(row)
    return document["head"]["vars"], rows


def csv_solutions(text: str) -> tuple[list[str], list[Solution]]:
    """CSV keeps only strings: an empty field is unbound, ``_:`` starts a blank node, a number compares
    by value (the store keeps a number's value, not its lexical form: ``1.0E6`` comes back as
    ``1000000``); quoting and line ends are the csv module's business."""
    header, *records = list(csv.reader(io.StringIO(text)))
    rows = []
    for record in records:
        row: Solution = {}
        for name, cell in zip(header, record, strict=True):
            if cell.startswith("_:"):
                row[name] = ("bnode", cell[2:])
            elif NUMBER.fullmatch(cell):
                row[name] = ("number", repr(float(cell)))
            elif cell:
                row[name] = ("text", cell)
        rows.append(row)
    return header, rows


def tsv_solutions(text: str) -> tuple[list[str], list[Solution]]:
    """TSV cells are terms in SPARQL/Turtle syntax (numbers may be abbreviated); empty is unbound."""
    header, *lines = [line.rstrip("\r") for line in text.split("\n") if line.strip("\r")]
    names = [v.lstrip("?$") for v in header.split("\t")]
    rows = []
    for line in lines:
        row: Solution = {}
        for name, cell in zip(names, line.split("\t"), strict=True):
            if cell.startswith("_:"):
                row[name] = ("bnode", cell[2:])
            elif cell:
                row[name] = term_key(_turtle_term(cell))
        rows.append(row)
    return names, rows


def _turtle_term(cell: str) -> Node:
    graph = Graph().parse(data=f"<urn:s> <urn:p> {cell} .", format="turtle")
    return next(iter(graph.objects()))


def same_solutions(got: list[Solution], wanted: list[Solution]) -> bool:
    """Equal as multisets, up to a renaming of blank nodes (a bijection, tried exhaustively: the suites
    have a blank node or two)."""
    if len(got) != len(wanted):
        return False
    got_labels = sorted({v[1] for row in got for v in row.values() if v[0] == "bnode"})
    wanted_labels = sorted({v[1] for row in wanted for v in row.values() if v[0] == "bnode"})
    if len(got_labels) != len(wanted_labels):
        return False
    target = Counter(_frozen(row) for row in wanted)
    for permutation in itertools.permutations(wanted_labels):
        renaming = dict(zip(got_labels, permutation, strict=True))
        renamed = [{k: ("bnode", renaming[v[1]]) if v[0] == "bnode" else v for k, v in row.items()} for row in got]
        if Counter(_frozen(row) for row in renamed) == target:
            return True
    return False


def _frozen(row: Solution) -> frozenset[tuple[str, Key]]:
    return frozenset(row.items())
