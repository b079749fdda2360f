"""Reference checks: every entity a document's claims name must exist, every term must be declared,
and an entity introduced by several documents must carry one English label.

An entity exists if the registry lists it or a claim of the same document types it (``a dkg:…``),
so each document can be checked on its own, with only the registry and ontology beside it; only the
labels need a look across documents (``check_shared_labels``), after each batch and after the load.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.errors import InputError
from dprk_kg.iris import Iris
from dprk_kg.loaders.rdf.introductions import Introduction
from dprk_kg.loaders.rdf.terms import expand, value_of
from dprk_kg.loaders.sources.claims import Claim, ClaimsFile, local_name
from dprk_kg.loaders.sources.documents import Document
from dprk_kg.loaders.sources.domains import signatures
from dprk_kg.loaders.sources.duplicates import Named, check_document_twins, check_registry_twins
from dprk_kg.loaders.sources.ontology import Ontology
from dprk_kg.loaders.sources.registry import Registry
from dprk_kg.loaders.sources.suggestions import did_you_mean
from dprk_kg.vocabulary import DKG, RDF, RDFS, SKOS, base_prefixes


@dataclass(frozen=True)
class Label:
    """An English label a document gives an entity it introduces, and where."""

    entity: str
    label: str
    path: Path
    line: int
    claim: str
    distinct_from: frozenset[str] = frozenset()  # the entities its claims file says it is not


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
    document: Document,
    claims: ClaimsFile,
    ontology: Ontology,
    registry: Registry,
    iris: Iris,
    elsewhere: Mapping[str, Introduction] | None = None,
) -> None:
    """Raise ``InputError`` at the first unknown entity, unknown term or relabelled registry entity.
    ``elsewhere``: the entities other documents introduce, which this one may name by id alone."""
    elsewhere = elsewhere or {}
    introduced = {
        slug: claim for slug, claim in introduced_entities(claims, iris).items() if registry.get(slug) is None
    }
    known = registry.ids() | introduced.keys() | elsewhere.keys()
    for slug, line in document.references():
        if slug not in known:
            raise InputError(
                document.files.meta,
                line,
                f"unknown entity {slug!r} (not in {registry.path.name}){did_you_mean(slug, known)}",
            )
    for claim in claims.claims:
        if claim.attributed_to not in known:
            raise InputError(
                claims.path,
                claim.attributed_line,
                f"claim {claim.id!r}: attributed_to names unknown entity {claim.attributed_to!r}"
                + did_you_mean(claim.attributed_to, known),
            )
        for triple in claim.triples:
            _check_triple(triple, claim, claims.path, document, ontology, registry, iris, known)
    _check_labels(introduced, claims, iris)
    _check_signatures(claims, ontology, registry, iris, elsewhere)
    _check_twins(introduced, claims, registry, iris)


def _check_signatures(
    claims: ClaimsFile, ontology: Ontology, registry: Registry, iris: Iris, elsewhere: Mapping[str, Introduction]
) -> None:
    """Every property used within its domain and range, given the types the document's claims, the
    registry and the documents that introduce the entities it names assert (``domains``): a misused
    property is an error, not an OWL RL inference."""
    checks = signatures(ontology)
    types_of: dict[str, set[str]] = {}
    for claim in claims.claims:
        for triple in claim.triples:
            if triple.predicate == RDF.type:
                types_of.setdefault(value_of(triple.subject), set()).add(value_of(triple.object))
    prefix, prefixes = iris.entity(""), base_prefixes(iris.base)
    nodes = {value_of(t) for c in claims.claims for triple in c.triples for t in (triple.subject, triple.object)}
    for node in nodes:
        entry = registry.get(node[len(prefix) :]) if node.startswith(prefix) else None
        if entry is not None:
            types_of.setdefault(node, set()).update(expand(curie, prefixes) for curie in entry.types)
        elif node.startswith(prefix) and (other := elsewhere.get(node[len(prefix) :])) is not None:
            types_of.setdefault(node, set()).update(other.types)
    frozen = {node: frozenset(types) for node, types in types_of.items()}
    for claim in claims.claims:
        for triple in claim.triples:
            problem = checks.violation(triple, frozen)
            if problem:
                raise InputError(
                    claims.path,
                    claim.line_mentioning(local_name(triple.predicate.value)),
                    f"claim {claim.id!r}: {problem}",
                )


def _check_twins(introduced: dict[str, Claim], claims: ClaimsFile, registry: Registry, iris: Iris) -> None:
    """No entity this document introduces has a registry entity's name (``duplicates``), unless the
    file's ``distinct_from`` says they differ."""
    for slug, _, line in claims.distinct_from:
        if slug not in introduced:
            raise InputError(claims.path, line, f"distinct_from: id:{slug} is not an entity this document introduces")
    prefix = iris.entity("")
    names = [
        Named(
            value_of(triple.subject)[len(prefix) :],
            triple.object.value,
            claims.path,
            claim.line_mentioning(f'"{triple.object.value}"'),
        )
        for claim in claims.claims
        for triple in claim.triples
        if triple.predicate in (RDFS.label, SKOS.altLabel)
        and isinstance(triple.object, ox.Literal)
        and value_of(triple.subject)[len(prefix) :] in introduced
    ]
    distinct = {slug: claims.distinct(slug) for slug in introduced}
    check_registry_twins(names, registry, distinct)


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
        raise InputError(
            path,
            claim.line_mentioning(local_name(predicate)),
            f"{where}: unknown term <{predicate}>{_suggest_term(predicate, ontology.declared)}",
        )
    if triple.predicate == RDF.type and not ontology.is_class(value_of(triple.object)):
        raise InputError(
            path,
            claim.line_mentioning(local_name(value_of(triple.object))),
            f"{where}: <{value_of(triple.object)}> is not a class of the ontology"
            + _suggest_term(value_of(triple.object), ontology.classes),
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
                f"{where}: unknown entity id:{slug} (not in the registry, and no document's claim types it)"
                + did_you_mean(slug, known, prefix="id:"),
            )
    elif iri == iris.document(document.id) or ontology.is_term(iri):
        return
    elif iri.startswith(DKG.iri):
        raise InputError(
            path,
            claim.line_mentioning(local_name(iri)),
            f"{where}: unknown term <{iri}>{_suggest_term(iri, ontology.declared)}",
        )
    else:
        raise InputError(
            path,
            claim.turtle_line,
            f"{where}: <{iri}> is neither an entity (id:…), this document, nor a term of the ontology",
        )


def _suggest_term(iri: str, terms: Iterable[str]) -> str:
    """ "; did you mean dkg:addressee?" among the declared terms of the IRI's namespace."""
    local = local_name(iri)
    namespace = iri[: len(iri) - len(local)]
    same_namespace = [local_name(term) for term in terms if term.startswith(namespace)]
    return did_you_mean(local, same_namespace, prefix="dkg:" if namespace == DKG.iri else namespace)


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
            slug = subject[len(prefix) :]
            if subject.startswith(prefix) and registry.get(slug) is None:
                line = claim.line_mentioning(f'"{label}"')
                yield Label(subject, label, claims.path, line, claim.id, claims.distinct(slug))


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


def check_label_twins(labels: Iterable[Label], iris: Iris) -> None:
    """No two entities introduced by documents have names the normaliser finds the same (one of them is
    a spelling variant of the other), unless a claims file says they are distinct (``duplicates``)."""
    prefix = iris.entity("")
    distinct: dict[str, frozenset[str]] = {}
    for label in labels:
        slug = label.entity[len(prefix) :]
        distinct[slug] = distinct.get(slug, frozenset()) | label.distinct_from
    check_document_twins((Named(n.entity[len(prefix) :], n.label, n.path, n.line) for n in labels), distinct)
