"""The endpoint and the linked-data pages through the clients people use, each with its defaults and
nothing configured for this server: SPARQLWrapper (with every return format it has), rdflib
(``Graph.parse`` on pages, ``SPARQLStore`` on /sparql), curl, Raptor's rapper and Rasqal's roqet —
against a real ``dprk-kg serve`` over HTTP.

rapper and roqet come from Debian (raptor2-utils, rasqal-utils; ``scripts/system-deps`` installs them,
with curl): their tests are skipped where the program is missing, except under CI, where they fail.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import urllib.error
import warnings
from pathlib import Path
from typing import Any
from xml.dom.minidom import Document

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from dprk_kg.vocabulary import DEFAULT_BASE
from tests.server.conftest import Server

ORANG = rdflib.URIRef(f"{DEFAULT_BASE}id/orang-county")
COUNTY = rdflib.URIRef("https://w3id.org/dprk-kg/ontology#County")
COUNTIES = [f"{DEFAULT_BASE}id/{c}" for c in ("kyongsong-county", "musan-county", "orang-county")]
ORANG_LABEL = (ORANG, rdflib.RDFS.label, rdflib.Literal("Orang County", lang="en"))
QUERIES = {
    "SELECT": "SELECT ?c WHERE { ?c a dkg:County } ORDER BY ?c",
    "ASK": "ASK { id:orang-county a dkg:County }",
    "CONSTRUCT": "CONSTRUCT { ?c a dkg:County } WHERE { ?c a dkg:County }",
    "DESCRIBE": "DESCRIBE id:orang-county",
}
RETURN_FORMATS = [None, JSON, XML, TURTLE, N3, RDF, RDFXML, JSONLD, CSV, TSV]
# What each form's answer can be written in. The other pairs — Turtle for a SELECT, CSV for a
# CONSTRUCT … — have no serialisation; SPARQLWrapper itself warns that it does not expect them (it
# sends Accept: */* with format=…), and the endpoint answers 406 naming what it can give.
RESULTS = {None, JSON, XML, CSV, TSV}
GRAPHS = {None, JSON, XML, TURTLE, N3, RDF, RDFXML, JSONLD}
CARRIES = {"SELECT": RESULTS, "ASK": RESULTS, "CONSTRUCT": GRAPHS, "DESCRIBE": GRAPHS}


def program(name: str, package: str) -> str:
    """The path of a Debian program the test needs: skipped where it is missing, failed under CI."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the {name} tests: apt-get install {package} (scripts/system-deps)")
        pytest.skip(f"{name} is not installed (Debian's {package}; scripts/system-deps installs it, CI runs it)")
    return found


def run(*command: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


# --- SPARQLWrapper ----------------------------------------------------------------------------


@pytest.mark.parametrize("form", list(QUERIES))
@pytest.mark.parametrize("return_format", RETURN_FORMATS, ids=[str(f) for f in RETURN_FORMATS])
def test_sparqlwrapper_every_form_and_return_format(server: Server, form: str, return_format: str | None) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(QUERIES[form])
    if return_format is not None:
        client.setReturnFormat(return_format)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if return_format not in CARRIES[form]:
            with pytest.raises(urllib.error.HTTPError) as refused:
                client.query()
            assert refused.value.code == 406
            message = refused.value.read().decode()
            assert "cannot carry" in message and "available:" in message
            return
        result = client.query()
        converted = result.convert()
    # SPARQLWrapper warns when the Content-Type is not what it asked for: none may be about the answer
    mismatched = [str(w.message) for w in caught if "returned by the endpoint" in str(w.message)]
    assert mismatched == []
    check_answer(form, converted, result.info()["content-type"])


def check_answer(form: str, converted: Any, content_type: str) -> None:
    if form == "SELECT":
        assert select_rows(converted, content_type) == COUNTIES
    elif form == "ASK":
        assert ask_answer(converted, content_type) is True
    else:
        graph = as_graph(converted, content_type)
        if form == "CONSTRUCT":
            assert set(graph.subjects(rdflib.RDF.type, COUNTY)) == {rdflib.URIRef(c) for c in COUNTIES}
        else:
            assert ORANG_LABEL in graph


def select_rows(converted: Any, content_type: str) -> list[str]:
    if isinstance(converted, dict):
        return [row["c"]["value"] for row in converted["results"]["bindings"]]
    if isinstance(converted, Document):
        return [node.firstChild.data for node in converted.getElementsByTagName("uri")]
    text = converted.decode()
    if content_type.startswith("text/csv"):
        return [row[0] for row in csv.reader(io.StringIO(text))][1:]
    return [line.strip("<>") for line in text.splitlines()[1:]]  # TSV writes IRIs in <…>


def ask_answer(converted: Any, content_type: str) -> bool:
    if isinstance(converted, dict):
        return bool(converted["boolean"])
    if isinstance(converted, Document):
        return converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert content_type.startswith(("text/csv", "text/tab-separated-values"))
    return bool(converted.decode().strip() == "true")


def as_graph(converted: Any, content_type: str) -> rdflib.Graph:
    if isinstance(converted, rdflib.Graph):
        return converted
    assert isinstance(converted, bytes)
    # Turtle, or Turtle asked for as N3 (and labelled so): both readers take it
    parser = "n3" if content_type.startswith("text/n3") else "turtle"
    graph = rdflib.Graph().parse(data=converted, format=parser)
    assert len(graph) == len(rdflib.Graph().parse(data=converted, format="turtle"))
    return graph


# --- rdflib -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        ("/id/orang-county", None),  # a 303 by Accept: rdflib lists every RDF type it parses
        ("/id/orang-county", "xml"),
        ("/id/orang-county", "turtle"),
        ("/id/orang-county", "n3"),
        ("/id/orang-county", "nt"),
        ("/id/orang-county", "json-ld"),
        ("/id/orang-county.ttl", None),
        ("/id/orang-county.rdf", None),
        ("/id/orang-county.jsonld", None),
        ("/id/orang-county.nt", None),
        ("/sparql?query=DESCRIBE%20id:orang-county", None),
        ("/sparql?query=DESCRIBE%20id:orang-county&format=n3", None),  # labelled text/n3: rdflib's N3 reader
        ("/sparql?query=DESCRIBE%20id:orang-county&format=xml", None),
    ],
)
def test_rdflib_parses_pages_and_results_by_url(server: Server, path: str, parser: str | None) -> None:
    graph = rdflib.Graph().parse(f"{server.url}{path}", format=parser)
    assert ORANG_LABEL in graph


def test_rdflib_parses_the_service_description(server: Server) -> None:
    graph = rdflib.Graph().parse(f"{server.url}/sparql")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (rdflib.URIRef(f"{server.url}/sparql"), rdflib.RDF.type, sd.Service) in graph


def test_rdflib_reads_a_resource_with_its_graphs(server: Server) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(f"{server.url}/id/orang-county", format="trig")
    assert any(ORANG_LABEL in dataset.graph(context) for context in dataset.contexts())


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_rdflib_sparqlstore(server: Server, method: str, return_format: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(f"{server.url}/sparql", method=method, returnFormat=return_format))
    rows = graph.query(f"SELECT ?c WHERE {{ ?c a <{COUNTY}> }} ORDER BY ?c")
    assert [str(row[0]) for row in rows] == COUNTIES  # type: ignore[index]  # rdflib types rows loosely
    assert graph.query(f"ASK {{ <{ORANG}> a <{COUNTY}> }}").askAnswer is True
    constructed = graph.query(f"CONSTRUCT {{ ?c a <{COUNTY}> }} WHERE {{ ?c a <{COUNTY}> }}").graph
    assert constructed is not None and len(constructed) == 3
    described = graph.query(f"DESCRIBE <{ORANG}>").graph
    assert described is not None and ORANG_LABEL in described
    assert graph.value(ORANG, rdflib.RDFS.label) is not None
    assert ORANG_LABEL in set(graph.triples((ORANG, rdflib.RDFS.label, None)))


# --- curl -------------------------------------------------------------------------------------


def curl(*arguments: str) -> subprocess.CompletedProcess[str]:
    return run(program("curl", "curl"), "-sS", *arguments)


def test_curl_queries_with_its_defaults(server: Server) -> None:
    answer = curl("-f", "-G", f"{server.url}/sparql", "--data-urlencode", f"query={QUERIES['SELECT']}")
    assert answer.returncode == 0, answer.stderr
    assert [b["c"]["value"] for b in json.loads(answer.stdout)["results"]["bindings"]] == COUNTIES


@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_curl_asking_for_json_gets_json_ld_of_a_graph(server: Server, form: str) -> None:
    answer = curl(
        "-f",
        "-G",
        "-H",
        "Accept: application/json",
        "-w",
        "\n%{content_type}",
        f"{server.url}/sparql",
        "--data-urlencode",
        f"query={QUERIES[form]}",
    )
    assert answer.returncode == 0, answer.stderr
    body, _, content_type = answer.stdout.rpartition("\n")
    assert content_type.startswith("application/ld+json")
    graph = rdflib.Graph().parse(data=body, format="json-ld")
    assert len(graph) > 0


def test_curl_follows_a_resource_to_json_ld(server: Server) -> None:
    answer = curl("-f", "-L", "-H", "Accept: application/json", f"{server.url}/id/orang-county")
    assert answer.returncode == 0, answer.stderr
    assert ORANG_LABEL in rdflib.Graph().parse(data=answer.stdout, format="json-ld")


def test_curl_head_and_options(server: Server) -> None:
    head = curl("-I", "-G", f"{server.url}/sparql", "--data-urlencode", f"query={QUERIES['ASK']}")
    assert head.stdout.startswith("HTTP/1.1 200")
    assert "etag: w/" in head.stdout.lower() and "cache-control: public" in head.stdout.lower()
    options = curl("-i", "-X", "OPTIONS", f"{server.url}/sparql")
    assert options.stdout.startswith("HTTP/1.1 204")
    assert "allow: get, head, options, post" in options.stdout.lower()


def test_curl_revalidates_with_the_etag_and_the_date(server: Server, tmp_path: Path) -> None:
    """curl's own conditional requests: --etag-save/--etag-compare (If-None-Match) and -z
    (If-Modified-Since) get 304 on the second request."""
    url = f"{server.url}/id/orang-county.ttl"
    etag, body = tmp_path / "etag", tmp_path / "body"
    first = curl("-D", "-", "-o", str(body), "--etag-save", str(etag), url)
    assert first.stdout.startswith("HTTP/1.1 200") and body.stat().st_size > 0
    again = curl("-o", str(tmp_path / "again"), "-w", "%{http_code}", "--etag-compare", str(etag), url)
    assert again.stdout == "304"
    last_modified = next(
        line.split(":", 1)[1].strip() for line in first.stdout.splitlines() if line.lower().startswith("last-modified:")
    )
    dated = curl("-o", str(tmp_path / "dated"), "-w", "%{http_code}", "-z", last_modified, url)
    assert dated.stdout == "304"


# --- rapper (Raptor) --------------------------------------------------------------------------


def rapper_count(*arguments: str) -> int:
    answer = run(program("rapper", "raptor2-utils"), "-c", *arguments)
    assert answer.returncode == 0, answer.stderr
    line = next(line for line in answer.stderr.splitlines() if "Parsing returned" in line)
    return int(line.split("returned")[1].split()[0])


@pytest.mark.parametrize("syntax", [None, "guess", "rdfxml", "turtle", "ntriples"])
def test_rapper_reads_a_resource(server: Server, syntax: str | None) -> None:
    """rapper sends the Accept of its parser (RDF/XML by default; with ``-i guess`` every syntax it
    reads, HTML and RSS among them), follows the 303 and parses what comes back."""
    url = f"{server.url}/id/orang-county"
    expected = len(rdflib.Graph().parse(url, format="turtle"))
    assert rapper_count(*(("-i", syntax) if syntax else ()), url) == expected


@pytest.mark.parametrize("extra", ["", "&format=n3", "&format=xml", "&format=ntriples"])
def test_rapper_reads_query_results(server: Server, extra: str) -> None:
    url = f"{server.url}/sparql?query=DESCRIBE%20id:orang-county{extra}"
    expected = len(rdflib.Graph().parse(f"{server.url}/sparql?query=DESCRIBE%20id:orang-county", format="turtle"))
    assert rapper_count("-i", "guess", url) == expected


def test_rapper_reads_the_service_description(server: Server) -> None:
    answer = run(program("rapper", "raptor2-utils"), "-q", "-i", "guess", "-o", "ntriples", f"{server.url}/sparql")
    assert answer.returncode == 0, answer.stderr
    graph = rdflib.Graph().parse(data=answer.stdout, format="nt")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (rdflib.URIRef(f"{server.url}/sparql"), rdflib.RDF.type, sd.Service) in graph


# --- roqet (Rasqal) ---------------------------------------------------------------------------


def test_roqet_selects_through_the_protocol(server: Server) -> None:
    answer = run(program("roqet", "rasqal-utils"), "-q", "-p", f"{server.url}/sparql", "-e", QUERIES["SELECT"])
    assert answer.returncode == 0, answer.stderr
    assert [line.split("uri<")[1].rstrip(">]") for line in answer.stdout.splitlines()] == COUNTIES


@pytest.mark.parametrize("form", ["ASK", "CONSTRUCT", "DESCRIBE"])
def test_roqet_is_answered_for_every_form(server: Server, form: str) -> None:
    """roqet asks for SPARQL XML results whatever the form; a graph comes back as RDF/XML (the XML its
    Accept names) instead of a 406. Rasqal reads a protocol answer as variable bindings only
    (rasqal_service.c), so it shows no rows for these forms — from any endpoint — but gets no error."""
    answer = run(program("roqet", "rasqal-utils"), "-p", f"{server.url}/sparql", "-e", QUERIES[form])
    assert answer.returncode == 0, answer.stderr
    assert "HTTP status" not in answer.stderr and "Failed to fetch" not in answer.stderr
