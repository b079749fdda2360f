"""The dataset description the build computes: each figure checked against one counted here
independently — in Python over every quad of the built store, and by SPARQL queries of another form
than the build's — and the rule that makes ``void:triples`` what a harvester loads."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyoxigraph as ox
import pytest

from dprk_kg.iris import Iris
from dprk_kg.store import EmbeddedStore
from dprk_kg.vocabulary import DCAT, DCTERMS, RDF, RDFS, SKOS, VOID, WD

IRIS = Iris()
DATASET = IRIS.dataset
DATA = IRIS.dataset + "#data"
GRAPH = ox.NamedNode(IRIS.dataset_graph)
# the description's triples: (subject, predicate) → objects
Description = dict[tuple[str, str], list[Any]]


@pytest.fixture(scope="module")
def quads(store: EmbeddedStore) -> list[ox.Quad]:
    return list(store.store)


@pytest.fixture(scope="module")
def description(quads: list[ox.Quad]) -> Description:
    found: Description = {}
    for q in quads:
        if q.graph_name == GRAPH:
            found.setdefault((q.subject.value, q.predicate.value), []).append(q.object)  # type: ignore[union-attr]
    return found


def number(description: Description, subject: str, predicate: ox.NamedNode) -> int:
    (value,) = description[(subject, predicate.value)]
    assert value.datatype.value.endswith("#integer")
    return int(value.value)


def values(description: Description, subject: str, predicate: ox.NamedNode) -> list[str]:
    return sorted(term.value for term in description.get((subject, predicate.value), []))


@pytest.fixture(scope="module")
def data(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Every quad but the description's, in its graph and in the default graph's merge."""
    described = {q.triple for q in quads if q.graph_name == GRAPH}
    return [
        q for q in quads if q.graph_name != GRAPH and not (q.graph_name == ox.DefaultGraph() and q.triple in described)
    ]


def test_void_triples_is_every_quad_of_the_store(
    store: EmbeddedStore, description: Description, quads: list[ox.Quad]
) -> None:
    assert number(description, DATASET, VOID.triples) == store.quad_count() == len(quads)


def test_the_description_is_merged_into_the_default_graph(quads: list[ox.Quad]) -> None:
    """Metadata, not a claim: in the default graph as every factual graph is, each triple once more."""
    own = {q.triple for q in quads if q.graph_name == GRAPH}
    default = {q.triple for q in quads if q.graph_name == ox.DefaultGraph()}
    assert len(own) > 100 and own <= default


def test_the_statistics_of_the_data(description: Description, data: list[ox.Quad]) -> None:
    named = [q for q in data if isinstance(q.graph_name, ox.NamedNode)]
    assert number(description, DATA, VOID.triples) == len(data)
    assert number(description, DATA, VOID.distinctSubjects) == len({q.subject for q in named})
    assert number(description, DATA, VOID.distinctObjects) == len({q.object for q in named})
    entities = {
        q.subject for q in named if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(IRIS.base)
    }
    assert number(description, DATA, VOID.entities) == len(entities)
    links = [q for q in data if q.predicate == SKOS.exactMatch and q.object.value.startswith(WD.iri)]
    assert len(links) > 20
    assert number(description, f"{IRIS.dataset}#wikidata-links", VOID.triples) == len(links)


def test_the_partitions(description: Description, data: list[ox.Quad]) -> None:
    properties = Counter(q.predicate.value for q in data)
    typed: dict[str, set[ox.NamedNode | ox.BlankNode]] = {}
    for q in data:
        if q.predicate == RDF.type and isinstance(q.graph_name, ox.NamedNode):
            typed.setdefault(q.object.value, set()).add(q.subject)  # type: ignore[arg-type]
    stated_properties = {
        values(description, p, VOID.property)[0]: number(description, p, VOID.triples)
        for p in values(description, DATA, VOID.propertyPartition)
    }
    stated_classes = {
        values(description, c, VOID["class"])[0]: number(description, c, VOID.entities)
        for c in values(description, DATA, VOID.classPartition)
    }
    assert stated_properties == dict(properties)
    assert stated_classes == {cls: len(members) for cls, members in typed.items()}
    assert number(description, DATA, VOID.properties) == len(properties)
    assert number(description, DATA, VOID.classes) == len(typed)


def test_the_counts_by_sparql(store: EmbeddedStore, description: Description) -> None:
    """A few figures asked of the store as a user would, one query each, through the SPARQL engine."""
    province = "https://w3id.org/dprk-kg/ontology#Province"
    partitions = values(description, DATA, VOID.classPartition)
    (partition,) = [c for c in partitions if values(description, c, VOID["class"]) == [province]]
    rows = store.select(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?p a dkg:Province } "
        "FILTER (?g != <https://w3id.org/dprk-kg/graph/dataset>) }",
        prefixes={"dkg": "https://w3id.org/dprk-kg/ontology#"},
    )
    assert number(description, partition, VOID.entities) == int(rows[0]["n"]) >= 3
    held = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/dprk-kg/graph/dataset> { ?s ?p ?o } }")
    everything = store.select("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    assert number(description, DATASET, VOID.triples) == int(everything[0]["n"])
    assert number(description, DATA, VOID.triples) == int(everything[0]["n"]) - 2 * int(held[0]["n"])


def test_licence_dates_endpoint_dumps_and_examples(description: Description) -> None:
    assert values(description, DATASET, DCTERMS.license) == ["https://creativecommons.org/licenses/by/4.0/"]
    (rights,) = values(description, DATASET, DCTERMS.rights)
    assert "remain their publishers'" in values(description, rights, RDFS.label)[0]
    dates = {values(description, DATASET, p)[0] for p in (DCTERMS.created, DCTERMS.issued, DCTERMS.modified)}
    assert len(dates) == 1 and next(iter(dates)).endswith("Z")
    assert values(description, DATASET, VOID.sparqlEndpoint) == [f"{IRIS.base}sparql"]
    assert values(description, DATASET, VOID.uriSpace) == [IRIS.base]
    dumps = values(description, DATASET, VOID.dataDump)
    assert dumps == [f"{IRIS.base}dumps/dprk-kg.nq.gz", f"{IRIS.base}dumps/dprk-kg.trig"]
    distributions = values(description, DATASET, DCAT.distribution)
    assert sorted(url for d in distributions for url in values(description, d, DCAT.downloadURL)) == dumps
    examples = values(description, DATASET, VOID.exampleResource)
    assert len(examples) == 3 and all(e.startswith(IRIS.entity("")) for e in examples)
    assert values(description, f"{IRIS.base}catalog", DCAT.dataset) == [DATASET]
