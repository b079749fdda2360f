"""Browsing over real HTTP: the entity index at /id/ (classes, pages, search), sitemap.xml against the
sitemap protocol (sitemaps.org 0.9), robots.txt read by Python's own robots parser.

What the index should list is asked of the endpoint itself, so the expectations follow the data."""

from __future__ import annotations

import html
import re
import urllib.robotparser
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
import requests

from tests.server.conftest import Server

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ROW = re.compile(r'<tr><td><a href="(/id/[^"]+)\.html">([^<]*)</a></td><td lang="ko" class="hangul">([^<]*)</td>')
PAGE_SIZE = 50
NAMED_ENTITIES = """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e rdfs:label|skos:altLabel ?name FILTER (isLiteral(?name) && STRSTARTS(STR(?e), STR(id:)))
  ?e a ?type
}"""
NAMED_PROVINCES = """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a dkg:Province ; rdfs:label|skos:altLabel ?name FILTER (isLiteral(?name) && STRSTARTS(STR(?e), STR(id:)))
}"""
PAGES = """SELECT (COUNT(DISTINCT ?page) AS ?n) WHERE {
  { ?page ?p ?o } UNION { GRAPH ?page { } }
  FILTER (isIRI(?page) && !CONTAINS(STR(?page), "#") && (STRSTARTS(STR(?page), STR(id:))
          || STRSTARTS(STR(?page), STR(doc:)) || STRSTARTS(STR(?page), STR(claim:))))
}"""
NON_FACTUAL_CLAIM = (
    "SELECT ?c WHERE { GRAPH ?g { ?c a dkg:NonFactual } FILTER (STRSTARTS(STR(?c), STR(claim:))) } LIMIT 1"
)


def count(server: Server, query: str) -> int:
    answer = requests.post(f"{server.url}/sparql", data={"query": query}, timeout=30)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def index(server: Server, **params: str) -> tuple[requests.Response, list[tuple[str, str, str]]]:
    response = requests.get(f"{server.url}/id/", params=params, timeout=30)
    return response, [(path, html.unescape(en), html.unescape(ko)) for path, en, ko in ROW.findall(response.text)]


def all_pages(server: Server, **params: str) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    first, page_rows = index(server, **params)
    rows += page_rows
    pages = int(m.group(1)) if (m := re.search(r"page 1 of (\d+)", first.text)) else 1
    for number in range(2, pages + 1):
        response, page_rows = index(server, page=str(number), **params)
        assert response.status_code == 200
        rows += page_rows
    return rows


def test_the_index_lists_every_named_entity_in_pages(server: Server) -> None:
    expected = count(server, NAMED_ENTITIES)
    assert expected > PAGE_SIZE  # the seeds make more than one page
    first, rows = index(server)
    assert first.status_code == 200 and first.headers["Content-Type"].startswith("text/html")
    assert f"{expected} entities" in first.text
    assert len(rows) == PAGE_SIZE
    everything = all_pages(server)
    assert len(everything) == expected == len({path for path, _, _ in everything})  # each once, none lost
    names = [en.casefold() for _, en, _ in everything]
    assert names == sorted(names)
    assert ("/id/north-hamgyong-province", "North Hamgyong Province", "함경북도") in everything
    # every listed entity's page answers
    for path, _, _ in everything[:: len(everything) // 5]:
        assert requests.get(f"{server.url}{path}.html", timeout=30).status_code == 200


def test_pages_out_of_range_and_bad_input(server: Server) -> None:
    for params, status, words in [
        ({"page": "0"}, 400, "page='0'"),
        ({"page": "two"}, 400, "page='two'"),
        ({"page": "99"}, 404, "page=99"),
        ({"class": "dkg:NoSuchClass"}, 400, "dkg:NoSuchClass"),
        ({"class": "javascript:alert(1)"}, 400, "no class"),
        ({"q": "x" * 201}, 400, "at most 200"),
    ]:
        response, _ = index(server, **params)
        assert response.status_code == status and words in response.text, (params, response.text)


def test_classes_with_counts(server: Server) -> None:
    provinces = count(server, NAMED_PROVINCES)
    response, rows = index(server, **{"class": "dkg:Province"})
    assert response.status_code == 200
    assert len(rows) == provinces > 0
    assert re.search(
        rf'<a href="/id/\?class=dkg:Province"[^>]*>[^<]+</a> <span class="count">{provinces}</span>', response.text
    )
    # the class by its IRI is the same list
    _, by_iri = index(server, **{"class": "https://w3id.org/dprk-kg/ontology#Province"})
    assert by_iri == rows
    types = {
        row["e"]["value"].rsplit("/", 1)[1]
        for row in requests.post(
            f"{server.url}/sparql", data={"query": "SELECT ?e WHERE { ?e a dkg:Province }"}, timeout=30
        ).json()["results"]["bindings"]
    }
    assert {path.rsplit("/", 1)[1] for path, _, _ in rows} <= types


@pytest.mark.parametrize(
    "spelling", ["North Hamgyong", "Hamgyeong-bukto", "Hamgyŏng-pukto", "함경북도", "north hamkyong"]
)
def test_search_finds_variant_spellings(server: Server, spelling: str) -> None:
    response, rows = index(server, q=spelling)
    assert response.status_code == 200
    assert rows and rows[0][0] == "/id/north-hamgyong-province", rows
    assert f'value="{html.escape(spelling)}"' in response.text  # the box keeps what was asked


def test_search_within_a_class_and_nothing_found(server: Server) -> None:
    _, rows = index(server, q="Musan", **{"class": "dkg:County"})
    assert [path for path, _, _ in rows] == ["/id/musan-county"]
    response, rows = index(server, q="Zzyzx Qwerty")
    assert response.status_code == 200 and rows == [] and "0 entities" in response.text


def test_search_text_is_escaped(server: Server) -> None:
    response, _ = index(server, q='"><script>alert(1)</script>')
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text and "&lt;script&gt;" in response.text


def test_the_nav_leads_to_the_index(server: Server) -> None:
    page = requests.get(f"{server.url}/id/musan-county.html", timeout=30).text
    assert '<a href="/id/">entities</a>' in page
    assert "/graph/registry.html" not in page.split("</header>")[0]
    bare = requests.get(f"{server.url}/id", allow_redirects=False, timeout=30)
    assert bare.status_code == 301 and bare.headers["Location"].endswith("/id/")


def test_sitemap_follows_the_protocol(server: Server) -> None:
    response = requests.get(f"{server.url}/sitemap.xml", timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert len(response.content) <= 50 * 1024 * 1024
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP_NS}urlset"
    urls = list(root)
    assert all(url.tag == f"{SITEMAP_NS}url" for url in urls)
    locations = [url.findtext(f"{SITEMAP_NS}loc") or "" for url in urls]
    assert all(len(list(url)) == 1 for url in urls)  # loc, and nothing the protocol does not define
    assert len(locations) == len(set(locations)) == count(server, PAGES) <= 50_000
    own = urlsplit(server.url)
    for location in locations:
        parts = urlsplit(location)
        assert (parts.scheme, parts.netloc) == (own.scheme, own.netloc) and len(location) < 2048
        assert parts.path.endswith(".html")
    paths = {urlsplit(location).path for location in locations}
    assert {path + ".html" for path, _, _ in all_pages(server)} <= paths  # every entity of the index
    assert sum(p.startswith("/doc/") for p in paths) == 2  # the two seed documents
    non_factual = requests.post(f"{server.url}/sparql", data={"query": NON_FACTUAL_CLAIM}, timeout=30).json()
    claim = non_factual["results"]["bindings"][0]["c"]["value"]
    assert "/claim/" + claim.split("/claim/", 1)[1] + ".html" in paths  # a non-factual claim's page too
    for location in sorted(locations)[::40]:
        assert requests.get(location, timeout=30).status_code == 200, location


def test_robots_allows_pages_and_keeps_crawlers_off_queries(server: Server) -> None:
    response = requests.get(f"{server.url}/robots.txt", timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(response.text.splitlines())
    assert robots.site_maps() == [f"{server.url}/sitemap.xml"]
    for path in ["/", "/id/musan-county.html", "/doc/000_1f7871d4d3f091d3.html", "/ontology.html", "/sitemap.xml"]:
        assert robots.can_fetch("*", f"{server.url}{path}"), path
    for path in ["/sparql?query=ASK%7B%7D", "/sparql", "/update", "/data?default", "/reconcile?queries=%7B%7D"]:
        assert not robots.can_fetch("*", f"{server.url}{path}"), path
    searched, _ = index(server, q="Musan")
    assert '<meta name="robots" content="noindex, follow">' in searched.text  # searches stay out of indexes
    assert '<meta name="robots"' not in index(server, page="2")[0].text


def test_labels_of_iris(server: Server) -> None:
    """/labels names what the default graph labels (English first), and nothing else."""
    asked = [
        "https://w3id.org/dprk-kg/id/musan-county",
        "https://w3id.org/dprk-kg/ontology#County",
        "http://example.org/not-known",
        "> } ; DROP ALL ; SELECT * WHERE { <x",  # no IRI: never reaches a query, has no label
    ]
    response = requests.post(f"{server.url}/labels", json=asked, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    found = response.json()
    assert found["https://w3id.org/dprk-kg/id/musan-county"] == "Musan County"
    english = requests.post(
        f"{server.url}/sparql",
        data={"query": "SELECT ?l WHERE { dkg:County rdfs:label ?l FILTER (LANG(?l) IN ('en', '')) }"},
        timeout=30,
    ).json()["results"]["bindings"]
    assert found["https://w3id.org/dprk-kg/ontology#County"] in {row["l"]["value"] for row in english}
    assert set(found) == set(asked[:2])


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [
        (b'["a"', "application/json", 400, "not JSON"),
        (b'{"iris": []}', "application/json", 400, "JSON array of IRIs"),
        (b"[1, 2]", "application/json", 400, "JSON array of IRIs"),
        (b'["a"]', "application/x-www-form-urlencoded", 415, "JSON array"),
        (("[" + ",".join(['"x"'] * 2001) + "]").encode(), "application/json", 400, "at most 2000"),
    ],
)
def test_labels_refuses_bad_input(server: Server, body: bytes, content_type: str, status: int, words: str) -> None:
    response = requests.post(f"{server.url}/labels", data=body, headers={"Content-Type": content_type}, timeout=30)
    assert response.status_code == status and words in response.text, response.text
