"""HTTP caching and methods on a real server: ETag and Last-Modified from the store's version on query
results, pages, representations and the Service Description; 304 and 412 for conditional requests;
Cache-Control; HEAD answered as GET on every route (refusals included) and OPTIONS with ``Allow`` —
and hostile requests: forged or malformed validators, odd ``Accept`` headers."""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from dprk_kg.config import Config
from dprk_kg.errors import ConfigError
from dprk_kg.server import caching
from dprk_kg.server.app import create_app
from dprk_kg.vocabulary import DEFAULT_BASE
from tests.server.conftest import TOKEN, Server, free_port, start_server
from tests.store.conftest import RemoteServer, launch

SELECT = "SELECT ?c WHERE { ?c a dkg:County } ORDER BY ?c"
ASK = "ASK { id:orang-county a dkg:County }"
CONSTRUCT = "CONSTRUCT { ?c a dkg:County } WHERE { ?c a dkg:County }"
PUBLIC = "public, max-age=60"


def get(server: Server, path: str = "/sparql", **kwargs: Any) -> requests.Response:
    return requests.get(f"{server.url}{path}", allow_redirects=False, timeout=60, **kwargs)


def query(server: Server, text: str, headers: dict[str, str] | None = None, **params: str) -> requests.Response:
    return get(server, params={"query": text, **params}, headers=headers or {})


# --- validators and freshness on query results ------------------------------------------------


def test_query_results_carry_validators_from_the_store_version(server: Server) -> None:
    response = query(server, SELECT)
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('W/"')
    assert response.headers["Cache-Control"] == PUBLIC
    assert "Accept" in response.headers["Vary"]
    # Last-Modified is when the version became current: the time of the store's link
    since = dt.datetime.fromtimestamp(int(os.lstat(server.store).st_mtime), dt.UTC)
    assert email.utils.parsedate_to_datetime(response.headers["Last-Modified"]) == since
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_if_none_match_is_answered_304_without_running_the_query(server: Server) -> None:
    first = query(server, SELECT)
    agent = f"revalidating-{uuid.uuid4()}"
    again = query(server, SELECT, {"If-None-Match": first.headers["ETag"], "User-Agent": agent})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == PUBLIC and "Accept" in again.headers["Vary"]
    record = server.log_record(agent)
    assert record["status"] == 304 and record["query_ms"] is None  # not run again
    assert query(server, SELECT, {"If-None-Match": f'"x", {first.headers["ETag"]}, W/"y"'}).status_code == 304


def test_if_modified_since(server: Server) -> None:
    first = query(server, ASK)
    stamp = first.headers["Last-Modified"]
    assert query(server, ASK, {"If-Modified-Since": stamp}).status_code == 304
    earlier = email.utils.format_datetime(email.utils.parsedate_to_datetime(stamp) - dt.timedelta(seconds=1), True)
    assert query(server, ASK, {"If-Modified-Since": earlier}).status_code == 200
    # If-None-Match decides when both are given (RFC 9110 §13.2.2)
    both = {"If-Modified-Since": stamp, "If-None-Match": '"something-else"'}
    assert query(server, ASK, both).status_code == 200


@pytest.mark.parametrize(
    "value",
    ["yesterday", "", "Sat, 32 Nov 2026 99:99:99 GMT", "Fri, 01 Jan 2100 00:00:00 GMT", "0", "x" * 4000],
    ids=["words", "empty", "impossible", "to-come", "number", "long"],
)
def test_an_if_modified_since_that_is_no_date_is_ignored(server: Server, value: str) -> None:
    response = query(server, ASK, {"If-Modified-Since": value})
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_the_etag_is_keyed_on_the_normalised_request(server: Server) -> None:
    tag = query(server, SELECT).headers["ETag"]
    # the same request written otherwise: parameter order, %20 or +, an Accept that picks the same format
    same = [
        get(server, f"/sparql?format=json&query={SELECT.replace(' ', '+')}").headers["ETag"],
        get(server, f"/sparql?query={SELECT.replace(' ', '%20')}").headers["ETag"],
        query(server, SELECT, {"Accept": "application/sparql-results+json, */*;q=0.1"}).headers["ETag"],
    ]
    assert same == [tag, tag, tag]  # format=json names the format Accept would have chosen anyway
    different = [
        query(server, SELECT, format="xml"),
        query(server, SELECT, {"Accept": "text/csv"}),
        query(server, SELECT, format="csv", download="1"),
        query(server, SELECT + " ", {}),
        query(server, SELECT, {}, **{"default-graph-uri": f"{DEFAULT_BASE}view/complete"}),
        query(server, SELECT, {}, **{"named-graph-uri": f"{DEFAULT_BASE}graph/registry"}),
        get(server, "/sparql", params={"query": SELECT}, headers={"Host": "localhost"}),
    ]
    tags = [r.headers["ETag"] for r in different]
    assert all(r.status_code == 200 for r in different)
    assert len({tag, *tags}) == len(tags) + 1


def test_a_tag_opens_only_its_own_request(server: Server) -> None:
    tag = query(server, SELECT).headers["ETag"]
    assert query(server, ASK, {"If-None-Match": tag}).status_code == 200
    assert query(server, SELECT, {"If-None-Match": tag, "Accept": "text/csv"}).status_code == 200
    assert query(server, SELECT, {"If-None-Match": tag}, format="xml").status_code == 200
    assert get(server, "/id/orang-county.ttl", headers={"If-None-Match": tag}).status_code == 200


@pytest.mark.parametrize(
    "forged",
    [
        '"forged"',
        'W/"forged"',
        "forged-without-quotes",
        '"',
        'W/"',
        ", , ,",
        '"a", W/"b", "c"',
        'W/W/W/"x"',
        '"' + "f" * 6000 + '"',
        '"\u00e9t\u00e9"',
        '"\\"quoted\\""',
    ],
    ids=["strong", "weak", "bare", "quote", "weak-quote", "commas", "list", "doubled", "long", "latin-1", "escaped"],
)
def test_a_forged_if_none_match_gets_the_answer(server: Server, forged: str) -> None:
    response = query(server, SELECT, {"If-None-Match": forged.encode("latin-1").decode("latin-1")})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["c"]["value"].endswith("kyongsong-county")


def test_a_matching_tag_does_not_skip_any_check(server: Server) -> None:
    """A 304 is decided after every check a request must pass: with the right tag, a refused request is
    refused as before."""
    tag = query(server, SELECT).headers["ETag"]
    header = {"If-None-Match": tag}
    assert query(server, SELECT, header, format="pdf").status_code == 400
    assert query(server, SELECT, {**header, "Accept": "image/png"}).status_code == 406
    assert query(server, SELECT, header, format="turtle").status_code == 406
    assert query(server, SELECT, header, **{"default-graph-uri": "not an iri"}).status_code == 400
    assert get(server, "/sparql?query=SELECT%20*%20%7B%7D&query=ASK%20%7B%7D", headers=header).status_code == 400


def test_if_none_match_star_runs_the_query_first(server: Server) -> None:
    """``*`` means "any current representation": a query that fails has none."""
    assert query(server, SELECT, {"If-None-Match": "*"}).status_code == 304
    assert query(server, "SELECT ?x WHERE { ?x", {"If-None-Match": "*"}).status_code == 400


def test_if_match_and_if_unmodified_since(server: Server) -> None:
    first = query(server, ASK)
    tag, stamp = first.headers["ETag"], first.headers["Last-Modified"]
    assert query(server, ASK, {"If-Match": "*"}).status_code == 200
    assert query(server, ASK, {"If-Match": tag}).status_code == 412  # a weak tag never matches strongly
    assert query(server, ASK, {"If-Match": '"other"'}).status_code == 412
    assert query(server, ASK, {"If-Unmodified-Since": stamp}).status_code == 200
    assert query(server, ASK, {"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 412
    failed = query(server, ASK, {"If-Match": '"other"'})
    assert failed.headers["Cache-Control"] == "no-store" and "precondition" in failed.text


def test_post_queries_are_not_cached(server: Server) -> None:
    """A cache keys an answer on the URL, not a POST's body, so a POST's answer gets no validators."""
    tag = query(server, SELECT).headers["ETag"]
    response = requests.post(f"{server.url}/sparql", data={"query": SELECT}, headers={"If-None-Match": tag})
    assert response.status_code == 200 and "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    direct = requests.post(f"{server.url}/sparql", data=SELECT, headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 200 and "ETag" not in direct.headers


@pytest.mark.parametrize(
    "text",
    [
        "SELECT (RAND() AS ?r) WHERE {}",
        "SELECT (NOW() AS ?t) WHERE {}",
        "SELECT (STRUUID() AS ?u) WHERE {}",
        "SELECT (uuid() AS ?u) WHERE {}",
        "SELECT (BNODE() AS ?b) WHERE {}",
        "SELECT (rand ( ) AS ?r) WHERE {}",
        "CONSTRUCT { ?s <urn:p> ?b } WHERE { ?s a dkg:County BIND (bnode() AS ?b) }",
    ],
    ids=["rand", "now", "struuid", "uuid", "bnode", "spaced", "construct"],
)
def test_answers_that_change_from_run_to_run_are_not_cached(server: Server, text: str) -> None:
    response = query(server, text)
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers
    assert query(server, text, {"If-None-Match": "*"}).status_code == 200


def test_errors_are_not_cached(server: Server) -> None:
    for response in (
        query(server, "SELECT ?x WHERE { ?x"),
        query(server, SELECT, {"Accept": "image/png"}),
        get(server, "/id/nothing-of-the-sort.ttl"),
        get(server, "/nowhere"),
        requests.post(f"{server.url}/update", data={"update": "CLEAR ALL"}),
    ):
        assert response.status_code >= 400
        assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers


def test_healthz_is_never_cached(server: Server) -> None:
    response = get(server, "/healthz")
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers


# --- pages, representations, the Service Description -------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/id/orang-county.html",
        "/id/orang-county.ttl",
        "/id/orang-county.jsonld",
        "/id/orang-county.trig?view=facts",
        "/doc/000_1f7871d4d3f091d3.html",
        "/data?graph=https://w3id.org/dprk-kg/graph/registry",
        "/",
    ],
)
def test_pages_and_representations_revalidate(server: Server, path: str) -> None:
    first = get(server, path)
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    assert first.headers["Cache-Control"] == PUBLIC and "Last-Modified" in first.headers
    again = get(server, path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    dated = get(server, path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert dated.status_code == 304
    other = get(server, path, headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200 and other.content == first.content


def test_representations_of_one_resource_have_their_own_tags(server: Server) -> None:
    tags = {get(server, f"/id/orang-county{ext}").headers["ETag"] for ext in (".html", ".ttl", ".nt", ".rdf")}
    tags.add(get(server, "/id/orang-county.ttl?view=complete").headers["ETag"])
    assert len(tags) == 5


def test_the_303_is_cacheable_by_accept(server: Server) -> None:
    response = get(server, "/id/orang-county", headers={"Accept": "application/json"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/id/orang-county.jsonld")
    assert response.headers["Cache-Control"] == PUBLIC and "Accept" in response.headers["Vary"]
    assert "ETag" not in response.headers


def test_the_service_description_and_the_query_page(server: Server) -> None:
    described = get(server, headers={"Accept": "text/turtle"})
    page = get(server, headers={"Accept": "text/html"})
    assert described.headers["Content-Type"].startswith("text/turtle")
    assert page.headers["Content-Type"].startswith("text/html")
    for response in (described, page):
        assert response.headers["ETag"].startswith('W/"') and "Accept" in response.headers["Vary"]
    assert described.headers["ETag"] != page.headers["ETag"]
    again = get(server, headers={"Accept": "text/turtle", "If-None-Match": described.headers["ETag"]})
    assert again.status_code == 304
    assert get(server, headers={"Accept": "text/html", "If-None-Match": described.headers["ETag"]}).status_code == 200


def test_static_files_keep_their_own_validators(server: Server) -> None:
    response = get(server, "/static/site.css")
    assert response.status_code == 200 and "ETag" in response.headers
    assert get(server, "/static/site.css", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


# --- HEAD and OPTIONS -------------------------------------------------------------------------

ROUTES = [
    ("/", {}),
    ("/sparql", {"Accept": "text/turtle"}),
    ("/sparql", {"Accept": "text/html"}),
    ("/sparql", {"Accept": "image/png"}),
    (f"/sparql?query={SELECT}", {}),
    (f"/sparql?query={CONSTRUCT}&format=n3", {}),
    (f"/sparql?query={CONSTRUCT}", {"Accept": "application/json"}),
    ("/id/orang-county", {"Accept": "text/turtle"}),
    ("/id/orang-county.html", {}),
    ("/id/orang-county.ttl", {}),
    ("/id/orang-county.ttl?view=nonsense", {}),
    ("/id/no-such-thing.ttl", {}),
    ("/data?default", {}),
    ("/data?graph=https://w3id.org/dprk-kg/graph/registry", {"Accept": "application/n-triples"}),
    ("/data?graph=https://example.org/none", {}),
    ("/healthz", {}),
    ("/static/site.css", {}),
    ("/nowhere", {}),
    ("/.well-known/void", {"Accept": "text/turtle"}),
    ("/.well-known/void", {"Accept": "text/html"}),
    ("/dataset", {}),
    ("/dumps/", {}),
    ("/dumps/dprk-kg.trig", {}),
    ("/dumps/dprk-kg.trig", {"Range": "bytes=0-9"}),
    ("/dumps/nothing", {}),
]
# Requests the endpoint refuses: HEAD must be refused alike (it runs every check GET does).
REFUSED = [
    {"query": "SELECT ?x WHERE { ?x"},
    {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"},
    {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"},
    {"query": "ASK " + "{" * 300 + "}" * 300},
    {"query": SELECT, "format": "pdf"},
    {"query": SELECT, "format": "turtle"},
    {"query": SELECT, "default-graph-uri": "not an iri"},
    {"query": ""},
    {"update": "CLEAR ALL"},
]


@pytest.mark.parametrize(("path", "headers"), ROUTES, ids=[f"{p} {h}" for p, h in ROUTES])
def test_head_answers_as_get_without_a_body(server: Server, path: str, headers: dict[str, str]) -> None:
    got = get(server, path, headers=headers)
    head = requests.head(f"{server.url}{path}", headers=headers, allow_redirects=False, timeout=60)
    assert head.status_code == got.status_code
    assert head.content == b""
    for name in ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Location", "Vary", "Allow"):
        assert head.headers.get(name) == got.headers.get(name), name
    if got.status_code == 200 and "Content-Length" in head.headers:
        assert int(head.headers["Content-Length"]) == len(got.content)


@pytest.mark.parametrize("params", REFUSED, ids=[str(i) for i in range(len(REFUSED))])
def test_head_of_a_refused_request_is_refused_alike(server: Server, params: dict[str, str]) -> None:
    got = get(server, params=params)
    head = requests.head(f"{server.url}/sparql", params=params, timeout=60)
    assert got.status_code >= 400
    assert head.status_code == got.status_code and head.content == b""


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/sparql", "GET, HEAD, OPTIONS, POST"),
        ("/update", "OPTIONS, POST"),
        ("/data", "DELETE, GET, HEAD, OPTIONS, POST, PUT"),
        ("/data/some/graph", "DELETE, GET, HEAD, OPTIONS, POST, PUT"),
        ("/id/orang-county", "GET, HEAD, OPTIONS"),
        ("/id/orang-county.ttl", "GET, HEAD, OPTIONS"),
        ("/", "GET, HEAD, OPTIONS"),
        ("/healthz", "GET, HEAD, OPTIONS"),
        ("/static/site.css", "GET, HEAD, OPTIONS"),
    ],
)
def test_options_lists_the_allowed_methods(server: Server, path: str, methods: str) -> None:
    response = requests.options(f"{server.url}{path}", timeout=30)
    assert response.status_code == 204
    assert response.headers["Allow"] == methods
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_options_of_nothing_is_404(server: Server) -> None:
    assert requests.options(f"{server.url}/nowhere", timeout=30).status_code == 404


def test_a_method_not_allowed_lists_the_allowed_ones(server: Server) -> None:
    response = requests.delete(f"{server.url}/sparql", timeout=30)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


# --- odd Accept headers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "status", "content_type"),
    [
        ("", 200, "application/sparql-results+json"),
        (",,,;;;", 200, "application/sparql-results+json"),
        ("*/*;q=0", 406, None),
        ("application/sparql-results+json;q=nan", 406, None),
        ("application/sparql-results+xml;q=abc, text/csv;q=0.1", 200, "text/csv"),
        ("text/csv;q=5, application/sparql-results+xml;q=0.9", 200, "text/csv"),
        ("TEXT/CSV", 200, "text/csv"),
        ("application/json", 200, "application/sparql-results+json"),
        ("text/html", 406, None),
        ("image/png, " * 400 + "text/tab-separated-values", 200, "text/tab-separated-values"),
        ("\u00e9/\u00e9", 406, None),
    ],
)
def test_odd_accept_headers_on_a_select(server: Server, accept: str, status: int, content_type: str | None) -> None:
    response = query(server, SELECT, {"Accept": accept.encode("utf-8").decode("latin-1")})
    assert response.status_code == status, response.text
    if content_type:
        assert response.headers["Content-Type"].startswith(content_type)
    else:
        assert "available:" in response.text


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/json", "application/ld+json"),
        ("application/json;q=0.5, text/csv", "application/ld+json"),
        ("text/n3", "text/n3"),
        ("application/xml", "application/rdf+xml"),
        ("application/sparql-results+xml", "application/rdf+xml"),
        ("application/sparql-results+json", "application/ld+json"),
        ("text/plain", "application/n-triples"),
        ("*/*", "text/turtle"),
    ],
)
def test_accept_on_a_graph_result(server: Server, accept: str, content_type: str) -> None:
    response = query(server, CONSTRUCT, {"Accept": accept})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(content_type)


@pytest.mark.parametrize(
    ("form", "name", "content_type"),
    [
        ("CONSTRUCT", "xml", "application/rdf+xml"),
        ("CONSTRUCT", "rdf+xml", "application/rdf+xml"),
        ("CONSTRUCT", "rdf xml", "application/rdf+xml"),  # rdf+xml typed in a URL: the + is a space
        ("CONSTRUCT", "application/rdf+xml", "application/rdf+xml"),
        ("CONSTRUCT", "n3", "text/n3"),
        ("CONSTRUCT", "text/n3", "text/n3"),
        ("CONSTRUCT", "json", "application/ld+json"),
        ("CONSTRUCT", "json-ld", "application/ld+json"),
        ("CONSTRUCT", "text/turtle; charset=utf-8", "text/turtle"),
        ("SELECT", "json", "application/sparql-results+json"),
        ("SELECT", "xml", "application/sparql-results+xml"),
        ("ASK", "csv", "text/csv"),
    ],
)
def test_format_names_real_clients_send(server: Server, form: str, name: str, content_type: str) -> None:
    text = {"CONSTRUCT": CONSTRUCT, "SELECT": SELECT, "ASK": ASK}[form]
    response = query(server, text, format=name)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(content_type)


# --- a store that changes, and the settings ---------------------------------------------------


@pytest.fixture(scope="module")
def changing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """An empty store with writes (so max-age 0 by default), a 1 s query limit and a small result limit."""
    directory = tmp_path_factory.mktemp("changing")
    running = start_server(
        directory / "store",
        directory / "server.log",
        token=TOKEN,
        empty=True,
        timeout=1,
        env={"DPRK_KG_MAX_RESULT": "4000"},
    )
    yield running
    running.stop()


def put_graph(server: Server, graph: str, triples: str) -> requests.Response:
    return requests.put(
        f"{server.url}/data",
        params={"graph": graph},
        data=triples.encode(),
        headers={"Content-Type": "application/n-triples", **server.auth},
        timeout=60,
    )


def test_a_write_changes_the_validators(changing: Server) -> None:
    graph = "https://example.org/g"
    text = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    written = put_graph(changing, graph, '<urn:s> <urn:p> "one" .\n')
    assert written.status_code in (201, 204) and written.headers["Cache-Control"] == "no-store"
    time.sleep(1.1)  # Last-Modified is only sent once the version's second has passed
    first = query(changing, text)
    assert first.headers["Cache-Control"] == "no-cache" and "Last-Modified" in first.headers
    page = get(changing, "/data", params={"graph": graph})
    assert query(changing, text, {"If-None-Match": first.headers["ETag"]}).status_code == 304
    put_graph(changing, graph, '<urn:s> <urn:p> "two" .\n')
    after = query(changing, text, {"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.json()["results"]["bindings"][0]["o"]["value"] == "two"
    assert after.headers["ETag"] != first.headers["ETag"]
    changed_page = get(changing, "/data", params={"graph": graph}, headers={"If-None-Match": page.headers["ETag"]})
    assert changed_page.status_code == 200
    time.sleep(1.1)
    dated = query(changing, text, {"If-Modified-Since": first.headers["Last-Modified"]})
    assert dated.status_code == 200
    updated = requests.post(
        f"{changing.url}/update", data={"update": f"CLEAR GRAPH <{graph}>"}, headers=changing.auth, timeout=60
    )
    assert updated.status_code == 204 and updated.headers["Cache-Control"] == "no-store"
    assert query(changing, text, {"If-None-Match": after.headers["ETag"]}).status_code == 200


def test_head_keeps_the_time_and_size_limits(changing: Server) -> None:
    triples = "".join(f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(300))
    assert put_graph(changing, "https://example.org/many", triples).status_code in (201, 204)
    too_large = {"query": "SELECT * WHERE { ?s ?p ?o }"}
    assert get(changing, params=too_large).status_code == 400
    assert requests.head(f"{changing.url}/sparql", params=too_large, timeout=60).status_code == 400
    slow = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"}
    outcome: dict[str, int] = {}

    def head() -> None:
        outcome["head"] = requests.head(f"{changing.url}/sparql", params=slow, timeout=60).status_code

    thread = threading.Thread(target=head)
    thread.start()
    thread.join(timeout=60)
    assert outcome["head"] == 503
    deadline = time.monotonic() + 30
    while requests.get(f"{changing.url}/healthz", timeout=10).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)


# --- the validators without HTTP: the second an HTTP date cannot split; the setting ---------------


@pytest.mark.parametrize(
    ("environment", "freshness"),
    [
        ({}, 60),
        ({"DPRK_KG_WRITE_TOKEN": "t"}, 0),  # a writer must not read a cached answer from before the write
        ({"DPRK_KG_CACHE_MAX_AGE": "600"}, 600),
        ({"DPRK_KG_CACHE_MAX_AGE": "600", "DPRK_KG_WRITE_TOKEN": "t"}, 600),
        ({"DPRK_KG_CACHE_MAX_AGE": "0"}, 0),
    ],
)
def test_the_freshness_setting(environment: dict[str, str], freshness: int) -> None:
    assert Config.load({}, environment).freshness == freshness


@pytest.mark.parametrize("value", ["-1", "soon", "1.5"])
def test_an_unusable_freshness_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match="DPRK_KG_CACHE_MAX_AGE"):
        Config.load({}, {"DPRK_KG_CACHE_MAX_AGE": value})


@pytest.fixture
def app(built_store: Path) -> Flask:
    return create_app(Config.load({"store": str(built_store)}, {}))


def test_last_modified_waits_for_the_versions_second_to_pass(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    now = dt.datetime.now(dt.UTC)
    with app.test_request_context("/sparql?query=ASK%20%7B%7D"):
        soon = now + dt.timedelta(seconds=0.9)  # the version's second has not passed
        monkeypatch.setattr(caching, "store_state", lambda: caching.StoreState("v1", soon))
        validators = caching.version_validators("k")
        assert validators is not None and validators.last_modified is None
        monkeypatch.setattr(caching, "store_state", lambda: caching.StoreState("v1", now - dt.timedelta(seconds=2)))
        validators = caching.version_validators("k")
        assert validators is not None and validators.last_modified == (now - dt.timedelta(seconds=2)).replace(
            microsecond=0
        )
        other = caching.version_validators("other key")
        assert other is not None and other.etag != validators.etag
        monkeypatch.setattr(caching, "store_state", lambda: caching.StoreState("v2", now - dt.timedelta(seconds=2)))
        changed = caching.version_validators("k")
        assert changed is not None and changed.etag != validators.etag


def test_the_version_is_read_from_the_store_link(app: Flask, built_store: Path) -> None:
    with app.test_request_context("/"):
        state = caching.store_state()
    assert state is not None and state.version == built_store.resolve().name
    assert int(state.since.timestamp()) == int(os.lstat(built_store).st_mtime)


# --- a remote store: its version cannot tell, the answer's bytes do ----------------------------


@pytest.fixture(scope="module")
def in_front_of_oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``dprk-kg serve`` in front of an Oxigraph server (PyPI ``oxigraph``), which it builds the seeds into."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        pytest.fail("the oxigraph server is part of the test dependencies: pip install -e '.[test]'")
    directory = tmp_path_factory.mktemp("remote-caching")
    port = free_port()
    process, handle = launch(
        [str(binary), "serve", "--location", str(directory / "data"), "--bind", f"127.0.0.1:{port}"],
        directory / "oxigraph.log",
        f"http://127.0.0.1:{port}/query",
    )
    remote = RemoteServer(f"oxigraph+http://127.0.0.1:{port}", "", process, handle)
    try:
        running = start_server(directory / "unused", directory / "serve.log", store_location=remote.location)
        yield running
        running.stop()
    finally:
        remote.stop()


@pytest.mark.slow
def test_a_remote_stores_answers_are_tagged_by_their_bytes(in_front_of_oxigraph: Server) -> None:
    for path, params, accept in (
        ("/sparql", {"query": SELECT}, "text/csv"),
        ("/sparql", {"query": CONSTRUCT}, "application/n-triples"),
        ("/id/orang-county.ttl", {}, "*/*"),
        ("/sparql", {}, "text/turtle"),
    ):
        first = get(in_front_of_oxigraph, path, params=params, headers={"Accept": accept})
        assert first.status_code == 200
        tag = first.headers["ETag"]
        assert tag.startswith('"') and "Last-Modified" not in first.headers  # strong, from the bytes
        assert first.headers["Cache-Control"] == PUBLIC
        again = get(in_front_of_oxigraph, path, params=params, headers={"Accept": accept, "If-None-Match": tag})
        assert again.status_code == 304 and again.headers["ETag"] == tag
        head = requests.head(f"{in_front_of_oxigraph.url}{path}", params=params, headers={"Accept": accept}, timeout=60)
        assert head.status_code == 200 and head.headers["ETag"] == tag
    unstable = get(in_front_of_oxigraph, params={"query": "SELECT (NOW() AS ?t) WHERE {}"})
    assert unstable.headers["Cache-Control"] == "no-store" and "ETag" not in unstable.headers
