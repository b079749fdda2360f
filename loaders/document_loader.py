"""One document in, one batch of quads out: text, metadata and claims checked, IRIs minted,
every claim's triples in the claim's own graph and its provenance in the document's provenance graph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.iris import Iris
from dprk_kg.loaders.claims import ClaimsFile, read_claims
from dprk_kg.loaders.documents import Document, DocumentFiles, read_document
from dprk_kg.loaders.ontology import Ontology
from dprk_kg.loaders.provenance import Activity, activity_quads, claim_quads, document_quads, source_file_quads
from dprk_kg.loaders.references import check_references
from dprk_kg.loaders.registry import Registry


@dataclass(frozen=True)
class LoadContext:
    """What every document load shares: the IRI scheme, prefixes, ontology, registry and agent."""

    iris: Iris
    prefixes: dict[str, str]
    ontology: Ontology
    registry: Registry
    agent: str  # IRI of the software agent that runs the load
    inputs_digest: str  # digest of ontology, registry and loader version: part of each activity's id


@dataclass(frozen=True)
class DocumentBatch:
    """A loaded document: its quads and the graphs they fill."""

    document: Document
    claims: ClaimsFile
    quads: tuple[ox.Quad, ...]
    activity: str

    @property
    def graphs(self) -> tuple[str, ...]:
        return tuple(sorted({q.graph_name.value for q in self.quads}))


def load_document(files: DocumentFiles, context: LoadContext) -> DocumentBatch:
    """Parse, check and convert one document; raises ``InputError`` naming the file and line."""
    started = _now()
    document = read_document(files)
    claims = read_claims(files.claims, document, context.prefixes)
    check_references(document, claims, context.ontology, context.registry, context.iris)

    iris = context.iris
    digests = {path: sha256_of(path) for path in (files.text, files.meta, files.claims)}
    sources = {path.name: iris.source_file(path.name) for path in digests}
    run_digest = hashlib.sha256((context.inputs_digest + "".join(digests.values())).encode()).hexdigest()
    activity = Activity(
        iri=iris.activity(f"load-{document.id}-{run_digest[:12]}"),
        label=f"Load of document {document.id}",
        used=(iris.document(document.id), *sources.values()),
        agent=context.agent,
        started=started,
        ended=_now(),
    )
    provenance = iris.provenance_graph(document.id)
    quads: list[ox.Quad] = list(document_quads(document, iris, sources))
    for claim in claims.claims:
        quads.extend(claim_quads(document, claim, iris, activity, sources[files.claims.name]))
    for path, digest in digests.items():
        quads.extend(source_file_quads(sources[path.name], path.name, digest, provenance))
    quads.extend(activity_quads(activity, provenance))
    return DocumentBatch(document, claims, tuple(dict.fromkeys(quads)), activity.iri)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
