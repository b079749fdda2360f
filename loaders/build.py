"""The build: every document of ``seeds/`` loaded, reasoned over, validated, and written to the store.

Nothing is written until everything has passed: a bad document, a violation or a failed load leaves
the store exactly as it was. The store is then replaced in one atomic step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from tqdm import tqdm

import dprk_kg
from dprk_kg.iris import Iris
from dprk_kg.loaders.consistency import check_shared_labels
from dprk_kg.loaders.document_loader import DocumentBatch, LoadContext, load_document, sha256_of
from dprk_kg.loaders.documents import discover
from dprk_kg.loaders.ontology import Ontology, load_ontology
from dprk_kg.loaders.provenance import source_file_quads
from dprk_kg.loaders.rdflib_bridge import to_rdflib
from dprk_kg.loaders.reasoning import owl_rl_entailments
from dprk_kg.loaders.registry import Registry, read_registry
from dprk_kg.loaders.registry_graph import registry_quads
from dprk_kg.loaders.terms import iri, text, typed
from dprk_kg.loaders.validation import count_shapes, load_shapes, validate_triples
from dprk_kg.namespaces import DKG, base_prefixes
from dprk_kg.paths import ontology_dir, shapes_dir
from dprk_kg.store import Store

REGISTRY_FILE = "entities.yaml"
VALIDATION_BATCH_DOCUMENTS = 25
RDF_TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
PROV = "http://www.w3.org/ns/prov#"


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote, for the summary line and for tests."""

    documents: int
    claims: int
    asserted_triples: int  # triples in claim graphs: the facts the documents state
    registry_triples: int
    provenance_triples: int
    inferred_triples: int
    quads: int
    graphs: int
    shapes: int
    seconds: float
    store: str

    def summary(self) -> str:
        return (
            f"built {self.store}: {self.documents} documents, {self.claims} claims, "
            f"{self.asserted_triples} asserted triples, {self.registry_triples} registry triples, "
            f"{self.provenance_triples} provenance triples, {self.inferred_triples} inferred triples; "
            f"{self.quads} quads in {self.graphs} graphs; {self.shapes} shapes checked; {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class Inputs:
    """The project-wide inputs of a build: ontology, shapes and registry."""

    ontology: Ontology
    ontology_graph: rdflib.Graph
    shapes: rdflib.Graph
    registry: Registry
    context: LoadContext


def read_inputs(seeds: Path, iris: Iris) -> Inputs:
    ontology = load_ontology(ontology_dir())
    shapes = load_shapes(shapes_dir())
    registry = read_registry(seeds / REGISTRY_FILE)
    digest = hashlib.sha256(dprk_kg.__version__.encode())
    for path in (*ontology.files, registry.path):
        digest.update(sha256_of(path).encode())
    context = LoadContext(
        iris=iris,
        prefixes=base_prefixes(iris.base),
        ontology=ontology,
        registry=registry,
        agent=software_agent(iris),
        inputs_digest=digest.hexdigest(),
    )
    return Inputs(ontology, to_rdflib(ontology.triples), shapes, registry, context)


def software_agent(iris: Iris) -> str:
    return iris.entity(f"dprk-kg-{dprk_kg.__version__}")


def build(seeds: Path, store: Store, *, iris: Iris | None = None, show_progress: bool = False) -> BuildReport:
    """Load, check, reason, validate, then replace the store's dataset atomically."""
    clock = time.perf_counter()
    started = _now()
    iris = iris or Iris()
    inputs = read_inputs(seeds, iris)
    registry = registry_quads(inputs.registry, inputs.ontology, iris, inputs.context.prefixes)
    agent = list(agent_quads(iris, iris.build_graph))
    validate_triples(
        [q.triple for q in (*registry, *agent)],
        shapes=inputs.shapes,
        ontology=inputs.ontology_graph,
        batch=str(inputs.registry.path),
        origins=registry_origins(inputs.registry, iris),
    )

    files = discover(seeds)
    batches = [
        load_document(f, inputs.context)
        for f in tqdm(files, desc="load documents", unit="doc", disable=not show_progress)
    ]
    check_shared_labels(batches, iris)
    registry_by_subject = _by_subject(registry)
    for group in tqdm(list(_groups(batches)), desc="validate", unit="batch", disable=not show_progress):
        validate_group(group, registry_by_subject, inputs, agent)

    ontology_quads = [
        ox.Quad(t.subject, t.predicate, t.object, iri(iris.ontology_graph)) for t in inputs.ontology.triples
    ]
    shapes_quads = skolemised_quads(_from_rdflib_graph(inputs.shapes), iris.graph("shapes"), iris.base)
    document_quads = [q for b in batches for q in b.quads]
    reasoning_clock = time.perf_counter()
    if show_progress:
        print("reasoning (OWL RL, owlrl) …", flush=True)
    inferred = owl_rl_entailments(inputs.ontology.triples, (q.triple for q in (*registry, *document_quads)), iris)
    inferred_quads = [ox.Quad(t.subject, t.predicate, t.object, iri(iris.inferred_graph)) for t in inferred]
    build_quads = list(build_graph_quads(iris, inputs, started, _now(), reasoning_clock, len(batches), agent))
    everything = list(
        dict.fromkeys([*ontology_quads, *shapes_quads, *registry, *document_quads, *inferred_quads, *build_quads])
    )
    if show_progress:
        print(f"writing {len(everything)} quads to {store.location} …", flush=True)
    write_dataset(store, everything)

    claims = sum(len(b.claims.claims) for b in batches)
    claim_graphs = {iris.claim(b.document.id, c.id) for b in batches for c in b.claims.claims}
    asserted = sum(1 for q in document_quads if q.graph_name.value in claim_graphs)
    return BuildReport(
        documents=len(batches),
        claims=claims,
        asserted_triples=asserted,
        registry_triples=len(registry),
        provenance_triples=len(document_quads) - asserted,
        inferred_triples=len(inferred_quads),
        quads=len(everything),
        graphs=len({q.graph_name for q in everything}),
        shapes=count_shapes(inputs.shapes),
        seconds=time.perf_counter() - clock,
        store=store.location,
    )


def validate_group(
    group: Sequence[DocumentBatch],
    registry_by_subject: dict[str, list[ox.Quad]],
    inputs: Inputs,
    agent: Sequence[ox.Quad],
) -> None:
    """Validate documents together with the registry entries they reference (and those entries'
    own references), not the whole corpus."""
    iris = inputs.context.iris
    quads = [q for batch in group for q in batch.quads]
    entities = _referenced_registry_entities(quads, inputs.registry, iris)
    triples = [q.triple for q in quads]
    triples.extend(q.triple for slug in entities for q in registry_by_subject.get(iris.entity(slug), []))
    triples.extend(q.triple for q in agent)
    origins = {**registry_origins(inputs.registry, iris), **claim_origins(group, iris)}
    names = ", ".join(b.document.id for b in group)
    validate_triples(triples, shapes=inputs.shapes, ontology=inputs.ontology_graph, batch=names, origins=origins)


def _referenced_registry_entities(quads: Iterable[ox.Quad], registry: Registry, iris: Iris) -> set[str]:
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


def agent_quads(iris: Iris, graph: str) -> Iterator[ox.Quad]:
    node = iri(software_agent(iris))
    g = iri(graph)
    yield ox.Quad(node, RDF_TYPE, iri(DKG.SoftwareAgent), g)
    yield ox.Quad(node, RDFS_LABEL, text(f"dprk-kg {dprk_kg.__version__}"), g)
    yield ox.Quad(node, iri("https://schema.org/softwareVersion"), text(dprk_kg.__version__, None), g)


def build_graph_quads(
    iris: Iris,
    inputs: Inputs,
    started: str,
    ended: str,
    reasoning_clock: float,
    documents: int,
    agent: Sequence[ox.Quad],
) -> Iterator[ox.Quad]:
    """Provenance of the graphs no single document owns: ontology, shapes, registry, inferred."""
    g = iri(iris.build_graph)
    digest = inputs.context.inputs_digest[:12]
    build_activity = iri(iris.activity(f"build-{digest}"))
    reasoning = iri(iris.activity(f"reason-{digest}"))
    yield from agent
    yield ox.Quad(build_activity, RDF_TYPE, iri(DKG.BuildActivity), g)
    yield ox.Quad(build_activity, RDFS_LABEL, text(f"Build of the store from {documents} documents"), g)
    yield ox.Quad(build_activity, iri(PROV + "startedAtTime"), typed(started, "dateTime"), g)
    yield ox.Quad(build_activity, iri(PROV + "endedAtTime"), typed(ended, "dateTime"), g)
    yield ox.Quad(build_activity, iri(PROV + "wasAssociatedWith"), iri(software_agent(iris)), g)
    yield ox.Quad(reasoning, RDF_TYPE, iri(DKG.ReasoningActivity), g)
    yield ox.Quad(reasoning, RDFS_LABEL, text("OWL 2 RL reasoning with owlrl"), g)
    yield ox.Quad(reasoning, iri(PROV + "wasAssociatedWith"), iri(software_agent(iris)), g)
    yield ox.Quad(reasoning, iri("http://purl.org/dc/terms/isPartOf"), build_activity, g)
    for name, source_path in [
        *((iris.ontology_graph, p) for p in inputs.ontology.files),
        (iris.graph("shapes"), None),
        (iris.registry_graph, inputs.registry.path),
    ]:
        graph = iri(name)
        yield ox.Quad(graph, iri(PROV + "wasGeneratedBy"), build_activity, g)
        if source_path is not None:
            source = iris.source_file(source_path.name)
            yield ox.Quad(graph, iri(PROV + "wasDerivedFrom"), iri(source), g)
            yield from source_file_quads(source, source_path.name, sha256_of(source_path), iris.build_graph)
    yield ox.Quad(iri(iris.inferred_graph), iri(PROV + "wasGeneratedBy"), reasoning, g)


def write_dataset(store: Store, quads: Sequence[ox.Quad]) -> None:
    """Serialise to N-Quads beside the store and bulk-load it as the new dataset.

    Every triple is written twice: in its named graph, and in the default graph, which thereby holds
    the RDF merge of all named graphs (a set: the store keeps each triple once). Queries that name
    no graph read that merge, so a fact stated by several claims counts once (pyoxigraph 0.5's
    union-default-graph mode counts it once per graph: oxigraph issue #1919).
    """
    location = Path(store.location)
    location.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=location.parent, prefix=".build-", suffix=".nq") as handle:
        ox.serialize(quads, handle, format=ox.RdfFormat.N_QUADS)
        ox.serialize((ox.Quad(q.subject, q.predicate, q.object) for q in quads), handle, format=ox.RdfFormat.N_QUADS)
        handle.flush()
        store.replace_dataset(Path(handle.name))


def _groups(batches: Sequence[DocumentBatch]) -> Iterator[Sequence[DocumentBatch]]:
    for start in range(0, len(batches), VALIDATION_BATCH_DOCUMENTS):
        yield batches[start : start + VALIDATION_BATCH_DOCUMENTS]


def _by_subject(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Quad]]:
    index: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        index.setdefault(quad.subject.value, []).append(quad)
    return index


def _from_rdflib_graph(graph: rdflib.Graph) -> list[ox.Triple]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def skolemised_quads(triples: Iterable[ox.Triple], graph: str, base: str) -> list[ox.Quad]:
    """The triples in ``graph`` with each blank node replaced by a skolem IRI (RDF 1.1 §3.5) named
    after its RDFC-1.0 canonical label: the store's loader renames blank nodes at random, so only
    IRIs keep a build reproducible."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, iri(graph)) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    def skolem(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.Literal:
        return iri(f"{base}.well-known/genid/{term.value}") if isinstance(term, ox.BlankNode) else term

    return sorted((ox.Quad(skolem(q.subject), q.predicate, skolem(q.object), q.graph_name) for q in dataset), key=str)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
