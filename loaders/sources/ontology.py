"""The ontology as the loaders need it: its triples, and the set of terms a claim may use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.errors import InputError
from dprk_kg.vocabulary import OWL, RDF, RDFS

CLASS_TYPES = {OWL.Class, RDFS.Class}


@dataclass(frozen=True)
class Ontology:
    """The ontology files' triples and what they declare."""

    triples: tuple[ox.Triple, ...]
    declared: frozenset[str]  # every IRI that is the subject of an rdf:type triple
    classes: frozenset[str]
    version: str
    files: tuple[Path, ...]

    def is_term(self, iri: str) -> bool:
        return iri == RDF.uri("type") or iri in self.declared

    def is_class(self, iri: str) -> bool:
        return iri in self.classes


def load_ontology(directory: Path) -> Ontology:
    """Read every ``*.ttl`` of the ontology folder; a syntax error names the file and line."""
    files = tuple(sorted(directory.glob("*.ttl")))
    if not files:
        raise InputError(directory, None, "no ontology files (*.ttl) found")
    triples: list[ox.Triple] = []
    for path in files:
        try:
            triples.extend(q.triple for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE))
        except SyntaxError as error:
            raise InputError(path, _line_of(error), f"Turtle syntax error: {error}") from error
    declared = {t.subject.value for t in triples if t.predicate == RDF.type and isinstance(t.subject, ox.NamedNode)}
    classes = {
        t.subject.value
        for t in triples
        if t.predicate == RDF.type and t.object in CLASS_TYPES and isinstance(t.subject, ox.NamedNode)
    }
    versions = [t.object.value for t in triples if t.predicate == OWL.versionInfo and isinstance(t.object, ox.Literal)]
    if not versions:
        raise InputError(files[0], None, "the ontology has no owl:versionInfo")
    return Ontology(tuple(triples), frozenset(declared), frozenset(classes), versions[0], files)


def _line_of(error: SyntaxError) -> int | None:
    return error.lineno if isinstance(error.lineno, int) else None
