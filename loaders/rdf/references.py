"""Reference checks: every entity a document's claims name must exist, every term must be declared,
and an entity introduced by several documents must carry one English label.

An entity exists if the registry lists it or a claim of the same document types it (``a dkg:…``),
so each document can be checked on its own, with only the registry and ontology beside it; only the
labels need a look across documents (``check_shared_labels``), after each batch and after the load.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.errors import InputError
from dprk_kg.iris import Iris
from dprk_kg.loaders.rdf.terms import value_of
from dprk_kg.loaders.sources.claims import Claim, ClaimsFile, local_name
from dprk_kg.loaders.sources.documents import Document
from dprk_kg.loaders.sources.ontology import Ontology
from dprk_kg.loaders.sources.registry import Registry
from dprk_kg.vocabulary import DKG, RDF, RDFS


@dataclass(frozen=True)
class Label:
    """An English label a document gives an entity it introduces, and where."""

    entity: str
    label: str
    path: Path
    line: int
    claim: str


def introduced_entities(claims: ClaimsFile, iris: Iris) -> dict[str, Claim]:
    """Entities a document introduces: the slug of every ``id:`` subject a claim types."""
    prefix = iris.entity("")
    found: dict[str, Claim] = {}
    for claim in claims.claims:
        for triple in claim.triples:
            if triple.predicate == RDF.type and value_of(triple.subject).startswith(prefix):
                found.setdefault(value_of(triple.subject)[len(prefix) :], claim)
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
        raise InputError(path, claim.line_mentioning(local_name(predicate)), f"{where}: unknown term <{predicate}>")
    if triple.predicate == RDF.type and not ontology.is_class(value_of(triple.object)):
        raise InputError(
            path,
            claim.line_mentioning(local_name(value_of(triple.object))),
            f"{where}: <{value_of(triple.object)}> is not a class of the ontology",
        )
    if triple.predicate == RDFS.label and value_of(triple.subject).startswith(iris.entity("")):
        slug = value_of(triple.subject)[len(iris.entity("")) :]
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
    elif iri.startswith(DKG.iri):
        raise InputError(path, claim.line_mentioning(local_name(iri)), f"{where}: unknown term <{iri}>")
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
        for subject, label in _english_labels(claim):
            labels.setdefault(subject, []).append((label, claim))
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


def _english_labels(claim: Claim) -> Iterator[tuple[str, str]]:
    """(subject, label) of each ``rdfs:label "…"@en`` the claim asserts."""
    for triple in claim.triples:
        if triple.predicate == RDFS.label and isinstance(triple.object, ox.Literal) and triple.object.language == "en":
            yield value_of(triple.subject), triple.object.value


def introduced_labels(claims: ClaimsFile, iris: Iris, registry: Registry) -> Iterator[Label]:
    """The English labels a document's claims give entities the registry does not list."""
    prefix = iris.entity("")
    for claim in claims.claims:
        for subject, label in _english_labels(claim):
            if subject.startswith(prefix) and registry.get(subject[len(prefix) :]) is None:
                yield Label(subject, label, claims.path, claim.line_mentioning(f'"{label}"'), claim.id)


def check_shared_labels(labels: Iterable[Label], iris: Iris) -> None:
    """An entity introduced by several documents must carry the same English label in each, or the
    union graph would give it two names."""
    prefix = iris.entity("")
    first: dict[str, Label] = {}
    for label in labels:
        seen = first.setdefault(label.entity, label)
        if seen.label != label.label:
            raise InputError(
                label.path,
                label.line,
                f"claim {label.claim!r}: id:{label.entity[len(prefix) :]} is labelled {label.label!r} here but "
                f"{seen.label!r} in {seen.path.name} (claim {seen.claim!r})",
            )
