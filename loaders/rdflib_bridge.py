"""Crossing from pyoxigraph terms to rdflib graphs (for pyshacl and owlrl) and back, in bulk as
N-Triples, never triple by triple."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib


def to_rdflib(triples: Iterable[ox.Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    graph = graph if graph is not None else rdflib.Graph()
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def from_rdflib(graph: rdflib.Graph) -> list[ox.Triple]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
