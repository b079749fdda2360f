"""The registry's entries as triples of the registry graph."""

from __future__ import annotations

import pyoxigraph as ox

from dprk_kg.errors import InputError
from dprk_kg.iris import Iris
from dprk_kg.loaders.ontology import Ontology
from dprk_kg.loaders.registry import Registry
from dprk_kg.loaders.terms import expand, iri, text
from dprk_kg.namespaces import DKG, ORG, WD

RDF_TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
SKOS = "http://www.w3.org/2004/02/skos/core#"
CHECK_NAMES = {"ko": "Hangul label", "wikidata": "Wikidata link", "located_in": "located in"}


def registry_quads(registry: Registry, ontology: Ontology, iris: Iris, prefixes: dict[str, str]) -> list[ox.Quad]:
    graph = iri(iris.registry_graph)
    quads: list[ox.Quad] = []
    for entry in registry.entries:
        node = iri(iris.entity(entry.id))

        def add(predicate: str | ox.NamedNode, obj: ox.NamedNode | ox.Literal, node: ox.NamedNode = node) -> None:
            quads.append(
                ox.Quad(node, predicate if isinstance(predicate, ox.NamedNode) else iri(predicate), obj, graph)
            )

        for curie in entry.types:
            try:
                class_iri = expand(curie, prefixes)
            except KeyError:
                raise InputError(
                    registry.path, entry.lines["type"], f"entity {entry.id!r}: unknown prefix in {curie!r}"
                ) from None
            if not ontology.is_class(class_iri):
                raise InputError(
                    registry.path, entry.lines["type"], f"entity {entry.id!r}: {curie} is not a class of the ontology"
                )
            add(RDF_TYPE, iri(class_iri))
        add(RDFS_LABEL, text(entry.label))
        if entry.ko:
            add(RDFS_LABEL, text(entry.ko, "ko"))
        for alt in entry.alt:
            add(SKOS + "altLabel", text(alt))
        for romanised in entry.romanised:
            add(SKOS + "altLabel", text(romanised, "ko-Latn"))
        if entry.wikidata:
            add(SKOS + "exactMatch", iri(WD[entry.wikidata]))
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
