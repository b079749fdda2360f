"""Crossing from pyoxigraph terms to rdflib graphs and back, in bulk as N-Triples, never triple by
triple. Every stage crosses: the inputs give pyshacl and owlrl the ontology as an rdflib graph, the
gate hands pyshacl's ontology mix-in to the compiled shapes, the reasoner runs owlrl, the build
writes the shapes graph."""

from __future__ import annotations

import io
from collections.abc import Iterable

import pyoxigraph as ox
import rdflib


def to_rdflib(triples: Iterable[ox.Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    graph = graph if graph is not None else rdflib.Graph()
    data = io.BytesIO()
    ox.serialize(triples, data, format=ox.RdfFormat.N_TRIPLES)
    if data.tell():
        graph.parse(data=data.getvalue().decode("utf-8"), format="nt")
    return graph


def from_rdflib(graph: rdflib.Graph) -> list[ox.Triple]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
