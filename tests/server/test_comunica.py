"""Comunica, the real CLI from the npm registry (pinned in tests/clients, installed by
``scripts/test-clients``), against a real server, with no options but the output format.

Link traversal asks for N-Quads first and reads only the default graph of what it fetches: the
``.nq``/``.trig`` representations of ``/id/…`` carry the facts of the description in the default graph
as well as in their named graphs, so a query seeded at one entity finds its neighbours' names on their
own pages. The store is built with the server's own address as its base, so every IRI dereferences."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from tests.server.conftest import Server
from tests.server.test_dumps import own_address  # noqa: F401 (the fixture: the seeds at this server's address)

CLIENTS = Path(__file__).resolve().parents[1] / "clients" / "node_modules" / ".bin"
LINK_TRAVERSAL = CLIENTS / "comunica-sparql-link-traversal"
SPARQL = CLIENTS / "comunica-sparql"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LOCATED_IN = "https://w3id.org/dprk-kg/ontology#locatedIn"

pytestmark = pytest.mark.skipif(
    not (LINK_TRAVERSAL.exists() and SPARQL.exists()), reason="Comunica is not installed: run scripts/test-clients"
)


def comunica(program: Path, *arguments: str) -> list[dict[str, dict[str, str]]]:
    done = subprocess.run(
        [str(program), *arguments, "-t", "application/sparql-results+json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, dict[str, str]]] = json.loads(done.stdout)["results"]["bindings"]
    return rows


def test_link_traversal_from_an_entity(own_address: Server) -> None:  # noqa: F811
    """Seeded at /id/north-hamgyong-province only: the places located in it (read from its own page)
    and their names (read from theirs), in English and Hangul."""
    province = f"{own_address.url}/id/north-hamgyong-province"
    query = f"SELECT ?place ?name WHERE {{ ?place <{LOCATED_IN}> <{province}> ; <{RDFS_LABEL}> ?name }}"
    rows = comunica(LINK_TRAVERSAL, query)
    names = {(row["place"]["value"].removeprefix(own_address.url), row["name"]["value"]) for row in rows}
    assert ("/id/musan-county", "Musan County") in names
    assert ("/id/musan-county", "무산군") in names
    assert ("/id/orang-county", "Orang County") in names
    # every place it found is one the server's own endpoint says is there
    expected = requests.post(
        f"{own_address.url}/sparql",
        data={"query": f"SELECT DISTINCT ?place WHERE {{ ?place <{LOCATED_IN}> <{province}> }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    assert {row["place"]["value"] for row in rows} == {row["place"]["value"] for row in expected}


def test_quad_representations_hold_the_facts_in_the_default_graph(own_address: Server) -> None:  # noqa: F811
    """What Comunica reads: the description's factual statements stand in the default graph, and no
    statement that only a non-factual graph holds does."""
    province = f"{own_address.url}/id/north-hamgyong-province"
    response = requests.get(province, headers={"Accept": "application/n-quads"}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/n-quads")
    quads = list(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))
    default = {quad.triple for quad in quads if quad.graph_name == ox.DefaultGraph()}
    label = ox.Triple(
        ox.NamedNode(province), ox.NamedNode(RDFS_LABEL), ox.Literal("North Hamgyong Province", language="en")
    )
    assert label in default
    facts = {
        q.triple for q in ox.parse(requests.get(f"{province}.nt", timeout=30).content, format=ox.RdfFormat.N_TRIPLES)
    }
    about = {t for t in default if ox.NamedNode(province) in (t.subject, t.object)}
    assert about and about <= facts  # a default-graph statement about it is one of its facts
    named = {quad.triple for quad in quads if quad.graph_name != ox.DefaultGraph()}
    assert about <= named  # and it still stands in the graphs it comes from


def test_the_sparql_engine_on_the_endpoint(server: Server) -> None:
    """comunica-sparql finds the endpoint from its service description and runs a query on it."""
    query = f"SELECT ?name WHERE {{ ?province <{RDFS_LABEL}> ?name ; a <https://w3id.org/dprk-kg/ontology#Province> }}"
    rows = comunica(SPARQL, f"{server.url}/sparql", query)
    names = {row["name"]["value"] for row in rows}
    assert {"North Hamgyong Province", "함경북도"} <= names
