"""Small constructors for pyoxigraph terms, so the RDF-building modules read like the triples."""

from __future__ import annotations

from typing import TypeAlias

import pyoxigraph as ox

# A term that can stand in a triple (pyoxigraph's stubs name no such union); ``ox.Triple`` is a quoted
# triple (RDF-star), which the project's data never holds but the types must allow.
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def text(value: str, language: str | None = "en") -> ox.Literal:
    """A language-tagged string, or a plain xsd:string when ``language`` is None."""
    return ox.Literal(value, language=language) if language else ox.Literal(value)


def typed(value: str | int, datatype: ox.NamedNode) -> ox.Literal:
    return ox.Literal(str(value), datatype=datatype)


def value_of(term: Term) -> str:
    """The IRI, blank node id or lexical form of a term (a quoted triple as N-Triples)."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def expand(curie: str, prefixes: dict[str, str]) -> str:
    """``dkg:County`` → its IRI; raises KeyError on an unknown prefix."""
    prefix, local = curie.split(":", 1)
    return prefixes[prefix] + local
