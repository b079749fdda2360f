"""The in-memory Oxigraph store a batch is checked and reasoned on before it is written.

It holds the batch's triples in its default graph exactly as the on-disk store will hold them (Oxigraph
canonicalises literals: ``"05"^^xsd:integer`` becomes ``"5"``, ``xsd:nonNegativeInteger`` becomes
``xsd:integer``), so the shapes judge what is stored, and the rules read and extend that graph. Extra
context the shapes need but that is not data (pyshacl's ontology mix-in) goes in a named graph of its
own, which the compiled shapes see through the union and the rules never see.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

from dprk_kg.loaders.rdflib_bridge import to_rdflib

CONTEXT_GRAPH = ox.NamedNode("urn:x-dprk-kg:working-context")


def working_store(triples: Iterable[ox.Triple], context: Iterable[ox.Triple] = ()) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, CONTEXT_GRAPH) for t in context)
    return store


def batch_graph(store: ox.Store) -> rdflib.Graph:
    """The default graph as an rdflib graph (pyshacl's input): the batch as stored, without the context."""
    return to_rdflib(q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
