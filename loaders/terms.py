"""Small constructors for pyoxigraph terms, so the RDF-building modules read like the triples."""

from __future__ import annotations

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(str(value))


def text(value: str, language: str | None = "en") -> ox.Literal:
    """A language-tagged string, or a plain xsd:string when ``language`` is None."""
    return ox.Literal(value, language=language) if language else ox.Literal(value)


def typed(value: str | int, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def expand(curie: str, prefixes: dict[str, str]) -> str:
    """``dkg:County`` → its IRI; raises KeyError on an unknown prefix."""
    prefix, local = curie.split(":", 1)
    return prefixes[prefix] + local
