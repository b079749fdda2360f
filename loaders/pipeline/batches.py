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
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.iris import Iris
from dprk_kg.loaders.engines import ShaclEngine
from dprk_kg.loaders.gate.validation import Gate
from dprk_kg.loaders.rdf.document_graphs import DocumentGraphs, load_document
from dprk_kg.loaders.rdf.introductions import Introduction, context_triples
from dprk_kg.loaders.rdf.provenance import agent_quads
from dprk_kg.loaders.rdf.references import Label, check_label_twins, check_shared_labels, introduced_labels
from dprk_kg.loaders.rdf.shared_graphs import reasoning_activity, registry_quads
from dprk_kg.loaders.rdf.terms import Term, value_of
from dprk_kg.loaders.reasoning.rules import RuleReasoner
from dprk_kg.loaders.sources.documents import DocumentFiles
from dprk_kg.loaders.sources.inputs import Inputs, read_inputs
from dprk_kg.loaders.sources.quotes import shorten
from dprk_kg.loaders.sources.registry import Registry
from dprk_kg.vocabulary import DKG, PROV, RDF


@dataclass(frozen=True)
class BatchResult:
    documents: int
    claims: int
    asserted_triples: int  # in claim graphs
    provenance_triples: int  # in provenance graphs
    graphs: int  # named graphs the documents fill: their claim graphs and provenance graphs
    nquads: bytes  # named-graph quads, then the factual ones' triples in the default graph; so too the inferences
    labels: tuple[Label, ...]
    mention_triples: int = 0  # annotations in the documents' mentions graphs, which the default graph leaves out
    ambiguous: tuple[str, ...] = ()  # spans the mention linker did not link: two entities have the name
    # N-Quads, rules only: links of transitive properties, asserted or inferred: the facts' in the default
    # graph, each non-factual claim's in its graph, those several claims entail together in the joint one
    transitive: bytes = b""


class Worker:
    """What a worker process holds for all its batches."""

    def __init__(
        self,
        inputs: Inputs,
        shacl: ShaclEngine | str = ShaclEngine.AUTO,
        reason: bool = False,
        introductions: Mapping[str, Introduction] | None = None,
    ) -> None:
        self.inputs = inputs
        self.introductions = introductions or {}  # what every document introduces (``introductions``)
        self.gate = Gate(inputs.shapes, inputs.ontology_graph, shacl)
        self.reasoner = RuleReasoner(inputs.ontology, inputs.iris) if reason else None
        self.registry_by_subject: dict[Term, list[ox.Quad]] = {}
        for quad in registry_quads(inputs):
            self.registry_by_subject.setdefault(quad.subject, []).append(quad)
        self.agent = list(agent_quads(inputs.agent, inputs.iris.build_graph))
        self.registry_origins = registry_origins(inputs.registry, inputs.iris)

    def load(self, files: Sequence[DocumentFiles]) -> BatchResult:
        iris = self.inputs.iris
        loaded = [load_document(f, self.inputs, self.introductions) for f in files]
        labels = tuple(label for d in loaded for label in introduced_labels(d.claims, iris, self.inputs.registry))
        check_shared_labels(labels, iris)  # before SHACL, whose report on two labels would be vaguer
        check_label_twins(labels, iris)
        quads = [q for d in loaded for q in d.quads]
        context = self.context(quads)
        store = self.gate.working_store([*(q.triple for q in quads), *context])
        origins = {**self.registry_origins, **claim_origins(loaded, iris)}
        self.gate.check(store, batch=", ".join(d.document.id for d in loaded), origins=origins)
        claims = [(d.document.id, c) for d in loaded for c in d.claims.claims]
        hidden = {ox.NamedNode(iris.claim(doc_id, c.id)) for doc_id, c in claims if not c.factual}
        mentions = [q for d in loaded for q in d.mentions]
        nquads = with_default_graph(quads, hidden) + _nquads(mentions)  # annotations: their graphs only
        transitive = b""
        if self.reasoner is not None:
            entailments, transitive = self.reason(store, quads, context, hidden)
            nquads += entailments
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
            mention_triples=len(mentions),
            ambiguous=tuple(line for d in loaded for line in d.ambiguous),
            transitive=transitive,
        )

    def reason(
        self,
        store: ox.Store,
        quads: Sequence[ox.Quad],
        context: Collection[ox.Triple],
        hidden: Collection[ox.NamedNode],
    ) -> tuple[bytes, bytes]:
        """The batch's entailments as N-Quads, and the links of transitive properties the build's last
        step joins across batches (``BatchResult.transitive``). The facts are closed in the validated
        store, less what only non-factual claims assert; then what each non-factual claim, and all of
        them together, entail with the facts, given the facts' transitive links (the only premises a
        rule joins with them)."""
        assert self.reasoner is not None
        iris = self.inputs.iris
        claims = triples_by_graph(quads, hidden) if hidden else {}
        if hidden:  # the facts alone: what only non-factual claims assert leaves the validated store
            candidates = {t for triples in claims.values() for t in triples}
            shown = (q for q in quads if q.graph_name not in hidden)
            for t in candidates - held_by(shown, candidates) - candidates.intersection(context):
                store.remove(ox.Quad(t.subject, t.predicate, t.object))
        factual = self.reasoner.infer(store)
        facts = self.reasoner.transitive_links(store)
        links = [ox.Quad(t.subject, t.predicate, t.object) for t in facts]
        resting: dict[ox.NamedNode, set[ox.Triple]] = {}
        if hidden:
            together = self.reasoner.beyond(facts, claims)
            each = self.reasoner.resting_on_each(facts, claims)
            found = set(together).union(*each.values())
            resting = resting_graphs(each, together, held_by(quads, found).union(factual), iris)
            # each claim's links (asserted or entailed) in its graph; those several claims entail
            # together in the joint graph
            joint = ox.NamedNode(iris.non_factual_inferred_graph)
            units = {**{g: [*claims[g], *each[g]] for g in claims}, joint: resting.get(joint, ())}
            transitive = set(self.reasoner.transitive)
            links += (
                ox.Quad(t.subject, t.predicate, t.object, g)
                for g, triples in units.items()
                for t in triples
                if t.predicate in transitive
            )
        return entailment_nquads(factual, resting, iris, reasoning_activity(self.inputs)), _nquads(links)

    def context(self, quads: Sequence[ox.Quad]) -> list[ox.Triple]:
        """The registry entries the batch references (and their own references) and the software
        agent: what its shapes and rules need to see besides the batch, and no more."""
        iris = self.inputs.iris
        triples: list[ox.Triple] = []
        for slug in referenced_registry_entities(quads, self.inputs.registry, iris):
            triples.extend(q.triple for q in self.registry_by_subject.get(ox.NamedNode(iris.entity(slug)), []))
        triples.extend(q.triple for q in self.agent)
        if self.introductions:  # the entities of other documents it names by id alone, as they introduce them
            prefix = iris.entity("")
            named = {value_of(t)[len(prefix) :] for q in quads for t in (q.subject, q.object) if _in(t, prefix)}
            typed = {
                value_of(q.subject)[len(prefix) :] for q in quads if q.predicate == RDF.type and _in(q.subject, prefix)
            }
            triples.extend(context_triples(named - typed, self.introductions, iris))
        return triples


def _in(term: object, prefix: str) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(prefix)


_worker: Worker | None = None


def start_worker(
    seeds: str, base: str, shacl: str, reason: bool, introductions: Mapping[str, Introduction] | None = None
) -> None:
    """Process-pool initializer: read the project-wide inputs once per worker."""
    global _worker
    _worker = Worker(read_inputs(Path(seeds), Iris(base)), shacl, reason, introductions)


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


def held_by(quads: Iterable[ox.Quad], triples: Collection[ox.Triple]) -> set[ox.Triple]:
    """Those of the triples that some of the quads hold, found by subject first (making every quad's
    triple would cost more than the reasoning it serves)."""
    subjects = {t.subject for t in triples}
    wanted = set(triples)
    return {t for q in quads if q.subject in subjects and (t := q.triple) in wanted}


def triples_by_graph(quads: Iterable[ox.Quad], graphs: Collection[ox.NamedNode]) -> dict[ox.NamedNode, list[ox.Triple]]:
    """The triples of each of these graphs (in one pass over the quads), in the graphs' order of name."""
    found: dict[ox.NamedNode, list[ox.Triple]] = {g: [] for g in sorted(graphs, key=str)}
    for quad in quads:
        if quad.graph_name in found:
            found[quad.graph_name].append(quad.triple)  # type: ignore[index]
    return found


def resting_graphs(
    each: Mapping[ox.NamedNode, Collection[ox.Triple]],
    together: Iterable[ox.Triple],
    known: Collection[ox.Triple],
    iris: Iris,
) -> dict[ox.NamedNode, set[ox.Triple]]:
    """The graphs of entailments resting on non-factual claims, from what each claim entails with the
    facts (keyed by the claim's graph; the key of the joint graph stands for several claims) and what
    all entail together, less the ``known`` (the facts' entailments and what is asserted): each
    claim's in its ``Iris.resting_graph``, and what no claim entails alone in the joint graph."""
    joint = ox.NamedNode(iris.non_factual_inferred_graph)
    graphs: dict[ox.NamedNode, set[ox.Triple]] = {}
    for claim, triples in each.items():
        mine = set(triples).difference(known)
        if mine:
            graphs.setdefault(joint if claim == joint else ox.NamedNode(iris.resting_graph(claim.value)), set()).update(
                mine
            )
    attributed = set().union(*graphs.values()) if graphs else set()
    rest = set(together).difference(known, attributed)
    if rest:
        graphs.setdefault(joint, set()).update(rest)
    return graphs


def entailment_nquads(
    factual: Iterable[ox.Triple], resting: Mapping[ox.NamedNode, Iterable[ox.Triple]], iris: Iris, reasoning: str
) -> bytes:
    """The entailments of the factual claims, in the inferred graph and the default graph; those that
    rest on non-factual claims, in their graphs only; and, in the build graph and the default graph,
    what each claim's graph is: ``dkg:NonFactual``, derived from its claim, generated by the
    ``reasoning`` activity (the build forgets the description of a graph its clean-up empties)."""
    inferred, build = ox.NamedNode(iris.inferred_graph), ox.NamedNode(iris.build_graph)
    hidden = [
        ox.Quad(t.subject, t.predicate, t.object, g)
        for g in sorted(resting, key=str)
        for t in sorted(resting[g], key=str)
    ]
    described = [
        ox.Quad(g, p, o, build)
        for g in sorted(resting, key=str)
        if g.value.startswith(iris.resting_prefix)
        for p, o in (
            (RDF.type, DKG.NonFactual),
            (PROV.wasDerivedFrom, ox.NamedNode(iris.resting_claim(g.value))),
            (PROV.wasGeneratedBy, ox.NamedNode(reasoning)),
        )
    ]
    entailments = [ox.Quad(t.subject, t.predicate, t.object, inferred) for t in factual]
    return with_default_graph([*entailments, *described]) + _nquads(hidden)


def _nquads(quads: Iterable[ox.Quad]) -> bytes:
    out = io.BytesIO()
    ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
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
