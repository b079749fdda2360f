"""Dereferenceable IRIs: 303 to a page or a data document by Accept, and provenance on every page."""

from __future__ import annotations

import pytest
import rdflib
import requests

from tests.server.conftest import Server

ORANG = "https://w3id.org/dprk-kg/id/orang-county"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        (BROWSER["Accept"], ".html"),
        ("text/turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("application/n-triples", ".nt"),
        ("application/rdf+xml", ".rdf"),
        ("application/trig", ".trig"),
    ],
)
def test_the_thing_redirects_to_a_document_about_it(server: Server, accept: str, suffix: str) -> None:
    response = requests.get(f"{server.url}/id/orang-county", headers={"Accept": accept}, allow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/id/orang-county{suffix}"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("suffix", "parser"), [(".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt"), (".rdf", "xml")]
)
def test_data_documents_parse_and_describe_the_thing(server: Server, suffix: str, parser: str) -> None:
    response = requests.get(f"{server.url}/id/orang-county{suffix}")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format=parser)
    subject = rdflib.URIRef(ORANG)
    assert (subject, rdflib.RDFS.label, rdflib.Literal("어랑군", lang="ko")) in graph
    assert (
        subject,
        rdflib.URIRef("https://w3id.org/dprk-kg/ontology#locatedIn"),
        rdflib.URIRef("https://w3id.org/dprk-kg/id/north-hamgyong-province"),
    ) in graph


def test_trig_keeps_the_graphs_statements_come_from(server: Server) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(data=requests.get(f"{server.url}/id/musan-mine-workers-mobilisation.trig").content, format="trig")
    graphs = {
        str(g)
        for _, _, _, g in dataset.quads(
            (rdflib.URIRef("https://w3id.org/dprk-kg/id/musan-mine-workers-mobilisation"), None, None, None)
        )
    }
    assert any("/claim/004_5b61ddd10aea0cba/musan-mobilisation-size" in g for g in graphs)
    assert "https://w3id.org/dprk-kg/graph/inferred" in graphs


def test_html_page_shows_each_statement_with_its_provenance(server: Server) -> None:
    response = requests.get(f"{server.url}/id/musan-mine-workers-mobilisation", headers=BROWSER)
    assert response.status_code == 200 and response.url.endswith(".html")
    page = response.text
    assert "Mobilisation of Musan mine workers for 20×10 factory construction" in page
    assert 'href="/claim/004_5b61ddd10aea0cba/musan-mobilisation-size.html"' in page
    assert "The number of workers is said to be about two battalions, with 500 to 600 people." in page
    assert "status-reported" in page and "graph-inferred" in page


def test_claim_page_shows_the_quote_the_status_and_what_it_asserts(server: Server) -> None:
    page = requests.get(f"{server.url}/claim/000_1f7871d4d3f091d3/russian-funding.html").text
    assert "North Korea reportedly received $5 billion" in page
    assert "status-reported" in page and "reportedly" in page
    assert 'href="/id/russian-funding-for-weapons.html"' in page


def test_document_page_marks_the_quoted_spans(server: Server) -> None:
    page = requests.get(f"{server.url}/doc/004_5b61ddd10aea0cba.html").text
    assert page.count("<mark") > 30
    assert '<a href="/claim/004_5b61ddd10aea0cba/musan-shifts.html">They will be mobilized' in page


def test_ontology_and_graphs_dereference(server: Server) -> None:
    assert requests.get(f"{server.url}/ontology.ttl").status_code == 200
    assert "dprk-kg ontology" in requests.get(f"{server.url}/ontology", headers=BROWSER).text
    assert requests.get(f"{server.url}/graph/registry.html").status_code == 200


def test_unknown_iri_is_404(server: Server) -> None:
    response = requests.get(f"{server.url}/id/pyongyang-spaceport.ttl")
    assert response.status_code == 404 and "nothing is known about" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/id/x%3E%20%7D%20UNION%20%7B%20?s%20?p%20?o%20%7D.ttl",  # would close <…> if pasted into a query
        "/id/a%5Cu003E.html",  # an escape that a query's <…> would decode to ">"
        "/claim/x%22y.nq",
        "/doc/%7B%7D.html",
    ],
)
def test_a_path_that_is_no_iri_is_404(server: Server, path: str) -> None:
    response = requests.get(f"{server.url}{path}")
    assert response.status_code == 404 and "is not an absolute IRI" in response.text


def test_an_iri_with_query_syntax_in_it_is_only_itself(server: Server) -> None:
    """Characters that mean something in a query's text are part of the IRI the page is bound to."""
    response = requests.get(f"{server.url}/id/orang-county'(x);$y.ttl")
    assert response.status_code == 404 and "nothing is known about" in response.text
