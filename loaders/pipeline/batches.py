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

import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.iris import Iris
from dprk_kg.loaders.engines import ShaclEngine
from dprk_kg.loaders.gate.validation import Gate
from dprk_kg.loaders.rdf.document_graphs import DocumentGraphs, load_document
from dprk_kg.loaders.rdf.provenance import agent_quads
from dprk_kg.loaders.rdf.references import Label, check_shared_labels, introduced_labels
from dprk_kg.loaders.rdf.shared_graphs import registry_quads
from dprk_kg.loaders.rdf.terms import Term, value_of
from dprk_kg.loaders.reasoning.rules import RuleReasoner
from dprk_kg.loaders.sources.documents import DocumentFiles
from dprk_kg.loaders.sources.inputs import Inputs, read_inputs
from dprk_kg.loaders.sources.quotes import shorten
from dprk_kg.loaders.sources.registry import Registry
from dprk_kg.vocabulary import DKG, RDF


@dataclass(frozen=True)
class BatchResult:
    documents: int
    claims: int
    asserted_triples: int  # in claim graphs
    provenance_triples: int  # in provenance graphs
    graphs: int  # named graphs the documents fill: their claim graphs and provenance graphs
    nquads: bytes  # named-graph quads, then the factual ones' triples in the default graph; so too the inferences
    labels: tuple[Label, ...]
    transitive: bytes = b""  # N-Triples: links of transitive properties, asserted or inferred (rules only)
    transitive_factual: bytes = b""  # the same, from the factual claims alone


class Worker:
    """What a worker process holds for all its batches."""

    def __init__(self, inputs: Inputs, shacl: ShaclEngine | str = ShaclEngine.AUTO, reason: bool = False) -> None:
        self.inputs = inputs
        self.gate = Gate(inputs.shapes, inputs.ontology_graph, shacl)
        self.reasoner = RuleReasoner(inputs.ontology, inputs.iris) if reason else None
        self.registry_by_subject: dict[Term, list[ox.Quad]] = {}
        for quad in registry_quads(inputs):
            self.registry_by_subject.setdefault(quad.subject, []).append(quad)
        self.agent = list(agent_quads(inputs.agent, inputs.iris.build_graph))
        self.registry_origins = registry_origins(inputs.registry, inputs.iris)

    def load(self, files: Sequence[DocumentFiles]) -> BatchResult:
        iris = self.inputs.iris
        loaded = [load_document(f, self.inputs) for f in files]
        labels = tuple(label for d in loaded for label in introduced_labels(d.claims, iris, self.inputs.registry))
        check_shared_labels(labels, iris)  # before SHACL, whose report on two labels would be vaguer
        quads = [q for d in loaded for q in d.quads]
        store = self.gate.working_store(self.with_context(quads))
        origins = {**self.registry_origins, **claim_origins(loaded, iris)}
        self.gate.check(store, batch=", ".join(d.document.id for d in loaded), origins=origins)
        hidden = non_factual_graphs(quads)
        nquads = with_default_graph(quads, hidden)
        transitive = transitive_factual = b""
        if self.reasoner is not None:
            # Close the facts first; then add the non-factual claims and let the closure go on from there
            # (cheaper than closing everything again from the start).
            closing = store
            if hidden:
                closing = self.gate.working_store(self.with_context([q for q in quads if q.graph_name not in hidden]))
            factual = self.reasoner.infer(closing)
            transitive = transitive_factual = _ntriples(self.reasoner.transitive_links(closing))
            every = factual
            if hidden:
                rest = self.with_context([q for q in quads if q.graph_name in hidden])
                closing.extend(ox.Quad(t.subject, t.predicate, t.object) for t in rest)
                every = self.reasoner.infer(closing)
                transitive = _ntriples(self.reasoner.transitive_links(closing))
            nquads += entailment_nquads(factual, every, {q.triple for q in quads}, iris)
        claim_graphs = {ox.NamedNode(iris.claim(d.document.id, c.id)) for d in loaded for c in d.claims.claims}
        asserted = sum(1 for q in quads if q.graph_name in claim_graphs)
        return BatchResult(
            documents=len(loaded),
            claims=sum(len(d.claims.claims) for d in loaded),
            asserted_triples=asserted,
            provenance_triples=len(quads) - asserted,
            graphs=sum(len(d.graphs) for d in loaded),
            nquads=nquads,
            labels=labels,
            transitive=transitive,
            transitive_factual=transitive_factual,
        )

    def with_context(self, quads: Sequence[ox.Quad]) -> list[ox.Triple]:
        """The batch's triples with the registry entries it references (and their own references) and
        the software agent: what its shapes and rules need to see, and no more."""
        iris = self.inputs.iris
        triples = [q.triple for q in quads]
        for slug in referenced_registry_entities(quads, self.inputs.registry, iris):
            triples.extend(q.triple for q in self.registry_by_subject.get(ox.NamedNode(iris.entity(slug)), []))
        triples.extend(q.triple for q in self.agent)
        return triples


_worker: Worker | None = None


def start_worker(seeds: str, base: str, shacl: str, reason: bool) -> None:
    """Process-pool initializer: read the project-wide inputs once per worker."""
    global _worker
    _worker = Worker(read_inputs(Path(seeds), Iris(base)), shacl, reason)


def load_batch(files: Sequence[DocumentFiles]) -> BatchResult:
    assert _worker is not None, "start_worker was not called in this process"
    return _worker.load(files)


def with_default_graph(quads: Sequence[ox.Quad], hidden: Collection[ox.NamedNode] = ()) -> bytes:
    """N-Quads of the quads, then of their triples in the default graph (the merge), except the
    triples of the ``hidden`` graphs: those of non-factual claims, which the default graph never holds."""
    out = io.BytesIO()
    ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
    merged = (ox.Quad(q.subject, q.predicate, q.object) for q in quads if q.graph_name not in hidden)
    ox.serialize(merged, out, format=ox.RdfFormat.N_QUADS)
    return out.getvalue()


def non_factual_graphs(quads: Iterable[ox.Quad]) -> set[ox.NamedNode]:
    """The graphs the quads' provenance types dkg:NonFactual (the claims the default graph leaves out)."""
    return {
        q.subject
        for q in quads
        if q.predicate == RDF.type and q.object == DKG.NonFactual and isinstance(q.subject, ox.NamedNode)
    }


def entailment_nquads(
    factual: Sequence[ox.Triple], every: Iterable[ox.Triple], asserted: Collection[ox.Triple], iris: Iris
) -> bytes:
    """The entailments of the factual claims, in the inferred graph and the default graph; those that
    need a non-factual claim as well, in the non-factual inferred graph only (less what is asserted)."""
    known = set(factual)
    inferred, resting = ox.NamedNode(iris.inferred_graph), ox.NamedNode(iris.non_factual_inferred_graph)
    beyond = [ox.Quad(t.subject, t.predicate, t.object, resting) for t in every if t not in known and t not in asserted]
    return with_default_graph([ox.Quad(t.subject, t.predicate, t.object, inferred) for t in factual]) + (
        with_default_graph(beyond, hidden={resting})
    )


def _ntriples(triples: Iterable[ox.Triple]) -> bytes:
    out = io.BytesIO()
    ox.serialize(triples, out, format=ox.RdfFormat.N_TRIPLES)
    return out.getvalue()


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


def claim_origins(loaded: Iterable[DocumentGraphs], iris: Iris) -> dict[str, tuple[str, ...]]:
    """Node IRI → where it comes from: «document/claim: quote» for every claim that describes it."""
    origins: dict[str, list[str]] = {}
    for document in loaded:
        doc_id = document.document.id
        origins.setdefault(iris.document(doc_id), []).append(f"{doc_id} ({document.document.files.meta})")
        for claim in document.claims.claims:
            quote = " … ".join(e.exact for e in claim.evidence)
            line = f"{doc_id}/{claim.id} ({document.claims.path}:{claim.line}): «{shorten(quote, 120)}»"
            origins.setdefault(iris.claim(doc_id, claim.id), []).append(line)
            for subject in {value_of(t.subject) for t in claim.triples}:
                origins.setdefault(subject, []).append(line)
    return {node: tuple(dict.fromkeys(lines)) for node, lines in origins.items()}


def registry_origins(registry: Registry, iris: Iris) -> dict[str, tuple[str, ...]]:
    return {iris.entity(e.id): (f"registry entry {e.id!r} ({registry.path}:{e.line})",) for e in registry.entries}
