"""A document's mentions as W3C Web Annotations, in a mentions graph of their own.

Each mention the linker (``dprk_kg.linking``) finds becomes an ``oa:Annotation`` motivated by
``oa:identifying``, whose body is the entity and whose target is the span of the document: an
``oa:SpecificResource`` with a text quote selector and a text position selector, offsets in code
points as the claims' evidence has them. The annotations go into ``{base}graph/mentions/{document}``,
typed ``dkg:MentionGraph`` (a kind of ``dkg:NonFactual``) in the document's provenance graph, with the
load that made it.

They are annotations of the text, found by a program and not curated: not claims of fact about the
world. So the default graph (the facts) does not hold them — the build writes them to their graph
only, and types it ``dkg:NonFactual`` as it does a non-factual claim's, so that the default graph stays
the merge of the graphs not so typed — and the views select them as such: GRAPH reaches them, the
complete and non-factual views hold them, the facts view does not. Nodes are named (``doc:{id}#mention-{n}``
and its ``-target``, ``-quote``, ``-position``), never blank.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from dprk_kg.iris import Iris
from dprk_kg.linking import Linked
from dprk_kg.loaders.rdf.terms import iri, text, typed
from dprk_kg.loaders.sources.quotes import CONTEXT
from dprk_kg.vocabulary import DKG, OA, PROV, RDF, XSD


def mentions_graph(iris: Iris, document_id: str) -> str:
    return iris.graph(f"mentions/{document_id}")


def annotation_quads(document_id: str, document_text: str, linked: Linked, iris: Iris) -> Iterator[ox.Quad]:
    """The annotations of a document's mentions, in its mentions graph."""
    graph = iri(mentions_graph(iris, document_id))
    doc = iri(iris.document(document_id))
    for number, mention in enumerate(linked.mentions, start=1):
        base = f"{doc.value}#mention-{number}"
        node, target, quote, position = (iri(f"{base}{part}") for part in ("", "-target", "-quote", "-position"))
        for subject, predicate, obj in (
            (node, RDF.type, OA.Annotation),
            (node, OA.motivatedBy, OA.identifying),
            (node, OA.hasBody, iri(iris.entity(mention.entity))),
            (node, OA.hasTarget, target),
            (target, RDF.type, OA.SpecificResource),
            (target, OA.hasSource, doc),
            (target, OA.hasSelector, quote),
            (target, OA.hasSelector, position),
            (quote, RDF.type, OA.TextQuoteSelector),
            (quote, OA.exact, text(mention.exact, None)),
            (quote, OA.prefix, text(document_text[max(0, mention.start - CONTEXT) : mention.start], None)),
            (quote, OA.suffix, text(document_text[mention.end : mention.end + CONTEXT], None)),
            (position, RDF.type, OA.TextPositionSelector),
            (position, OA.start, typed(mention.start, XSD.nonNegativeInteger)),
            (position, OA.end, typed(mention.end, XSD.nonNegativeInteger)),
        ):
            yield ox.Quad(subject, predicate, obj, graph)


def mentions_graph_quads(document_id: str, iris: Iris, activity: str) -> Iterator[ox.Quad]:
    """What the mentions graph is, in the document's provenance graph (facts about the load)."""
    graph, provenance = iri(mentions_graph(iris, document_id)), iri(iris.provenance_graph(document_id))
    yield ox.Quad(graph, RDF.type, DKG.MentionGraph, provenance)
    yield ox.Quad(graph, RDF.type, DKG.NonFactual, provenance)  # as a claim is: not in the default graph
    yield ox.Quad(graph, PROV.wasDerivedFrom, iri(iris.document(document_id)), provenance)
    yield ox.Quad(graph, PROV.wasGeneratedBy, iri(activity), provenance)
