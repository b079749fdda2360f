"""One document in, its graphs out: text, metadata and claims read and checked, IRIs minted, every
claim's triples in the claim's own graph and its provenance in the document's provenance graph."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from dprk_kg.linking import linker_for
from dprk_kg.loaders.rdf.annotations import annotation_quads, mentions_graph_quads
from dprk_kg.loaders.rdf.introductions import Introduction, elsewhere
from dprk_kg.loaders.rdf.provenance import (
    Activity,
    activity_quads,
    claim_quads,
    document_quads,
    now,
    source_file_quads,
)
from dprk_kg.loaders.rdf.references import check_references
from dprk_kg.loaders.sources.claims import ClaimsFile, read_claims
from dprk_kg.loaders.sources.documents import Document, DocumentFiles, read_document
from dprk_kg.loaders.sources.inputs import Inputs, sha256_of


@dataclass(frozen=True)
class DocumentGraphs:
    """A loaded document: its quads, in its claim graphs and its provenance graph; and the annotations
    of its mentions, in its mentions graph, which the default graph does not hold (``annotations``)."""

    document: Document
    claims: ClaimsFile
    quads: tuple[ox.Quad, ...]
    mentions: tuple[ox.Quad, ...] = ()
    ambiguous: tuple[str, ...] = ()  # "file:line:column: …" of each span two entities are named by

    @property
    def graphs(self) -> frozenset[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
        return frozenset(q.graph_name for q in (*self.quads, *self.mentions))


def load_document(
    files: DocumentFiles, inputs: Inputs, introductions: Mapping[str, Introduction] | None = None
) -> DocumentGraphs:
    """Parse, check and convert one document; raises ``InputError`` naming the file and line.
    ``introductions``: the entities the documents introduce, which this one may name by id alone."""
    started = now()
    document = read_document(files)
    claims = read_claims(files.claims, document, inputs.prefixes)
    others = elsewhere(introductions or {}, document.id)
    check_references(document, claims, inputs.ontology, inputs.registry, inputs.iris, others)

    iris = inputs.iris
    digests = {path: sha256_of(path) for path in (files.text, files.meta, files.claims)}
    sources = {path.name: iris.source_file(path.name) for path in digests}
    run_digest = hashlib.sha256((inputs.digest + "".join(digests.values())).encode()).hexdigest()
    activity = Activity(
        iri=iris.activity(f"load-{document.id}-{run_digest[:12]}"),
        label=f"Load of document {document.id}",
        used=(iris.document(document.id), *sources.values()),
        agent=inputs.agent,
        started=started,
        ended=now(),
    )
    provenance = iris.provenance_graph(document.id)
    quads: list[ox.Quad] = list(document_quads(document, iris, sources))
    for claim in claims.claims:
        quads.extend(claim_quads(document, claim, iris, activity, sources[files.claims.name]))
    for path, digest in digests.items():
        quads.extend(source_file_quads(sources[path.name], path.name, digest, provenance))
    quads.extend(activity_quads(activity, provenance))
    linked = linker_for(inputs.registry).link(document.text)
    mentions = tuple(annotation_quads(document.id, document.text, linked, iris))
    if mentions:
        quads.extend(mentions_graph_quads(document.id, iris, activity.iri))
    ambiguous = linked.reports(files.text, document.text)
    return DocumentGraphs(document, claims, tuple(dict.fromkeys(quads)), mentions, ambiguous)
