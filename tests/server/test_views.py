"""Views (issue 10): the default graph of /sparql holds what the sources state or report as fact; a
client chooses everything with the standard default-graph-uri — here with SPARQLWrapper, as any
client would — and still finds each non-factual triple with its status through GRAPH."""

from __future__ import annotations

import pytest
import rdflib
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from dprk_kg.vocabulary import DEFAULT_BASE
from tests.server.conftest import Server

UNCERTAIN = (
    "ASK { <https://w3id.org/dprk-kg/id/government-of-north-korea> <https://w3id.org/dprk-kg/ontology#funds> "
    "<https://w3id.org/dprk-kg/id/20x10-regional-projects> }"
)
ENTAILED_FROM_A_GUESS = (
    "ASK { <https://w3id.org/dprk-kg/id/20x10-regional-development-policy> "
    "<https://w3id.org/dprk-kg/ontology#fundedBy> <https://w3id.org/dprk-kg/id/russian-funding-for-weapons> }"
)
COMPLETE, FACTS = f"{DEFAULT_BASE}view/complete", f"{DEFAULT_BASE}view/facts"


def _ask(server: Server, query: str, *default_graphs: str) -> bool:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    for graph in default_graphs:
        client.addDefaultGraph(graph)
    answer = client.queryAndConvert()
    assert isinstance(answer, dict)
    return bool(answer["boolean"])


@pytest.mark.parametrize("query", [UNCERTAIN, ENTAILED_FROM_A_GUESS])
def test_the_default_graph_holds_facts_and_the_complete_view_everything(server: Server, query: str) -> None:
    assert _ask(server, query) is False
    assert _ask(server, query, FACTS) is False
    assert _ask(server, query, COMPLETE) is True


def test_a_view_is_the_whole_default_graph(server: Server) -> None:
    response = requests.get(
        f"{server.url}/sparql",
        params={"query": "ASK {}", "default-graph-uri": [COMPLETE, f"{DEFAULT_BASE}graph/registry"]},
    )
    assert response.status_code == 400 and "give it alone" in response.text


def test_named_graphs_stay_selectable_beside_a_view(server: Server) -> None:
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    registry = f"{DEFAULT_BASE}graph/registry"
    response = requests.get(
        f"{server.url}/sparql",
        params={"query": query, "default-graph-uri": COMPLETE, "named-graph-uri": registry},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "1"


@pytest.mark.parametrize(
    ("view", "uncertain", "entailed", "a_stated_fact"),
    [
        ("non-factual", True, True, False),
        ("stated", True, False, True),  # "it is not clear …" is the outlet's own sentence: stated, uncertain
        ("reported", False, False, False),
        ("inferred", False, False, False),  # the inferred claim is there; what it entails rests in inferred-non-factual
        ("opinion", False, False, False),
    ],
)
def test_a_view_per_status(server: Server, view: str, uncertain: bool, entailed: bool, a_stated_fact: bool) -> None:
    """Each view is the merge of the graphs it names; the claims keep their status in every one."""
    iri = f"{DEFAULT_BASE}view/{view}"
    stated = (
        "ASK { <https://w3id.org/dprk-kg/id/20x10-regional-development-policy> "
        "<https://w3id.org/dprk-kg/ontology#sitesPerYear> 20 }"
    )
    assert _ask(server, UNCERTAIN, iri) is uncertain
    assert _ask(server, ENTAILED_FROM_A_GUESS, iri) is entailed
    assert _ask(server, stated, iri) is a_stated_fact


def test_the_inferred_view_holds_the_curators_years(server: Server) -> None:
    year = (
        "ASK { <https://w3id.org/dprk-kg/id/kim-jong-un-speech-to-the-spa-january-15> "
        '<https://w3id.org/dprk-kg/ontology#date> "2024-01-15"^^<http://www.w3.org/2001/XMLSchema#date> }'
    )
    assert _ask(server, year) is False
    assert _ask(server, year, f"{DEFAULT_BASE}view/inferred") is True


def test_the_service_description_names_the_views(server: Server) -> None:
    response = requests.get(f"{server.url}/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    views = set(graph.objects(None, rdflib.URIRef("https://w3id.org/dprk-kg/ontology#view")))
    names = ("facts", "complete", "non-factual", "stated", "reported", "inferred", "opinion")
    assert views == {rdflib.URIRef(f"{DEFAULT_BASE}view/{name}") for name in names}
    for view in views:
        assert graph.value(view, rdflib.DCTERMS.description)


# --- the mention linker's annotations (issue 13): not facts, so outside the default graph -----------

MENTIONED = (
    "ASK { ?a a <http://www.w3.org/ns/oa#Annotation> ; "
    "<http://www.w3.org/ns/oa#hasBody> <https://w3id.org/dprk-kg/id/kim-jong-un> }"
)
IN_A_GRAPH = f"ASK {{ GRAPH <{DEFAULT_BASE}graph/mentions/004_5b61ddd10aea0cba> {{ {MENTIONED[6:-2]} }} }}"


@pytest.mark.parametrize(
    ("views", "expected"),
    [((), False), ((FACTS,), False), ((COMPLETE,), True), ((f"{DEFAULT_BASE}view/non-factual",), True)],
)
def test_annotations_are_outside_the_facts(server: Server, views: tuple[str, ...], expected: bool) -> None:
    assert _ask(server, MENTIONED, *views) is expected


def test_annotations_are_reached_through_their_graph(server: Server) -> None:
    assert _ask(server, IN_A_GRAPH) is True
