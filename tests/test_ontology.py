"""The ontology: labelled and defined terms, versioned, agreeing with the code, verified mappings."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from dprk_kg.store import EmbeddedStore
from dprk_kg.vocabulary import DKG, DKG_NS, ONTOLOGY_IRI
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def dkg_terms(ontology: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in ontology.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef) and str(s).startswith(DKG_NS)}


def test_versioned(ontology: rdflib.Graph) -> None:
    node = rdflib.URIRef(ONTOLOGY_IRI)
    assert (node, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(node, OWL.versionIRI) is not None
    assert ontology.value(node, OWL.versionInfo) is not None


def test_every_term_has_an_english_label_and_a_definition(ontology: rdflib.Graph) -> None:
    terms = dkg_terms(ontology)
    assert len(terms) > 150
    for term in terms:
        labels = [o for o in ontology.objects(term, RDFS.label) if getattr(o, "language", None) == "en"]
        assert len(labels) == 1, term
        assert ontology.value(term, SKOS.definition) or ontology.value(term, RDFS.comment), term


def test_code_terms_are_declared(ontology: rdflib.Graph) -> None:
    declared = {str(t) for t in dkg_terms(ontology)}
    used = {DKG.uri(name) for name in DKG.terms or ()}
    assert used <= declared, used - declared


def test_owl_rl_features_are_used(ontology: rdflib.Graph) -> None:
    for kind in (OWL.TransitiveProperty, OWL.SymmetricProperty):
        assert any(ontology.subjects(RDF.type, kind))
    assert any(ontology.subjects(OWL.inverseOf, None))
    assert any(ontology.subjects(RDFS.domain, None)) and any(ontology.subjects(RDFS.range, None))


def test_every_class_with_instances_has_a_shape(store: EmbeddedStore, ontology: rdflib.Graph) -> None:
    """Each class the loaders produce is the target of a shape, directly or through a superclass."""
    shapes = rdflib.Graph().parse(ROOT / "shapes" / "dprk-kg-shapes.ttl")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targeted = set(shapes.objects(None, sh.targetClass))
    classes = {
        rdflib.URIRef(r["c"])
        for r in store.select(
            "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?s a ?c } "
            "FILTER (STRSTARTS(STR(?g), 'https://w3id.org/dprk-kg/claim/') "
            "|| STRSTARTS(STR(?g), 'https://w3id.org/dprk-kg/graph/registry') "
            "|| STRSTARTS(STR(?g), 'https://w3id.org/dprk-kg/graph/provenance/')) }"
        )
    }
    assert len(classes) > 30
    for cls in classes:
        ancestors = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        assert ancestors & targeted, f"no shape targets {cls} or a superclass"


def test_no_term_is_declared_the_same_as_another(ontology: rdflib.Graph) -> None:
    """Wikidata alignment is skos:exactMatch/closeMatch (tests/test_wikidata_identifiers.py checks the
    identifiers); owl:sameAs would merge everything under reasoning."""
    assert not any(ontology.subject_objects(OWL.sameAs))
