"""``dprk-kg terms [PATTERN]``: the ontology's classes and properties, as a curator needs them.

Learning which terms exist used to mean reading the ontology's Turtle. Each term is listed with its
label, definition, domain and range, and one use of it in the seeds' claims (the first, in document
and claim order), so that a curator sees how it is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.loaders.rdf.terms import expand, value_of
from dprk_kg.loaders.sources.claims import read_claims
from dprk_kg.loaders.sources.documents import discover, read_document
from dprk_kg.loaders.sources.inputs import REGISTRY_FILE
from dprk_kg.loaders.sources.ontology import Ontology
from dprk_kg.loaders.sources.registry import read_registry
from dprk_kg.vocabulary import OWL, RDF, RDFS, SKOS, XSD

KINDS = {
    OWL.uri("Class"): "class",
    RDFS.uri("Class"): "class",
    OWL.uri("ObjectProperty"): "object property",
    OWL.uri("DatatypeProperty"): "datatype property",
    OWL.uri("AnnotationProperty"): "annotation property",
    RDF.uri("Property"): "property",
}


@dataclass(frozen=True)
class TermInfo:
    iri: str
    kind: str
    label: str | None
    definition: str | None
    domains: tuple[str, ...]
    ranges: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    where: str  # document/claim
    triple: ox.Triple


def describe_terms(ontology: Ontology, pattern: str | None, prefixes: Mapping[str, str]) -> list[TermInfo]:
    """The classes and properties whose CURIE or English label contains ``pattern`` (case-insensitive;
    every term without one), in CURIE order."""
    kinds: dict[str, str] = {}
    details: dict[str, dict[str, list[str]]] = {}
    for triple in ontology.triples:
        if not isinstance(triple.subject, ox.NamedNode):
            continue
        subject = triple.subject.value
        if triple.predicate == RDF.type and value_of(triple.object) in KINDS:
            kinds.setdefault(subject, KINDS[value_of(triple.object)])
        for key, predicate in (("label", RDFS.label), ("definition", SKOS.definition)):
            if (
                triple.predicate == predicate
                and isinstance(triple.object, ox.Literal)
                and triple.object.language == "en"
            ):
                details.setdefault(subject, {}).setdefault(key, []).append(triple.object.value)
        for key, predicate in (("domain", RDFS.domain), ("range", RDFS.range)):
            if triple.predicate == predicate and isinstance(triple.object, ox.NamedNode):
                details.setdefault(subject, {}).setdefault(key, []).append(triple.object.value)
    wanted = re.compile(re.escape(pattern), re.IGNORECASE) if pattern else None
    found = []
    for iri, kind in kinds.items():
        known = details.get(iri, {})
        label = next(iter(known.get("label", [])), None)
        if wanted and not (wanted.search(curie(iri, prefixes)) or (label and wanted.search(label))):
            continue
        found.append(
            TermInfo(
                iri,
                kind,
                label,
                next(iter(known.get("definition", [])), None),
                tuple(sorted(known.get("domain", []))),
                tuple(sorted(known.get("range", []))),
            )
        )
    return sorted(found, key=lambda term: curie(term.iri, prefixes))


def examples(seeds: Path, prefixes: dict[str, str], wanted: set[str]) -> dict[str, Example]:
    """For each wanted term, the first claim triple of the seeds that uses it (as predicate, or as the
    class of an ``a``), else for a class the first registry entity of that type; the seeds are read as
    the build reads them."""
    found: dict[str, Example] = {}
    for files in discover(seeds):
        claims = read_claims(files.claims, read_document(files), prefixes)
        for claim in claims.claims:
            for triple in claim.triples:
                used = value_of(triple.object) if triple.predicate == RDF.type else triple.predicate.value
                if used in wanted and used not in found:
                    found[used] = Example(f"{files.id}/{claim.id}", triple)
        if len(found) == len(wanted):
            return found
    registry = read_registry(seeds / REGISTRY_FILE)
    for entry in registry.entries:  # a class no claim uses may type a registry entity
        for kind in entry.types:
            iri = expand(kind, prefixes)
            if iri in wanted and iri not in found:
                subject = ox.NamedNode(prefixes["id"] + entry.id)
                found[iri] = Example(f"{REGISTRY_FILE}:{entry.line}", ox.Triple(subject, RDF.type, ox.NamedNode(iri)))
    return found


def render(terms: list[TermInfo], found: Mapping[str, Example], prefixes: Mapping[str, str]) -> Iterator[str]:
    """A few lines a term: CURIE, kind and label; definition; domain and range; an example."""
    for term in terms:
        yield f"{curie(term.iri, prefixes)}  ({term.kind})" + (f"  “{term.label}”" if term.label else "")
        if term.definition:
            yield f"    {term.definition}"
        if term.domains or term.ranges:
            domain = ", ".join(curie(d, prefixes) for d in term.domains) or "—"
            range_ = ", ".join(curie(r, prefixes) for r in term.ranges) or "—"
            yield f"    domain {domain} · range {range_}"
        example = found.get(term.iri)
        if example:
            written = " ".join(term_text(t, prefixes) for t in (example.triple.subject, example.triple.predicate))
            yield f"    e.g. {written} {term_text(example.triple.object, prefixes)} .  ({example.where})"


def curie(iri: str, prefixes: Mapping[str, str]) -> str:
    """The shortest prefixed name of an IRI, or the IRI in angle brackets."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    name = next(prefix for prefix, ns in prefixes.items() if ns == best)
    return f"{name}:{iri[len(best) :]}"


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, prefixes: Mapping[str, str]) -> str:
    if isinstance(term, ox.NamedNode):
        return "a" if term == RDF.type else curie(term.value, prefixes)
    if isinstance(term, ox.Literal) and term.datatype.value == XSD.uri("integer"):
        return term.value  # as a curator writes it
    if isinstance(term, ox.Literal) and not term.language and term.datatype.value != XSD.uri("string"):
        return f'"{term.value}"^^{curie(term.datatype.value, prefixes)}'
    return str(term)
