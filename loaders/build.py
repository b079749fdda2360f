"""The build: every document of ``seeds/`` loaded, validated, reasoned over, and written to the store.

Documents are loaded, SHACL-validated and (with the rules) reasoned over in batches by worker
processes (all cores), and streamed as N-Quads to a file beside the store; the store bulk-loads that
file into a fresh version, and only then is the new version swapped in. Nothing is written to the live
store until everything has passed: a bad document, a violation or a failed load leaves it exactly as
it was.

Reasoning: owlrl computes the OWL RL closure — the reference — for a handful of documents (the
seeds); beyond that, SPARQL rules compiled from the ontology materialise the same entailments batch
by batch (``rules.py``, tested equal to owlrl). Validation likewise: pyshacl for small batches, the
shapes compiled to SPARQL beyond (``validation.Gate``).
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
from dprk_kg.loaders.engines import OWLRL_DOCUMENTS, REASONERS
from dprk_kg.loaders.inputs import Inputs, agent_quads, read_inputs, software_agent
from dprk_kg.loaders.provenance import source_file_quads
from dprk_kg.loaders.reasoning import owl_rl_entailments
from dprk_kg.loaders.registry_graph import registry_quads
from dprk_kg.loaders.rules import RuleReasoner, asserted_elsewhere, count_query
from dprk_kg.loaders.terms import iri, text, typed
from dprk_kg.loaders.validation import Gate, count_shapes
from dprk_kg.loaders.working_store import working_store
from dprk_kg.namespaces import DKG
from dprk_kg.store import Store
from dprk_kg.store.base import Session

BATCH_DOCUMENTS = 25
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
    shacl: str = "auto",
    workers: int | None = None,
) -> BuildReport:
    """Load, check, validate, reason, write a fresh store version, then swap it in atomically."""
    if reasoner not in REASONERS:
        raise ValueError(f"reasoner must be one of {REASONERS}")
    clock = time.perf_counter()
    started = _now()
    iris = iris or Iris()
    report = BuildReport(store=store.location)
    inputs = read_inputs(seeds, iris)
    registry = registry_quads(inputs.registry, inputs.ontology, iris, inputs.context.prefixes)
    agent = list(agent_quads(iris, iris.build_graph))
    Gate(inputs.shapes, inputs.ontology_graph, shacl).validate(
        [q.triple for q in (*registry, *agent)],
        batch=str(inputs.registry.path),
        origins=registry_origins(inputs.registry, iris),
    )
    report.registry_triples = len(registry)
    report.shapes = count_shapes(inputs.shapes)
    files = discover(seeds)
    if reasoner == "auto":
        reasoner = "owlrl" if len(files) <= OWLRL_DOCUMENTS else "rules"
    report.reasoner = reasoner
    rules = RuleReasoner(inputs.ontology, iris) if reasoner == "rules" else None

    store.work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=store.work_dir, prefix=".build-", suffix=".nq") as out:
        fixed = [*ontology_quads(inputs, iris), *shapes_quads(inputs.shapes, iris), *registry]
        out.write(with_default_graph(fixed))
        report.quads = len(fixed)
        labels: list[Label] = []
        kept: list[bytes] = []  # the documents' quads, for owlrl
        transitive: list[bytes] = []  # the batches' transitive links, for the rules' last step
        step = time.perf_counter()
        batches = load_batches(
            plan(files), seeds, iris, inputs, workers or os.cpu_count() or 1, show_progress, shacl, rules is not None
        )
        for batch in batches:
            out.write(batch.nquads)
            report.add(batch)
            labels.extend(batch.labels)
            if rules is None:
                kept.append(batch.nquads)
            transitive.append(batch.transitive)
        report.timings["load+validate" + ("+reason" if rules else "")] = time.perf_counter() - step
        check_shared_labels(labels, iris)
        report.quads += report.asserted_triples + report.provenance_triples
        build_quads = list(build_graph_quads(iris, inputs, started, report, agent))

        step = time.perf_counter()
        inferred_graph = iri(iris.inferred_graph)
        if rules is None:
            inferred = owl_rl_entailments(
                inputs.ontology.triples, _named_triples([*registry, *build_quads], kept), iris
            )
            report.inferred_triples = len(inferred)
            report.timings["reason with owlrl"] = time.perf_counter() - step
        else:
            links = [q.triple for data in transitive for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
            inferred = rules.infer(working_store([*(q.triple for q in (*registry, *build_quads)), *links]))
            report.timings["reason across batches"] = time.perf_counter() - step
        out.write(with_default_graph([ox.Quad(t.subject, t.predicate, t.object, inferred_graph) for t in inferred]))
        out.write(with_default_graph(build_quads))
        report.quads += len(build_quads)
        out.flush()

        def finish(session: Session) -> None:
            """The rules' inferences, gathered from every batch: without what another graph asserts, counted."""
            session.update(asserted_elsewhere(iris))
            report.inferred_triples = int(session.select(count_query(iris))[0]["n"])

        step = time.perf_counter()
        with tqdm(total=out.tell(), desc="write store", unit="B", unit_scale=True, disable=not show_progress) as bar:

            def advance(read: int) -> None:
                """Bytes read; once all are, the store still has work to do (an embedded store writes its
                indexes, three quarters of the step; a remote one takes the last requests)."""
                bar.update(read)
                if bar.n >= bar.total:
                    bar.set_postfix_str("all read, the store is finishing")

            store.replace_dataset(Path(out.name), prepare=None if rules is None else finish, progress=advance)
        report.quads += report.inferred_triples
        report.timings["write store"] = time.perf_counter() - step
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
    shacl: str,
    reason: bool,
) -> Iterator[BatchResult]:
    """Each batch's result in order (so the store is the same whatever the number of workers)."""
    desc = "load, validate" + (", reason" if reason else "")
    bar = tqdm(total=sum(len(g) for g in groups), desc=desc, unit="doc", disable=not show_progress)
    try:
        if workers <= 1 or len(groups) <= 1:
            worker = Worker.from_inputs(inputs, shacl, reason)
            for group in groups:
                result = worker.load(group)
                bar.update(result.documents)
                yield result
            return
        context = multiprocessing.get_context("spawn")  # no inherited state: fresh interpreters
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=start_worker,
            initargs=(str(seeds), iris.base, shacl, reason),
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
    for name, source_paths in [
        (iris.ontology_graph, inputs.ontology.files),
        (iris.graph("shapes"), ()),
        (iris.registry_graph, (inputs.registry.path,)),
    ]:
        graph = iri(name)
        yield ox.Quad(graph, iri(PROV + "wasGeneratedBy"), build_activity, g)
        for source_path in source_paths:
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


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
