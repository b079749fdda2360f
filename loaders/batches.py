"""A batch of documents loaded, validated and reasoned over in a worker process.

The build hands each worker a few dozen documents; the worker parses and checks them, puts them in a
working store together with the registry entries they reference (not the whole corpus), validates
that with SHACL, closes it under the OWL RL rules (when the build reasons with them), and hands back
the quads as N-Quads — each triple in its named graph and again in the default graph, which holds
the merge — with the counts, the English labels the cross-document check needs, and the transitive
links the build's last reasoning step joins across batches. Workers keep the ontology, shapes,
compiled rules and registry from their start, so a batch costs only its own documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.iris import Iris
from dprk_kg.loaders.consistency import Label, check_shared_labels
from dprk_kg.loaders.document_loader import DocumentBatch, load_document
from dprk_kg.loaders.documents import DocumentFiles
from dprk_kg.loaders.inputs import Inputs, agent_quads, read_inputs
from dprk_kg.loaders.registry import Registry
from dprk_kg.loaders.registry_graph import registry_quads
from dprk_kg.loaders.rules import RuleReasoner
from dprk_kg.loaders.validation import Gate

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class BatchResult:
    documents: int
    claims: int
    asserted_triples: int  # in claim graphs
    provenance_triples: int  # in provenance graphs
    nquads: bytes  # named-graph quads, then the same triples in the default graph; so too the inferences
    labels: tuple[Label, ...]
    transitive: bytes = b""  # N-Triples: links of transitive properties, asserted or inferred (rules only)


class Worker:
    """What a worker process holds for all its batches."""

    def __init__(self, seeds: Path, base: str, shacl: str = "auto", reason: bool = False) -> None:
        self._prepare(read_inputs(seeds, Iris(base)), shacl, reason)

    @classmethod
    def from_inputs(cls, inputs: Inputs, shacl: str = "auto", reason: bool = False) -> Worker:
        """A worker in the calling process, sharing the inputs it has already read."""
        worker = cls.__new__(cls)
        worker._prepare(inputs, shacl, reason)
        return worker

    def _prepare(self, inputs: Inputs, shacl: str, reason: bool) -> None:
        self.inputs = inputs
        self.gate = Gate(inputs.shapes, inputs.ontology_graph, shacl)
        self.reasoner = RuleReasoner(inputs.ontology, inputs.context.iris) if reason else None
        iris = self.inputs.context.iris
        registry = registry_quads(self.inputs.registry, self.inputs.ontology, iris, self.inputs.context.prefixes)
        self.registry_by_subject: dict[str, list[ox.Quad]] = {}
        for quad in registry:
            self.registry_by_subject.setdefault(quad.subject.value, []).append(quad)
        self.agent = list(agent_quads(iris, iris.build_graph))
        self.registry_origins = registry_origins(self.inputs.registry, iris)

    def load(self, files: Sequence[DocumentFiles]) -> BatchResult:
        iris = self.inputs.context.iris
        batches = [load_document(f, self.inputs.context) for f in files]
        labels = tuple(introduced_labels(batches, iris, self.inputs.registry))
        check_shared_labels(labels, iris)  # before SHACL, whose report on two labels would be vaguer
        quads = [q for b in batches for q in b.quads]
        store = self.gate.working_store(self.with_context(quads))
        origins = {**self.registry_origins, **claim_origins(batches, iris)}
        self.gate.check(store, batch=", ".join(b.document.id for b in batches), origins=origins)
        nquads = with_default_graph(quads)
        transitive = b""
        if self.reasoner is not None:
            graph = ox.NamedNode(iris.inferred_graph)
            nquads += with_default_graph(
                [ox.Quad(t.subject, t.predicate, t.object, graph) for t in self.reasoner.infer(store)]
            )
            transitive = ox.serialize(self.reasoner.transitive_links(store), format=ox.RdfFormat.N_TRIPLES)
        claim_graphs = {iris.claim(b.document.id, c.id) for b in batches for c in b.claims.claims}
        asserted = sum(1 for q in quads if q.graph_name.value in claim_graphs)
        return BatchResult(
            documents=len(batches),
            claims=sum(len(b.claims.claims) for b in batches),
            asserted_triples=asserted,
            provenance_triples=len(quads) - asserted,
            nquads=nquads,
            labels=labels,
            transitive=transitive,
        )

    def with_context(self, quads: Sequence[ox.Quad]) -> list[ox.Triple]:
        """The batch's triples with the registry entries it references (and their own references) and
        the software agent: what its shapes and rules need to see, and no more."""
        iris = self.inputs.context.iris
        triples = [q.triple for q in quads]
        for slug in referenced_registry_entities(quads, self.inputs.registry, iris):
            triples.extend(q.triple for q in self.registry_by_subject.get(iris.entity(slug), []))
        triples.extend(q.triple for q in self.agent)
        return triples


_worker: Worker | None = None


def start_worker(seeds: str, base: str, shacl: str, reason: bool) -> None:
    """Process-pool initializer: read the project-wide inputs once per worker."""
    global _worker
    _worker = Worker(Path(seeds), base, shacl, reason)


def load_batch(files: Sequence[DocumentFiles]) -> BatchResult:
    assert _worker is not None, "start_worker was not called in this process"
    return _worker.load(files)


def with_default_graph(quads: Sequence[ox.Quad]) -> bytes:
    """N-Quads of the quads, then of their triples in the default graph (the merge)."""
    named = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    default = ox.serialize((ox.Quad(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_QUADS)
    return named + default


def referenced_registry_entities(quads: Iterable[ox.Quad], registry: Registry, iris: Iris) -> set[str]:
    prefix = iris.entity("")
    pending = {
        term.value[len(prefix) :]
        for q in quads
        for term in (q.subject, q.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(prefix)
    }
    found: set[str] = set()
    while pending:
        slug = pending.pop()
        entry = registry.get(slug)
        if entry is None or slug in found:
            continue
        found.add(slug)
        pending.update(s for s in (entry.located_in, entry.sub_organization_of, entry.based_in) if s)
    return found


def introduced_labels(batches: Iterable[DocumentBatch], iris: Iris, registry: Registry) -> Iterable[Label]:
    prefix = iris.entity("")
    for batch in batches:
        for claim in batch.claims.claims:
            for triple in claim.triples:
                subject = triple.subject.value
                if (
                    triple.predicate.value == RDFS_LABEL
                    and getattr(triple.object, "language", None) == "en"
                    and subject.startswith(prefix)
                    and registry.get(subject[len(prefix) :]) is None
                ):
                    line = claim.line_mentioning(f'"{triple.object.value}"')
                    yield Label(subject, triple.object.value, batch.claims.path, line, claim.id)


def claim_origins(batches: Iterable[DocumentBatch], iris: Iris) -> dict[str, tuple[str, ...]]:
    """Node IRI → where it comes from: «document/claim: quote» for every claim that describes it."""
    origins: dict[str, list[str]] = {}
    for batch in batches:
        doc_id = batch.document.id
        origins.setdefault(iris.document(doc_id), []).append(f"{doc_id} ({batch.document.files.meta})")
        for claim in batch.claims.claims:
            quote = " … ".join(e.exact for e in claim.evidence)
            line = f"{doc_id}/{claim.id} ({batch.claims.path}:{claim.line}): «{_short(quote)}»"
            origins.setdefault(iris.claim(doc_id, claim.id), []).append(line)
            for subject in {t.subject.value for t in claim.triples}:
                origins.setdefault(subject, []).append(line)
    return {node: tuple(dict.fromkeys(lines)) for node, lines in origins.items()}


def registry_origins(registry: Registry, iris: Iris) -> dict[str, tuple[str, ...]]:
    return {iris.entity(e.id): (f"registry entry {e.id!r} ({registry.path}:{e.line})",) for e in registry.entries}


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
