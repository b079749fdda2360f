"""The SPARQL 1.1 Protocol on a real server, through the clients researchers use: SPARQLWrapper,
rdflib's SPARQLStore, and raw HTTP (requests) for the protocol's corners and errors."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from dprk_kg.config import Config
from tests.server.conftest import Server, start_server

COUNTIES = "SELECT ?label WHERE { ?c a dkg:County ; rdfs:label ?label FILTER (LANG(?label) = 'en') } ORDER BY ?label"
COUNTY_NAMES = ["Kyongsong County", "Musan County", "Orang County"]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# --- standard clients -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(server: Server, method: str) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setMethod(method)
    client.setQuery(COUNTIES)
    client.setReturnFormat(JSON)
    results = client.queryAndConvert()
    assert [b["label"]["value"] for b in results["results"]["bindings"]] == COUNTY_NAMES


def test_sparqlwrapper_xml(server: Server) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(COUNTIES)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert literals == COUNTY_NAMES


def test_sparqlwrapper_csv(server: Server) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(COUNTIES)
    client.setReturnFormat(CSV)
    rows = list(csv.DictReader(io.StringIO(client.queryAndConvert().decode())))
    assert [row["label"] for row in rows] == COUNTY_NAMES


def test_sparqlwrapper_construct_into_rdflib(server: Server) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery("CONSTRUCT { ?c dkg:locatedIn ?p } WHERE { ?c a dkg:County ; dkg:locatedIn ?p }")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    located = rdflib.URIRef("https://w3id.org/dprk-kg/ontology#locatedIn")
    orang = rdflib.URIRef("https://w3id.org/dprk-kg/id/orang-county")
    assert rdflib.URIRef("https://w3id.org/dprk-kg/id/north-hamgyong-province") in set(graph.objects(orang, located))


def test_sparqlwrapper_ask(server: Server) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery("ASK { id:musan-mine-workers-mobilisation dkg:participantCountMax 600 }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True


def test_rdflib_sparqlstore(server: Server) -> None:
    graph = rdflib.Graph(store=SPARQLStore(f"{server.url}/sparql", returnFormat="json"))
    rows = graph.query(
        "PREFIX dkg: <https://w3id.org/dprk-kg/ontology#> SELECT ?n WHERE { ?m dkg:participantCountMin ?n }"
    )
    assert [int(row.n) for row in rows] == [500]
    assert (
        rdflib.URIRef("https://w3id.org/dprk-kg/id/orang-county"),
        rdflib.RDF.type,
        rdflib.URIRef("https://w3id.org/dprk-kg/ontology#County"),
    ) in graph


# --- the protocol's forms and datasets ---------------------------------------------------------


def test_post_direct(server: Server) -> None:
    response = requests.post(
        f"{server.url}/sparql", data=COUNTIES.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/sparql-results+json"


def test_default_graph_is_the_merge_and_graphs_can_be_chosen(server: Server) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(**params: str | list[str]) -> int:
        response = requests.get(f"{server.url}/sparql", params={"query": count, **params})
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    everything = n()
    registry = n(**{"default-graph-uri": "https://w3id.org/dprk-kg/graph/registry"})
    assert 200 < registry < everything
    both = n(
        **{"default-graph-uri": ["https://w3id.org/dprk-kg/graph/registry", "https://w3id.org/dprk-kg/graph/inferred"]}
    )
    assert both > registry


def test_named_graph_uri_restricts_graph_patterns(server: Server) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = requests.get(
        f"{server.url}/sparql", params={"query": query, "named-graph-uri": "https://w3id.org/dprk-kg/graph/registry"}
    )
    graphs = [b["g"]["value"] for b in response.json()["results"]["bindings"]]
    assert graphs == ["https://w3id.org/dprk-kg/graph/registry"]


def test_well_known_prefixes_need_no_declaration(server: Server) -> None:
    response = requests.get(
        f"{server.url}/sparql", params={"query": "ASK { id:orang-county a dkg:County ; skos:altLabel ?a }"}
    )
    assert response.json()["boolean"] is True


# --- content negotiation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("application/json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_negotiation(server: Server, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = requests.get(f"{server.url}/sparql", params={"query": COUNTIES}, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("accept", "expected", "parser"),
    [
        (None, "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/trig", "application/trig", "trig"),
        ("application/n-quads", "application/n-quads", "nquads"),
        ("application/rdf+xml;q=0.4, text/turtle;q=0.8", "text/turtle", "turtle"),
    ],
)
def test_construct_negotiation(server: Server, accept: str | None, expected: str, parser: str) -> None:
    headers = {"Accept": accept} if accept else {}
    query = "CONSTRUCT { ?c a dkg:County } WHERE { ?c a dkg:County }"
    response = requests.get(f"{server.url}/sparql", params={"query": query}, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    graph = rdflib.Dataset() if parser in ("trig", "nquads") else rdflib.Graph()
    graph.parse(data=response.content, format=parser)
    assert len(graph) == 3 or len(list(graph.quads())) == 3


def test_describe(server: Server) -> None:
    response = requests.get(f"{server.url}/sparql", params={"query": "DESCRIBE id:orang-county"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/dprk-kg/id/orang-county"), None, None) in graph


def test_format_parameter_overrides_accept_and_offers_downloads(server: Server) -> None:
    response = requests.get(
        f"{server.url}/sparql",
        params={"query": COUNTIES, "format": "csv", "download": "1"},
        headers={"Accept": "text/html"},
    )
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="results.csv"'


def test_not_acceptable_lists_what_is_available(server: Server) -> None:
    response = requests.get(f"{server.url}/sparql", params={"query": COUNTIES}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text and "text/csv" in response.text
    construct = requests.get(
        f"{server.url}/sparql", params={"query": "CONSTRUCT WHERE { ?s a dkg:County }"}, headers={"Accept": "text/csv"}
    )
    assert construct.status_code == 406 and "text/turtle" in construct.text


def test_unknown_format_parameter(server: Server) -> None:
    response = requests.get(f"{server.url}/sparql", params={"query": COUNTIES, "format": "pdf"})
    assert response.status_code == 400 and "unknown format" in response.text


# --- the endpoint itself: page and service description ------------------------------------------


def test_browser_get_gives_the_query_page(server: Server) -> None:
    response = requests.get(f"{server.url}/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert "yasgui" in response.text.lower()


def test_rdf_get_gives_the_service_description(server: Server) -> None:
    response = requests.get(f"{server.url}/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef(f"{server.url}/sparql")
    assert (endpoint, rdflib.RDF.type, sd.Service) in graph
    assert (endpoint, sd.endpoint, endpoint) in graph
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph
    # the default graph holds the facts, not every graph's triples: a client must not read it as the union
    assert (endpoint, sd.feature, sd.UnionDefaultGraph) not in graph
    assert len(list(graph.objects(endpoint, sd.resultFormat))) == 10
    assert graph.value(endpoint, sd.defaultDataset) is not None
    examples = list(graph.objects(endpoint, rdflib.URIRef("https://schema.org/hasPart")))
    assert len(examples) >= 15
    shacl = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert all(graph.value(e, shacl.select) or graph.value(e, shacl.construct) for e in examples)
    assert sd.SPARQL11Update not in set(graph.objects(endpoint, sd.supportedLanguage))  # writes disabled here


# --- errors --------------------------------------------------------------------------------------


def test_malformed_query_gets_the_parser_message_and_position(server: Server) -> None:
    response = requests.get(f"{server.url}/sparql", params={"query": "SELECT ?x WHERE { ?x ?p }"})
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "line 1, column 25:" in response.text


def test_missing_query(server: Server) -> None:
    response = requests.post(f"{server.url}/sparql", data={"default-graph-uri": "x"}, headers=FORM)
    assert response.status_code == 400 and "exactly one query" in response.text


def test_two_queries(server: Server) -> None:
    response = requests.get(f"{server.url}/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400


def test_update_sent_to_the_query_endpoint(server: Server) -> None:
    update = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    for response in (
        requests.post(f"{server.url}/sparql", data={"update": update}, headers=FORM),
        requests.post(f"{server.url}/sparql", data=update, headers={"Content-Type": "application/sparql-update"}),
        requests.post(f"{server.url}/sparql", data={"query": update}, headers=FORM),
    ):
        assert response.status_code == 400, response.text
        assert "/update" in response.text


def test_wrong_media_type_and_method(server: Server) -> None:
    assert (
        requests.post(f"{server.url}/sparql", data=COUNTIES, headers={"Content-Type": "text/plain"}).status_code == 415
    )
    assert requests.put(f"{server.url}/sparql", data=COUNTIES).status_code == 405
    utf16 = requests.post(
        f"{server.url}/sparql",
        data=COUNTIES.encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert utf16.status_code == 415


def test_body_over_the_limit(server: Server) -> None:
    limit = Config.load(environ={}).max_body_bytes  # the default: the server is started without a setting
    response = requests.post(
        f"{server.url}/sparql", data=b"#" * (limit + 1), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413 and "larger than the limit" in response.text


def test_federation_and_load_are_refused(server: Server) -> None:
    response = requests.get(
        f"{server.url}/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}
    )
    assert response.status_code == 403 and "SERVICE" in response.text


def test_deep_nesting_is_refused_before_the_engine(server: Server) -> None:
    query = "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000
    response = requests.post(f"{server.url}/sparql", data={"query": query}, headers=FORM)
    assert response.status_code == 400 and "deeper than 256" in response.text
    assert requests.get(f"{server.url}/healthz").status_code == 200


# --- isolation: crashes, timeouts, result size ---------------------------------------------------


@pytest.fixture(scope="module")
def fragile_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory):
    """A server with the nesting guard lifted and a 1 s query limit, to show the executor isolation."""
    running = start_server(
        built_store,
        tmp_path_factory.mktemp("fragile") / "server.log",
        timeout=1,
        env={"DPRK_KG_MAX_NESTING": "100000", "DPRK_KG_MAX_RESULT": "2000"},
    )
    yield running
    running.stop()


@pytest.mark.parametrize("depth", [5_000, 24_000])
def test_deep_nesting_crashes_no_worker(fragile_server: Server, depth: int) -> None:
    """With the nesting guard lifted, 5,000 nested groups used to crash a worker (pyoxigraph 0.5.13 overflows
    an 8 MB stack near 2,500). The query thread's stack is sized for every text the endpoint accepts, so
    the worker answers — here with the groups' solution — and stays."""
    query = "ASK " + "{" * depth + "?s ?p ?o" + "}" * depth
    answer = requests.post(f"{fragile_server.url}/sparql", data={"query": query}, headers=FORM, timeout=60)
    # 503 or 413: the 1 s limit of this server, met while running or (on a loaded machine) while reading
    assert answer.status_code in (200, 413, 503), answer.text
    answers = [requests.get(f"{fragile_server.url}/sparql", params={"query": "ASK { ?s ?p ?o }"}) for _ in range(10)]
    assert all(a.status_code == 200 and a.json()["boolean"] is True for a in answers)
    log = fragile_server.log.read_text()
    assert "SIGSEGV" not in log and "signal 11" not in log


def test_more_openings_than_the_stack_is_sized_for_are_refused(fragile_server: Server) -> None:
    """The bound counts every opening bracket and every \\u escape, wherever it stands: no lexer to trick."""
    hidden = 'SELECT * WHERE { FILTER (?x = "' + "{" * 30_000 + '") ' + "\\u007B" * 30_000 + " }"
    answer = requests.post(f"{fragile_server.url}/sparql", data={"query": hidden}, headers=FORM, timeout=60)
    assert answer.status_code == 400 and "at most 50,000" in answer.text, answer.text


def test_a_slow_query_times_out_and_others_are_served_meanwhile(fragile_server: Server) -> None:
    """The worker whose query outlived the limit answers 503, then retires; requests that follow are served
    by the others and by its replacement, none of them on a dying worker."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    outcome: dict[str, object] = {}

    def run_slow() -> None:
        outcome["slow"] = requests.get(f"{fragile_server.url}/sparql", params={"query": slow})
        outcome["slow_done"] = time.monotonic()

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.2)
    quick = [requests.get(f"{fragile_server.url}/sparql", params={"query": "ASK { ?s ?p ?o }"}) for _ in range(5)]
    quick_done = time.monotonic()
    thread.join(timeout=60)
    assert all(r.status_code == 200 for r in quick)
    assert quick_done < outcome["slow_done"]  # the others were answered while the slow query still ran
    assert outcome["slow"].status_code == 503
    assert "longer than the limit of 1 s" in outcome["slow"].text
    after = [requests.get(f"{fragile_server.url}/sparql", params={"query": "ASK { ?s ?p ?o }"}) for _ in range(20)]
    assert all(r.status_code == 200 for r in after)
    assert requests.get(f"{fragile_server.url}/healthz").status_code == 200


def test_result_size_is_bounded(fragile_server: Server) -> None:
    response = requests.get(f"{fragile_server.url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400 and "larger than 2000 bytes" in response.text


# --- CORS, health, logs --------------------------------------------------------------------------


def test_cors_on_reads_and_preflight(server: Server) -> None:
    response = requests.get(
        f"{server.url}/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = requests.options(
        f"{server.url}/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_healthz(server: Server) -> None:
    response = requests.get(f"{server.url}/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_access_log_is_structured_with_query_time(server: Server) -> None:
    marker = f"/sparql?query={quote('ASK { ?log ?is ?marked }')}"
    requests.get(server.url + marker)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        records = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
        hits = [r for r in records if r["path"] == "/sparql" and r.get("form") == "ASK" and r["status"] == 200]
        if hits:
            break
        time.sleep(0.1)
    record = hits[-1]
    assert {"time", "method", "status", "bytes", "ms", "query_ms", "client"} <= record.keys()
    assert record["query_ms"] is not None and record["ms"] >= record["query_ms"]
