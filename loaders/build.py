"""The build: every document of ``seeds/`` loaded, validated, reasoned over, and written to the store.

Documents are loaded and SHACL-validated in batches by worker processes (both cores), and streamed as
N-Quads to a file beside the store; the store bulk-loads that file into a fresh version, the reasoner
runs, and only then is the new version swapped in. Nothing is written to the live store until
everything has passed: a bad document, a violation or a failed load leaves it exactly as it was.

Reasoning: owlrl computes the OWL RL closure — the reference — when the corpus is small enough for its
pure-Python forward chaining; beyond that, SPARQL rules compiled from the ontology materialise the same
entailments inside the store (``rules.py``, tested equal to owlrl).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from tqdm import tqdm

from dprk_kg.iris import Iris
from dprk_kg.loaders.batches import (
    BatchResult,
    Label,
    Worker,
    load_batch,
    registry_origins,
    start_worker,
    with_default_graph,
)
from dprk_kg.loaders.consistency import check_shared_labels
from dprk_kg.loaders.document_loader import sha256_of
from dprk_kg.loaders.documents import DocumentFiles, discover
from dprk_kg.loaders.inputs import Inputs, agent_quads, read_inputs, software_agent
from dprk_kg.loaders.provenance import source_file_quads
from dprk_kg.loaders.reasoning import owl_rl_entailments
from dprk_kg.loaders.registry_graph import registry_quads
from dprk_kg.loaders.rules import compile_rules, count_query, materialise
from dprk_kg.loaders.terms import iri, text, typed
from dprk_kg.loaders.validation import count_shapes, validate_triples
from dprk_kg.namespaces import DKG
from dprk_kg.store import Store
from dprk_kg.store.base import Session

BATCH_DOCUMENTS = 25
OWLRL_LIMIT = 50_000  # quads of documents and registry up to which "auto" reasons with owlrl
REASONERS = ("auto", "owlrl", "rules")
RDF_TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
PROV = "http://www.w3.org/ns/prov#"


@dataclass
class BuildReport:
    """What a build wrote, for the summary line and for tests."""

    documents: int = 0
    claims: int = 0
    asserted_triples: int = 0  # triples in claim graphs: the facts the documents state
    registry_triples: int = 0
    provenance_triples: int = 0
    inferred_triples: int = 0
    quads: int = 0
    graphs: int = 0
    shapes: int = 0
    reasoner: str = ""
    seconds: float = 0.0
    store: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    def add(self, batch: BatchResult) -> None:
        self.documents += batch.documents
        self.claims += batch.claims
        self.asserted_triples += batch.asserted_triples
        self.provenance_triples += batch.provenance_triples

    def summary(self) -> str:
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.timings.items())
        return (
            f"built {self.store}: {self.documents} documents, {self.claims} claims, "
            f"{self.asserted_triples} asserted triples, {self.registry_triples} registry triples, "
            f"{self.provenance_triples} provenance triples, {self.inferred_triples} inferred triples "
            f"({self.reasoner}); {self.quads} quads in {self.graphs} graphs; {self.shapes} shapes checked; "
            f"{self.seconds:.1f} s ({steps})"
        )


def build(
    seeds: Path,
    store: Store,
    *,
    iris: Iris | None = None,
    show_progress: bool = False,
    reasoner: str = "auto",
    workers: int | None = None,
) -> BuildReport:
    """Load, check, validate, write a fresh store version, reason, then swap it in atomically."""
    if reasoner not in REASONERS:
        raise ValueError(f"reasoner must be one of {REASONERS}")
    clock = time.perf_counter()
    started = _now()
    iris = iris or Iris()
    report = BuildReport(store=store.location)
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
    report.registry_triples = len(registry)
    report.shapes = count_shapes(inputs.shapes)
    groups = plan(discover(seeds))

    store.work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=store.work_dir, prefix=".build-", suffix=".nq") as out:
        fixed = [*ontology_quads(inputs, iris), *shapes_quads(inputs.shapes, iris), *registry]
        out.write(with_default_graph(fixed))
        report.quads = len(fixed)
        labels: list[Label] = []
        kept: list[bytes] | None = [] if reasoner != "rules" else None
        step = time.perf_counter()
        for batch in load_batches(groups, seeds, iris, inputs, workers or os.cpu_count() or 1, show_progress):
            out.write(batch.nquads)
            report.add(batch)
            labels.extend(batch.labels)
            if kept is not None:
                kept.append(batch.nquads)
                if reasoner == "auto" and report.asserted_triples + report.provenance_triples > OWLRL_LIMIT:
                    kept = None  # too large for owlrl: the rules will reason in the store
        report.timings["load and validate"] = time.perf_counter() - step
        check_shared_labels(labels, iris)
        report.quads += report.asserted_triples + report.provenance_triples
        report.reasoner = "owlrl" if kept is not None else "rules"
        build_quads = list(build_graph_quads(iris, inputs, started, report, agent))

        step = time.perf_counter()
        if kept is not None:
            inferred = owl_rl_entailments(
                inputs.ontology.triples, _named_triples([*registry, *build_quads], kept), iris
            )
            out.write(
                with_default_graph(
                    [ox.Quad(t.subject, t.predicate, t.object, iri(iris.inferred_graph)) for t in inferred]
                )
            )
            report.inferred_triples = len(inferred)
            report.timings["reason (owlrl)"] = time.perf_counter() - step
        out.write(with_default_graph(build_quads))
        report.quads += report.inferred_triples + len(build_quads)
        out.flush()

        def reason_in_store(session: Session) -> None:
            rules_clock = time.perf_counter()
            report.inferred_triples = materialise(
                session.update,
                lambda: int(session.select(count_query(iris))[0]["n"]),
                compile_rules(inputs.ontology, iris, merge_into_default=session.merges_into_default),
                progress=_round_printer(show_progress),
            )
            report.quads += report.inferred_triples
            report.timings["reason (rules)"] = time.perf_counter() - rules_clock

        if show_progress:
            print(
                f"writing {report.quads:,} quads (and their merge in the default graph) to {store.location} …",
                flush=True,
            )
        step = time.perf_counter()
        store.replace_dataset(Path(out.name), prepare=None if kept is not None else reason_in_store)
        report.timings["write store"] = time.perf_counter() - step - report.timings.get("reason (rules)", 0.0)
    report.graphs = 5 + report.documents + report.claims + (1 if report.inferred_triples else 0)
    report.seconds = time.perf_counter() - clock
    return report


def plan(files: Sequence[DocumentFiles]) -> list[Sequence[DocumentFiles]]:
    return [files[start : start + BATCH_DOCUMENTS] for start in range(0, len(files), BATCH_DOCUMENTS)]


def load_batches(
    groups: Sequence[Sequence[DocumentFiles]],
    seeds: Path,
    iris: Iris,
    inputs: Inputs,
    workers: int,
    show_progress: bool,
) -> Iterator[BatchResult]:
    """Each batch's result in order (so the store is the same whatever the number of workers)."""
    bar = tqdm(total=sum(len(g) for g in groups), desc="load and validate", unit="doc", disable=not show_progress)
    try:
        if workers <= 1 or len(groups) <= 1:
            worker = Worker.from_inputs(inputs)
            for group in groups:
                result = worker.load(group)
                bar.update(result.documents)
                yield result
            return
        context = multiprocessing.get_context("spawn")  # no inherited state: fresh interpreters
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=start_worker, initargs=(str(seeds), iris.base)
        )
        try:
            for result in pool.map(load_batch, groups):
                bar.update(result.documents)
                yield result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        bar.close()


def ontology_quads(inputs: Inputs, iris: Iris) -> list[ox.Quad]:
    graph = iri(iris.ontology_graph)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in inputs.ontology.triples]


def shapes_quads(shapes: rdflib.Graph, iris: Iris) -> list[ox.Quad]:
    """The shapes graph, its blank nodes replaced by skolem IRIs (RDF 1.1 §3.5) named after their
    RDFC-1.0 canonical labels: the store's loader renames blank nodes at random, so only IRIs keep a
    build reproducible."""
    triples = [
        q.triple for q in ox.parse(shapes.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    ]
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, iri(iris.graph("shapes"))) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    def skolem(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.Literal:
        return iri(f"{iris.base}.well-known/genid/{term.value}") if isinstance(term, ox.BlankNode) else term

    return sorted((ox.Quad(skolem(q.subject), q.predicate, skolem(q.object), q.graph_name) for q in dataset), key=str)


def build_graph_quads(
    iris: Iris, inputs: Inputs, started: str, report: BuildReport, agent: Sequence[ox.Quad]
) -> Iterator[ox.Quad]:
    """Provenance of the graphs no single document owns: ontology, shapes, registry, inferred."""
    g = iri(iris.build_graph)
    digest = inputs.context.inputs_digest[:12]
    build_activity = iri(iris.activity(f"build-{digest}"))
    reasoning = iri(iris.activity(f"reason-{digest}"))
    yield from agent
    yield ox.Quad(build_activity, RDF_TYPE, iri(DKG.BuildActivity), g)
    yield ox.Quad(build_activity, RDFS_LABEL, text(f"Build of the store from {report.documents} documents"), g)
    yield ox.Quad(build_activity, iri(PROV + "startedAtTime"), typed(started, "dateTime"), g)
    yield ox.Quad(build_activity, iri(PROV + "endedAtTime"), typed(_now(), "dateTime"), g)
    yield ox.Quad(build_activity, iri(PROV + "wasAssociatedWith"), iri(software_agent(iris)), g)
    yield ox.Quad(reasoning, RDF_TYPE, iri(DKG.ReasoningActivity), g)
    method = "owlrl" if report.reasoner == "owlrl" else "SPARQL rules compiled from the ontology (loaders/rules.py)"
    yield ox.Quad(reasoning, RDFS_LABEL, text(f"OWL 2 RL reasoning with {method}"), g)
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


def _named_triples(registry: Iterable[ox.Quad], batches: Iterable[bytes]) -> Iterator[ox.Triple]:
    yield from (q.triple for q in registry)
    for data in batches:
        for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.graph_name, ox.NamedNode):
                yield quad.triple


def _round_printer(show: bool):
    def report(round_number: int, inferred: int) -> None:
        if show:
            print(f"reasoning (rules), round {round_number}: {inferred:,} inferred triples", flush=True)

    return report


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
