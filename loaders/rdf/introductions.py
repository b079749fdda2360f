"""Entities documents introduce, known to every other document: so a claim may name another
document's entity by its id alone, without typing and labelling it again.

Before its batches load, a build reads every claims file for the entities it introduces (an ``id:``
subject a claim types, not in the registry) with their types and English label, and for the entities
it names that neither the registry nor its own claims introduce. Each worker then knows, as it knows
the registry, what the others introduce: an id no document introduces is an error (with the nearest
ids), and a reference is checked against the introducing document's types — by the domain and range
checks, and by SHACL, whose working store gets those types and the label as context, as it gets the
registry entries a batch references.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from dprk_kg.iris import Iris
from dprk_kg.loaders.rdf.terms import value_of
from dprk_kg.loaders.sources.claims import ClaimsFile
from dprk_kg.loaders.sources.documents import Document
from dprk_kg.loaders.sources.registry import Registry
from dprk_kg.vocabulary import RDF, RDFS


@dataclass(frozen=True)
class Introduction:
    """An entity some documents introduce: its types and English label, and which documents."""

    slug: str
    types: frozenset[str]  # class IRIs
    label: str | None
    documents: frozenset[str]


@dataclass(frozen=True)
class Introduced:
    """What one document introduces, and the entities it names that it does not introduce (nor the registry)."""

    document: str
    entities: tuple[Introduction, ...]
    external: frozenset[str]


def introduced_by(document: Document, claims: ClaimsFile, registry: Registry, iris: Iris) -> Introduced:
    prefix = iris.entity("")
    types: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    named: set[str] = {document.publisher, *document.authors}
    for claim in claims.claims:
        named.add(claim.attributed_to)
        for triple in claim.triples:
            named.update(
                value_of(term)[len(prefix) :]
                for term in (triple.subject, triple.object)
                if isinstance(term, ox.NamedNode) and term.value.startswith(prefix)
            )
            subject = value_of(triple.subject)
            slug = subject[len(prefix) :]
            if not subject.startswith(prefix) or registry.get(slug) is not None:
                continue
            if triple.predicate == RDF.type:
                types.setdefault(slug, set()).add(value_of(triple.object))
            elif triple.predicate == RDFS.label and _english(triple.object):
                labels.setdefault(slug, value_of(triple.object))
    entities = tuple(
        Introduction(slug, frozenset(found), labels.get(slug), frozenset({document.id}))
        for slug, found in sorted(types.items())
    )
    external = frozenset(slug for slug in named if slug not in types and registry.get(slug) is None)
    return Introduced(document.id, entities, external)


def _english(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> bool:
    return isinstance(term, ox.Literal) and term.language == "en"


def joined(documents: Iterable[Introduced]) -> dict[str, Introduction]:
    """Every introduced entity, its types and documents joined over the documents that introduce it."""
    found: dict[str, Introduction] = {}
    for document in documents:
        for entity in document.entities:
            seen = found.get(entity.slug)
            if seen is None:
                found[entity.slug] = entity
            else:
                found[entity.slug] = Introduction(
                    entity.slug,
                    seen.types | entity.types,
                    seen.label or entity.label,
                    seen.documents | entity.documents,
                )
    return found


def elsewhere(introductions: Mapping[str, Introduction], document: str) -> dict[str, Introduction]:
    """The entities other documents than ``document`` introduce."""
    return {slug: i for slug, i in introductions.items() if i.documents - {document}}


def context_triples(slugs: Iterable[str], introductions: Mapping[str, Introduction], iris: Iris) -> list[ox.Triple]:
    """The types and label of each of the entities, as their introducing documents give them."""
    triples: list[ox.Triple] = []
    for slug in sorted(set(slugs)):
        entity = introductions.get(slug)
        if entity is None:
            continue
        node = ox.NamedNode(iris.entity(slug))
        triples += [ox.Triple(node, RDF.type, ox.NamedNode(t)) for t in sorted(entity.types)]
        if entity.label is not None:
            triples.append(ox.Triple(node, RDFS.label, ox.Literal(entity.label, language="en")))
    return triples


def key_material(external: Iterable[str], introductions: Mapping[str, Introduction]) -> str:
    """What a document's batch depends on of the other documents: the types and labels of the entities
    it names by id alone (part of the batch's cache key)."""
    parts = []
    for slug in sorted(set(external)):
        entity = introductions.get(slug)
        parts.append(f"{slug}|{','.join(sorted(entity.types)) if entity else '-'}|{entity.label if entity else ''}")
    return "\n".join(parts)
