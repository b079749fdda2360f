"""The ontology as a published vocabulary: every term says it is defined by the ontology, the
preferred prefix and namespace are given, and every term of another vocabulary that the ontology or
the data reuses is declared, with the vocabulary that defines it (declared, not imported: reasoning
stays offline and fast, and the loaders accept only declared terms in a claim)."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from dprk_kg.store import EmbeddedStore
from dprk_kg.vocabulary import DEFAULT_BASE, DKG_NS, ONTOLOGY_IRI
from tests.conftest import ROOT

VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
ONT = rdflib.URIRef(ONTOLOGY_IRI)
DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
STRUCTURAL = (str(RDF), str(RDFS), str(OWL))  # the languages' own terms, which need no declaration
DATA_GRAPHS = (
    "claim/",
    "graph/provenance/",
    "graph/registry",
    "graph/build",
    "graph/inferred",
    "graph/dataset",
    "graph/mentions/",  # the mention linker's Web Annotations (issue 13)
)


@pytest.fixture(scope="module")
def document() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "dprk-kg.ttl", format="turtle")


def declared(graph: rdflib.Graph) -> dict[rdflib.URIRef, set[rdflib.URIRef]]:
    found: dict[rdflib.URIRef, set[rdflib.URIRef]] = {}
    for subject, kind in graph.subject_objects(RDF.type):
        if kind in DECLARATIONS and isinstance(subject, rdflib.URIRef):
            found.setdefault(subject, set()).add(kind)
    return found


def test_every_term_is_defined_by_the_ontology(document: rdflib.Graph) -> None:
    terms = {s for s in document.subjects(RDF.type, None) if str(s).startswith(DKG_NS)}
    assert len(terms) > 200
    assert [t for t in terms if (t, RDFS.isDefinedBy, ONT) not in document] == []


def test_the_preferred_prefix_and_namespace(document: rdflib.Graph) -> None:
    assert str(document.value(ONT, VANN.preferredNamespacePrefix)) == "dkg"
    assert str(document.value(ONT, VANN.preferredNamespaceUri)) == DKG_NS


def test_no_import_every_reused_term_is_declared_with_its_vocabulary(document: rdflib.Graph) -> None:
    """Each IRI of another vocabulary that the ontology uses as a class or a property is declared
    (a class, an object, datatype or annotation property) with ``rdfs:isDefinedBy`` its vocabulary."""
    assert not list(document.objects(ONT, OWL.imports))
    used: set[rdflib.URIRef] = set(document.predicates())
    for predicate in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
        used |= {o for o in document.objects(None, predicate) if isinstance(o, rdflib.URIRef)}
    used |= {o for o in document.objects(None, RDF.type) if isinstance(o, rdflib.URIRef)}
    external = {iri for iri in used if not str(iri).startswith((DKG_NS, *STRUCTURAL, str(rdflib.XSD)))}
    external |= {iri for iri in declared(document) if not str(iri).startswith(DKG_NS)}
    assert len(external) > 60
    kinds = declared(document)
    assert sorted(str(iri) for iri in external if iri not in kinds and iri != RDFS.label) == []
    undefined = [str(iri) for iri in external if document.value(iri, RDFS.isDefinedBy) is None]
    assert undefined == []


def test_every_term_the_data_uses_is_declared(store: EmbeddedStore, document: rdflib.Graph) -> None:
    """Every property and class of the built store's data graphs (claims, registry, provenance, the
    build, the entailments) is declared by the ontology, with the vocabulary that defines it."""
    graphs = " || ".join(f'STRSTARTS(STR(?g), "{DEFAULT_BASE}{kind}")' for kind in DATA_GRAPHS)
    rows = store.select(
        f"SELECT DISTINCT ?term WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER ({graphs}) "
        "BIND (IF(?p = rdf:type, ?o, ?p) AS ?term) }",
        prefixes={"rdf": str(RDF)},
    )
    used = {rdflib.URIRef(row["term"]) for row in rows} - {RDF.type}
    assert len(used) > 60
    kinds = declared(document)
    assert sorted(str(t) for t in used if t not in kinds) == []
    assert sorted(str(t) for t in used if document.value(t, RDFS.isDefinedBy) is None) == []
