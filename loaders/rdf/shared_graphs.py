"""The graphs no single document owns: the registry, the ontology, the shapes, and the build's own
provenance (where those came from, and which activities produced the store and its inferences)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import pyoxigraph as ox

from dprk_kg.errors import InputError
from dprk_kg.loaders.engines import Reasoner
from dprk_kg.loaders.rdf.provenance import agent_quads, source_file_quads
from dprk_kg.loaders.rdf.terms import Term, expand, iri, text, typed
from dprk_kg.loaders.rdf.wikibase_statements import FACTUAL_GRAPH as STATEMENTS_GRAPH
from dprk_kg.loaders.rdf.wikibase_statements import NON_FACTUAL_GRAPH as NON_FACTUAL_STATEMENTS_GRAPH
from dprk_kg.loaders.rdflib_bridge import from_rdflib
from dprk_kg.loaders.sources.inputs import Inputs, sha256_of
from dprk_kg.vocabulary import DCTERMS, DKG, ORG, PROV, RDF, RDFS, SKOS, WD, XSD

AnyTerm = TypeVar("AnyTerm", bound=Term)
CHECK_NAMES = {"ko": "Hangul label", "wikidata": "Wikidata link", "located_in": "located in"}
# How the build graph names each reasoner. The rules' text keeps the module's path from before the
# loaders were grouped by stage (now loaders/reasoning/rules.py), so that stores stay comparable.
REASONING_METHODS = {
    Reasoner.OWLRL: "owlrl",
    Reasoner.RULES: "SPARQL rules compiled from the ontology (loaders/rules.py)",
}


def registry_quads(inputs: Inputs) -> list[ox.Quad]:
    """Each registry entry's types, labels, hierarchy, Wikidata link (from the mapping set, with its
    evidence) and checks, in the registry graph."""
    registry, iris = inputs.registry, inputs.iris
    links = inputs.mappings.registry_links()
    graph = iri(iris.registry_graph)
    quads: list[ox.Quad] = []
    for entry in registry.entries:
        node = iri(iris.entity(entry.id))

        def add(predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal, node: ox.NamedNode = node) -> None:
            quads.append(ox.Quad(node, predicate, obj, graph))

        for curie in entry.types:
            try:
                class_iri = expand(curie, inputs.prefixes)
            except KeyError:
                raise InputError(
                    registry.path, entry.lines["type"], f"entity {entry.id!r}: unknown prefix in {curie!r}"
                ) from None
            if not inputs.ontology.is_class(class_iri):
                raise InputError(
                    registry.path, entry.lines["type"], f"entity {entry.id!r}: {curie} is not a class of the ontology"
                )
            add(RDF.type, iri(class_iri))
        add(RDFS.label, text(entry.label))
        if entry.ko:
            add(RDFS.label, text(entry.ko, "ko"))
        for alt in entry.alt:
            add(SKOS.altLabel, text(alt))
        for romanised in entry.romanised:
            add(SKOS.altLabel, text(romanised, "ko-Latn"))
        if entry.id in links:
            add(SKOS.exactMatch, WD[links[entry.id].wikidata_id])
            add(DKG.checkedAgainst, text(f"{CHECK_NAMES['wikidata']}: {links[entry.id].evidence}", None))
        if entry.located_in:
            add(DKG.locatedIn, iri(iris.entity(entry.located_in)))
        if entry.sub_organization_of:
            add(ORG.subOrganizationOf, iri(iris.entity(entry.sub_organization_of)))
        if entry.based_in:
            add(DKG.basedIn, iri(iris.entity(entry.based_in)))
        if entry.note:
            add(DKG.curatorNote, text(entry.note))
        for what, source in entry.checked:
            add(DKG.checkedAgainst, text(f"{CHECK_NAMES.get(what, what)}: {source}", None))
    return quads


def ontology_quads(inputs: Inputs) -> list[ox.Quad]:
    graph = iri(inputs.iris.ontology_graph)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in inputs.ontology.triples]


def shapes_quads(inputs: Inputs) -> list[ox.Quad]:
    """The shapes graph, its blank nodes replaced by skolem IRIs (RDF 1.1 §3.5) named after their
    RDFC-1.0 canonical labels: the store's loader renames blank nodes at random, so only IRIs keep a
    build reproducible."""
    iris = inputs.iris
    graph = iri(iris.graph("shapes"))
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, graph) for t in from_rdflib(inputs.shapes))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    def skolem(term: AnyTerm) -> AnyTerm | ox.NamedNode:
        return iri(f"{iris.base}.well-known/genid/{term.value}") if isinstance(term, ox.BlankNode) else term

    return sorted((ox.Quad(skolem(q.subject), q.predicate, skolem(q.object), q.graph_name) for q in dataset), key=str)


def reasoning_activity(inputs: Inputs) -> str:
    """The build's reasoning, named by its inputs (the same inputs, the same activity)."""
    return inputs.iris.activity(f"reason-{inputs.digest[:12]}")


def build_graph_quads(
    inputs: Inputs, started: str, ended: str, documents: int, reasoner: Reasoner
) -> Iterator[ox.Quad]:
    """The build graph: the software agent, the build and reasoning activities, and the provenance of
    the graphs no document owns (ontology, shapes, registry, inferred, dataset description)."""
    iris = inputs.iris
    g = iri(iris.build_graph)
    digest = inputs.digest[:12]
    build_activity = iri(iris.activity(f"build-{digest}"))
    reasoning = iri(reasoning_activity(inputs))
    agent = iri(inputs.agent)
    yield from agent_quads(inputs.agent, iris.build_graph)
    yield ox.Quad(build_activity, RDF.type, DKG.BuildActivity, g)
    yield ox.Quad(build_activity, RDFS.label, text(f"Build of the store from {documents} documents"), g)
    yield ox.Quad(build_activity, PROV.startedAtTime, typed(started, XSD.dateTime), g)
    yield ox.Quad(build_activity, PROV.endedAtTime, typed(ended, XSD.dateTime), g)
    yield ox.Quad(build_activity, PROV.wasAssociatedWith, agent, g)
    yield ox.Quad(reasoning, RDF.type, DKG.ReasoningActivity, g)
    yield ox.Quad(reasoning, RDFS.label, text(f"OWL 2 RL reasoning with {REASONING_METHODS[reasoner]}"), g)
    yield ox.Quad(reasoning, PROV.wasAssociatedWith, agent, g)
    yield ox.Quad(reasoning, DCTERMS.isPartOf, build_activity, g)
    for name, source_paths in [
        (iris.ontology_graph, inputs.ontology.files),
        (iris.graph("shapes"), ()),
        (iris.registry_graph, (inputs.registry.path, inputs.mappings.path)),
    ]:
        graph = iri(name)
        yield ox.Quad(graph, PROV.wasGeneratedBy, build_activity, g)
        for source_path in source_paths:
            source = iris.source_file(source_path.name)
            yield ox.Quad(graph, PROV.wasDerivedFrom, iri(source), g)
            yield from source_file_quads(source, source_path.name, sha256_of(source_path), iris.build_graph)
    yield ox.Quad(iri(iris.inferred_graph), PROV.wasGeneratedBy, reasoning, g)
    for name in (STATEMENTS_GRAPH, NON_FACTUAL_STATEMENTS_GRAPH):  # the claims as Wikibase statements
        yield ox.Quad(iri(iris.graph(name)), PROV.wasGeneratedBy, build_activity, g)
        yield ox.Quad(iri(iris.graph(name)), PROV.wasDerivedFrom, iri(iris.source_file(inputs.mappings.path.name)), g)
    # the dataset's description, which the build computes last, on the finished store
    yield ox.Quad(iri(iris.dataset_graph), PROV.wasGeneratedBy, build_activity, g)
    non_factual = iri(iris.non_factual_inferred_graph)
    yield ox.Quad(non_factual, PROV.wasGeneratedBy, reasoning, g)
    yield ox.Quad(non_factual, RDF.type, DKG.NonFactual, g)
