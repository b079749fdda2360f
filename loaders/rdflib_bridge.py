"""Crossing from pyoxigraph terms to rdflib graphs and back. Every stage crosses: the inputs give
pyshacl and owlrl the ontology as an rdflib graph, the gate hands pyshacl's ontology mix-in to the
compiled shapes, the reasoner runs owlrl, the build writes the shapes graph."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

from dprk_kg.vocabulary import XSD

XSD_STRING = XSD.uri("string")


def to_rdflib(triples: Iterable[ox.Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Term by term rather than through N-Triples: rdflib's N-Triples reader is quadratic in the length
    of a line, and a document's full text is one literal (a 1 MB report took 5 s, 4 MB minutes). The
    graphs crossing here are small (a batch under the pyshacl limit, the ontology, a handful of
    documents for owlrl), so building the terms directly is also the cheaper way."""
    graph = graph if graph is not None else rdflib.Graph()
    graph.addN((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object), graph) for t in triples)
    return graph


def _rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> rdflib.term.Identifier:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # as rdflib reads a plain literal
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise ValueError(f"rdflib cannot hold the triple term {term}")


def from_rdflib(graph: rdflib.Graph) -> list[ox.Triple]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
