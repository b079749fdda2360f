"""Reference checks: every entity a document's claims name must exist, every term must be declared.

An entity exists if the registry lists it or a claim of the same document types it (``a dkg:…``),
so each document can be validated on its own, with only the registry and ontology beside it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from dprk_kg.errors import InputError
from dprk_kg.iris import Iris
from dprk_kg.loaders.claims import Claim, ClaimsFile
from dprk_kg.loaders.documents import Document
from dprk_kg.loaders.ontology import RDF_TYPE, Ontology
from dprk_kg.loaders.registry import Registry
from dprk_kg.namespaces import DKG_NS

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def introduced_entities(claims: ClaimsFile, iris: Iris) -> dict[str, Claim]:
    """Entities a document introduces: the slug of every ``id:`` subject a claim types."""
    prefix = iris.entity("")
    found: dict[str, Claim] = {}
    for claim in claims.claims:
        for triple in claim.triples:
            if triple.predicate == RDF_TYPE and triple.subject.value.startswith(prefix):
                found.setdefault(triple.subject.value[len(prefix) :], claim)
    return found


def check_references(
    document: Document, claims: ClaimsFile, ontology: Ontology, registry: Registry, iris: Iris
) -> None:
    """Raise ``InputError`` at the first unknown entity, unknown term or relabelled registry entity."""
    introduced = {
        slug: claim for slug, claim in introduced_entities(claims, iris).items() if registry.get(slug) is None
    }
    known = registry.ids() | introduced.keys()
    for slug, line in document.references():
        if slug not in known:
            raise InputError(document.files.meta, line, f"unknown entity {slug!r} (not in {registry.path.name})")
    for claim in claims.claims:
        if claim.attributed_to not in known:
            raise InputError(
                claims.path,
                claim.attributed_line,
                f"claim {claim.id!r}: attributed_to names unknown entity {claim.attributed_to!r}",
            )
        for triple in claim.triples:
            _check_triple(triple, claim, claims.path, document, ontology, registry, iris, known)
    _check_labels(introduced, claims, iris)


def _check_triple(
    triple: ox.Triple,
    claim: Claim,
    path: Path,
    document: Document,
    ontology: Ontology,
    registry: Registry,
    iris: Iris,
    known: set[str] | frozenset[str],
) -> None:
    where = f"claim {claim.id!r}"
    predicate = triple.predicate.value
    if not ontology.is_term(predicate):
        raise InputError(path, claim.line_mentioning(_local(predicate)), f"{where}: unknown term <{predicate}>")
    if triple.predicate == RDF_TYPE and not ontology.is_class(triple.object.value):
        raise InputError(
            path,
            claim.line_mentioning(_local(triple.object.value)),
            f"{where}: <{triple.object.value}> is not a class of the ontology",
        )
    if predicate == RDFS_LABEL and triple.subject.value.startswith(iris.entity("")):
        slug = triple.subject.value[len(iris.entity("")) :]
        if registry.get(slug) is not None:
            raise InputError(
                path,
                claim.line_mentioning(f"id:{slug}", "rdfs:label"),
                f"{where}: {slug!r} is labelled in the registry; use skos:altLabel for a variant",
            )
    for term in (triple.subject, triple.object):
        if isinstance(term, ox.NamedNode):
            _check_iri(term.value, claim, path, document, ontology, iris, known)


def _check_iri(
    iri: str,
    claim: Claim,
    path: Path,
    document: Document,
    ontology: Ontology,
    iris: Iris,
    known: set[str] | frozenset[str],
) -> None:
    where = f"claim {claim.id!r}"
    entity_prefix = iris.entity("")
    if iri.startswith(entity_prefix):
        slug = iri[len(entity_prefix) :]
        if slug not in known:
            raise InputError(
                path,
                claim.line_mentioning(f"id:{slug}"),
                f"{where}: unknown entity id:{slug} (not in the registry, and no claim of this document types it)",
            )
    elif iri == iris.document(document.id) or ontology.is_term(iri):
        return
    elif iri.startswith(DKG_NS):
        raise InputError(path, claim.line_mentioning(_local(iri)), f"{where}: unknown term <{iri}>")
    else:
        raise InputError(
            path,
            claim.turtle_line,
            f"{where}: <{iri}> is neither an entity (id:…), this document, nor a term of the ontology",
        )


def _check_labels(introduced: dict[str, Claim], claims: ClaimsFile, iris: Iris) -> None:
    """Each entity a document introduces has exactly one English label in that document."""
    labels: dict[str, list[tuple[str, Claim]]] = {}
    for claim in claims.claims:
        for triple in claim.triples:
            if triple.predicate.value == RDFS_LABEL and getattr(triple.object, "language", None) == "en":
                labels.setdefault(triple.subject.value, []).append((triple.object.value, claim))
    for slug, claim in introduced.items():
        found = labels.get(iris.entity(slug), [])
        distinct = sorted({value for value, _ in found})
        if not distinct:
            raise InputError(
                claims.path,
                claim.line_mentioning(f"id:{slug}"),
                f'claim {claim.id!r}: id:{slug} is introduced here but has no rdfs:label "…"@en',
            )
        if len(distinct) > 1:
            other = found[-1][1]
            raise InputError(
                claims.path,
                other.line_mentioning("rdfs:label"),
                f"claim {other.id!r}: id:{slug} has several English labels: {distinct}",
            )


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
