"""The dumps and the dataset description over real HTTP, as a harvester and an HTTP client use them.

The round trip starts where a harvester starts, at ``/.well-known/void``, on a store built with the
server's own address as its base (so every address in the description is one this server answers),
and reads the description with rdflib — not with the pyoxigraph that wrote it."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests

from tests.conftest import run_cli
from tests.server.conftest import Server, free_port, start_server

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
GZIP = rdflib.URIRef("https://www.iana.org/assignments/media-types/application/gzip")


@pytest.fixture(scope="module")
def own_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seeds built with ``--base http://127.0.0.1:<port>/`` and served on that port."""
    folder = tmp_path_factory.mktemp("own-address")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    built = run_cli("build", "--store", str(folder / "store"), "--base", base, "--reasoner", "rules", "--quiet")
    assert built.returncode == 0, built.stderr
    running = start_server(folder / "store", folder / "server.log", env={"DPRK_KG_BASE": base}, port=port)
    yield running
    running.stop()


def description(url: str) -> rdflib.Graph:
    response = requests.get(f"{url}/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=response.text, format="turtle")


def test_a_harvester_round_trip(own_address: Server) -> None:
    """/.well-known/void → void:dataDump → download → SHA-256 as stated → load into a fresh store →
    as many quads as void:triples, for every dump."""
    graph = description(own_address.url)
    datasets = {d for d in graph.subjects(VOID.dataDump, None) if graph.value(d, VOID.triples) is not None}
    assert len(datasets) == 1
    (dataset,) = datasets
    stated = int(graph.value(dataset, VOID.triples))
    dumps = sorted(graph.objects(dataset, VOID.dataDump))
    assert len(dumps) == 2
    for address in dumps:
        assert str(address).startswith(own_address.url + "/dumps/")
        distribution = graph.value(None, DCAT.downloadURL, address)
        checksum = graph.value(distribution, SPDX.checksum)
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        response = requests.get(str(address), timeout=60)
        assert response.status_code == 200
        body = response.content
        assert hashlib.sha256(body).hexdigest() == str(graph.value(checksum, SPDX.checksumValue))
        assert len(body) == int(graph.value(distribution, DCAT.byteSize))
        media_type = str(graph.value(distribution, DCAT.mediaType)).rsplit("/", 2)[-2:]
        if (distribution, DCAT.compressFormat, GZIP) in graph:
            body = gzip.decompress(body)
        fresh = ox.Store()
        fresh.load(body, format=ox.RdfFormat.from_media_type("/".join(media_type)))
        assert len(fresh) == stated, address
        assert fresh.contains_named_graph(ox.NamedNode(f"{own_address.url}/graph/dataset"))


def test_the_description_and_the_endpoint_agree(own_address: Server) -> None:
    """The SPARQL endpoint holds the same description (without the dumps' checksums, which no dump can
    hold), and the statistics of the data subset add up with the description's own quads."""
    graph = description(own_address.url)
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{own_address.url}/graph/dataset> {{ ?s ?p ?o }} }}"
    answer = requests.get(f"{own_address.url}/sparql", params={"query": query}, timeout=30).json()
    held = int(answer["results"]["bindings"][0]["n"]["value"])
    checksums = len(list(graph.subjects(SPDX.checksum, None)))
    assert checksums == 2 and len(graph) == held + 5 * checksums  # size, checksum and its 3 triples
    dataset = rdflib.URIRef(f"{own_address.url}/dataset")
    data = rdflib.URIRef(f"{dataset}#data")
    assert (dataset, VOID.subset, data) in graph
    assert int(graph.value(dataset, VOID.triples)) == int(graph.value(data, VOID.triples)) + 2 * held


def test_ranges(server: Server) -> None:
    index = requests.get(f"{server.url}/dumps/", timeout=30).json()
    entry = next(f for f in index["files"] if f["name"] == "dprk-kg.trig")
    whole = requests.get(f"{server.url}/dumps/dprk-kg.trig", timeout=30)
    assert whole.headers["Accept-Ranges"] == "bytes" and int(whole.headers["Content-Length"]) == entry["bytes"]
    part = requests.get(f"{server.url}/dumps/dprk-kg.trig", headers={"Range": "bytes=100-199"}, timeout=30)
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{entry['bytes']}"
    assert part.content == whole.content[100:200]
    tail = requests.get(f"{server.url}/dumps/dprk-kg.trig", headers={"Range": "bytes=-50"}, timeout=30)
    assert tail.status_code == 206 and tail.content == whole.content[-50:]
    beyond = requests.get(
        f"{server.url}/dumps/dprk-kg.trig", headers={"Range": f"bytes={entry['bytes'] + 10}-"}, timeout=30
    )
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{entry['bytes']}"


def test_conditional_requests_and_head(server: Server) -> None:
    url = f"{server.url}/dumps/dprk-kg.nq.gz"
    head = requests.head(url, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Type"] == "application/gzip" and "Content-Encoding" not in head.headers
    got = requests.get(url, timeout=30)
    assert int(head.headers["Content-Length"]) == len(got.content)
    assert got.headers["ETag"] == f'"{hashlib.sha256(got.content).hexdigest()}"'  # strong: the bytes' digest
    assert "Last-Modified" in got.headers and got.headers["Cache-Control"].startswith("public")
    again = requests.get(url, headers={"If-None-Match": got.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    since = requests.get(url, headers={"If-Modified-Since": got.headers["Last-Modified"]}, timeout=30)
    assert since.status_code == 304
    other = requests.get(url, headers={"If-None-Match": '"another"'}, timeout=30)
    assert other.status_code == 200 and other.content == got.content
    void = requests.get(f"{server.url}/.well-known/void", timeout=30)
    assert (
        requests.get(
            f"{server.url}/.well-known/void", headers={"If-None-Match": void.headers["ETag"]}, timeout=30
        ).status_code
        == 304
    )


def test_the_index(server: Server) -> None:
    listing = requests.get(f"{server.url}/dumps/", timeout=30)
    assert listing.headers["Content-Type"] == "application/json"
    files = listing.json()["files"]
    assert {f["name"] for f in files} == {"dprk-kg.trig", "dprk-kg.nq.gz"}
    for entry in files:
        body = requests.get(entry["url"], timeout=30).content
        assert hashlib.sha256(body).hexdigest() == entry["sha256"] and len(body) == entry["bytes"]
    again = requests.get(f"{server.url}/dumps/", headers={"If-None-Match": listing.headers["ETag"]}, timeout=30)
    assert again.status_code == 304
    page = requests.get(f"{server.url}/dumps/", headers={"Accept": "text/html"}, timeout=30)
    assert page.headers["Content-Type"].startswith("text/html")
    assert all(f'href="/dumps/{f["name"]}"' in page.text and f["sha256"] in page.text for f in files)
    assert (
        requests.get(f"{server.url}/dumps", allow_redirects=False, timeout=30).headers["Location"].endswith("/dumps/")
    )


@pytest.mark.parametrize("name", ["nothing.nq", "manifest.json", "..%2Fstore", "%2E%2E", "dprk-kg.trig%00"])
def test_only_the_dumps_are_served(server: Server, name: str) -> None:
    response = requests.get(f"{server.url}/dumps/{name}", timeout=30)
    assert response.status_code == 404, response.text


@pytest.mark.parametrize(
    ("accept", "media_type", "parse_format"),
    [
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/json", "application/ld+json", "json-ld"),
    ],
)
def test_the_description_by_content_negotiation(
    server: Server, accept: str, media_type: str, parse_format: str
) -> None:
    response = requests.get(f"{server.url}/.well-known/void", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media_type)
    assert "Accept" in response.headers["Vary"]
    graph = rdflib.Graph().parse(data=response.text, format=parse_format)
    assert (None, VOID.dataDump, None) in graph and (None, SPDX.checksumValue, None) in graph


def test_the_description_for_a_browser_and_its_links(server: Server) -> None:
    page = requests.get(f"{server.url}/.well-known/void", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and "CC BY 4.0" in page.text and "remain their publishers" in page.text
    assert 'href="/dumps/dprk-kg.nq.gz"' in page.text
    for path in ("/", "/ontology.html", "/id/north-hamgyong-province.html"):
        other = requests.get(f"{server.url}{path}", headers={"Accept": "text/html"}, timeout=30)
        assert 'href="/.well-known/void"' in other.text, path
    for path, target in [
        ("/dataset", "/.well-known/void"),
        ("/catalog", "/.well-known/void"),
        ("/dataset.html", "/.well-known/void"),  # where a page links the dataset's IRI
        ("/dataset.ttl", "/.well-known/void?format=turtle"),
    ]:
        moved = requests.get(f"{server.url}{path}", allow_redirects=False, timeout=30)
        assert moved.status_code == 303 and moved.headers["Location"].endswith(target), path
    assert requests.get(f"{server.url}/dataset.exe", timeout=30).status_code == 404
    graph = requests.get(f"{server.url}/graph/dataset.html", timeout=30)  # the graph, with its provenance
    assert graph.status_code == 200 and "wasGeneratedBy" in graph.text
    sd = requests.get(f"{server.url}/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert f"<{server.url}/.well-known/void>" in sd.text
    assert requests.get(f"{server.url}/.well-known/void?format=csv", timeout=30).status_code == 406


def test_an_empty_store_has_no_description_and_no_dumps(writable_server: Server) -> None:
    """A store filled through the write API was never described by a build: it says so, clearly."""
    void = requests.get(f"{writable_server.url}/.well-known/void", timeout=30)
    assert void.status_code == 404 and "dprk-kg build" in void.text
    listing = requests.get(f"{writable_server.url}/dumps/", timeout=30).json()
    assert listing["files"] == [] and "written after the last build" in listing["note"]
    assert requests.get(f"{writable_server.url}/dumps/dprk-kg.trig", timeout=30).status_code == 404


def test_export_and_the_dumps_hold_the_same_quads(server: Server, built_store: Path, tmp_path: Path) -> None:
    exported = tmp_path / "export.nq"
    ran = run_cli("export", "--store", str(built_store), "--format", "nquads", "-o", str(exported))
    assert ran.returncode == 0, ran.stderr
    expected = set(ox.parse(path=str(exported), format=ox.RdfFormat.N_QUADS))
    packed = requests.get(f"{server.url}/dumps/dprk-kg.nq.gz", timeout=30).content
    assert set(ox.parse(gzip.decompress(packed), format=ox.RdfFormat.N_QUADS)) == expected
    trig = requests.get(f"{server.url}/dumps/dprk-kg.trig", timeout=30).content
    assert set(ox.parse(trig, format=ox.RdfFormat.TRIG)) == expected
    assert len(expected) == len(exported.read_text().splitlines())
    assert json.loads(requests.get(f"{server.url}/dumps/", timeout=30).text)["store_version"]


@pytest.mark.parametrize(
    "header", ["bytes=abc", "bytes=5-2", "bytes=0-1,5-6", "items=0-9", "bytes=-0", "bytes=" + "9" * 40]
)
def test_odd_ranges_are_answered_not_crashed_on(server: Server, header: str) -> None:
    """A range that is malformed, unsupported (several ranges) or empty: the whole file, or 416 — never
    a server error, and never bytes that are not the file's."""
    whole = requests.get(f"{server.url}/dumps/dprk-kg.trig", timeout=30).content
    response = requests.get(f"{server.url}/dumps/dprk-kg.trig", headers={"Range": header}, timeout=30)
    assert response.status_code in (200, 206, 416), response.text
    if response.status_code == 200:
        assert response.content == whole
    if response.status_code == 206:
        start, end = map(int, response.headers["Content-Range"].split(" ")[1].split("/")[0].split("-"))
        assert response.content == whole[start : end + 1]
