"""The build: every document of ``seeds/`` loaded, validated, reasoned over, and written to the store.

Documents are loaded, SHACL-validated and (with the rules) reasoned over in batches by worker
processes (all cores), and streamed as N-Quads to a file beside the store; the store bulk-loads that
file into a fresh version, and only then is the new version swapped in. Nothing is written to the live
store until everything has passed: a bad document, a violation or a failed load leaves it exactly as
it was.

Reasoning: owlrl computes the OWL RL closure — the reference — for a handful of documents (the
seeds); beyond that, SPARQL rules compiled from the ontology materialise the same entailments batch
by batch (``reasoning/rules.py``, tested equal to owlrl). Validation likewise: pyshacl for small
batches, the shapes compiled to SPARQL beyond (``gate/validation.Gate``).

``build`` reads as its steps — read inputs, load and validate, reason, write the store — each timed
for the summary line under its own name.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from tqdm import tqdm

from dprk_kg.dumps import write_dumps
from dprk_kg.errors import StoreError
from dprk_kg.iris import Iris
from dprk_kg.loaders.engines import Reasoner, ShaclEngine
from dprk_kg.loaders.gate.validation import Gate
from dprk_kg.loaders.gate.working_store import working_store
from dprk_kg.loaders.pipeline.batch_cache import BatchCache
from dprk_kg.loaders.pipeline.batches import (
    BatchResult,
    Worker,
    entailment_nquads,
    load_batch,
    non_factual_graphs,
    registry_origins,
    resting_graphs,
    start_worker,
    triples_by_graph,
    with_default_graph,
)
from dprk_kg.loaders.rdf.dataset_description import DatasetDescription
from dprk_kg.loaders.rdf.introductions import Introduced, Introduction, introduced_by, joined, key_material
from dprk_kg.loaders.rdf.provenance import agent_quads, now
from dprk_kg.loaders.rdf.references import Label, check_label_twins, check_shared_labels
from dprk_kg.loaders.rdf.shared_graphs import (
    build_graph_quads,
    ontology_quads,
    reasoning_activity,
    registry_quads,
    shapes_quads,
)
from dprk_kg.loaders.rdf.wikibase_statements import StatementSource
from dprk_kg.loaders.reasoning.owlrl_entailments import owl_rl_entailments
from dprk_kg.loaders.reasoning.rules import (
    RuleReasoner,
    asserted_elsewhere,
    count_query,
    resting_counts,
)
from dprk_kg.loaders.sources.claims import read_claims
from dprk_kg.loaders.sources.documents import DocumentFiles, discover, read_document
from dprk_kg.loaders.sources.inputs import Inputs, count_shapes, read_inputs
from dprk_kg.store import EmbeddedStore, Store
from dprk_kg.store.base import Prepare, Session
from dprk_kg.wikidata_exports import write_wikidata_exports

BATCH_DOCUMENTS = 25


@dataclass
class BuildReport:
    """What a build wrote, for the summary line and for tests."""

    documents: int = 0
    reloaded: int = 0  # documents loaded afresh; the others' batches came unchanged from the cache
    claims: int = 0
    asserted_triples: int = 0  # triples in claim graphs: the facts the documents state
    registry_triples: int = 0
    provenance_triples: int = 0
    inferred_triples: int = 0  # entailments of the factual claims (and the registry, the ontology)
    non_factual_inferred: int = 0  # entailments that rest on a non-factual claim too
    mention_triples: int = 0  # the mention linker's annotations, in the mentions graphs only
    ambiguous_mentions: list[str] = field(default_factory=list)  # what it left unlinked, and why
    quads: int = 0
    graphs: int = 0  # named graphs written: the batches' and the shared ones
    shapes: int = 0
    reasoner: str = ""
    seconds: float = 0.0
    store: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # step name → seconds, in the order they ran

    def add(self, batch: BatchResult) -> None:
        self.documents += batch.documents
        self.claims += batch.claims
        self.asserted_triples += batch.asserted_triples
        self.provenance_triples += batch.provenance_triples
        self.mention_triples += batch.mention_triples
        self.ambiguous_mentions.extend(batch.ambiguous)
        self.graphs += batch.graphs

    def summary(self) -> str:
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.timings.items())
        return (
            f"built {self.store}: {self.documents} documents, {self.claims} claims, "
            f"{self.asserted_triples} asserted triples, {self.registry_triples} registry triples, "
            f"{self.provenance_triples} provenance triples, {self.inferred_triples} inferred triples "
            f"({self.reasoner}; {self.non_factual_inferred} more resting on non-factual claims); "
            f"{self.quads} quads in {self.graphs} graphs; {self.shapes} shapes checked; "
            f"{self.reloaded} documents loaded, {self.documents - self.reloaded} unchanged since the last build; "
            f"{self.seconds:.1f} s ({steps})"
        )


def build(
    seeds: Path,
    store: Store,
    *,
    iris: Iris | None = None,
    show_progress: bool = False,
    reasoner: Reasoner | str = Reasoner.AUTO,
    shacl: ShaclEngine | str = ShaclEngine.AUTO,
    workers: int | None = None,
    full: bool = False,
) -> BuildReport:
    """Load, check, validate, reason, write a fresh store version, then swap it in atomically.

    Batches whose documents and inputs are unchanged since the last build come from its cache
    (``batch_cache``), unless ``full``; the store written is the same either way.
    ``reasoner`` and ``shacl`` are the engine choices or their names (a ``ValueError`` if neither)."""
    clock = time.perf_counter()
    started = now()
    choice, engine = Reasoner(reasoner), ShaclEngine(shacl)
    report = BuildReport(store=store.location)
    step = Steps(report.timings)
    with step("read inputs"):
        inputs = read_inputs(seeds, iris or Iris())
        registry = validated_registry(inputs, engine)
        files = discover(seeds)
        reasoning = REASONINGS[choice.resolve(len(files))](inputs)
    engines = (engine.value, str(reasoning.in_batches))
    cache = BatchCache(batch_cache_dir(store), inputs, seeds, engines, reuse=not full)
    with step("read introductions"):
        known = Known.read(files, inputs, cache)
    report.registry_triples = len(registry)
    report.shapes = count_shapes(inputs.shapes)
    report.reasoner = reasoning.reasoner

    try:
        store.work_dir.mkdir(parents=True, exist_ok=True)
        remove_abandoned_scratch(store.work_dir)
        with tempfile.NamedTemporaryFile(
            dir=store.work_dir, prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", suffix=".nq"
        ) as out:
            fixed = [*ontology_quads(inputs), *shapes_quads(inputs), *registry]
            out.write(with_default_graph(fixed))
            with step("load+validate+reason" if reasoning.in_batches else "load+validate"):
                labels: list[Label] = []
                statements = StatementSource(inputs.mappings, inputs.iris)  # the claims as Wikibase statements
                batches = load_batches(
                    plan(files), seeds, inputs, engine, reasoning.in_batches, workers, show_progress, cache, known
                )
                for batch in batches:
                    out.write(batch.nquads)
                    report.add(batch)
                    reasoning.collect(batch)
                    labels.extend(batch.labels)
                    statements.collect(batch.nquads)
                check_shared_labels(labels, inputs.iris)
                check_label_twins(labels, inputs.iris)  # spelling variants across documents
            build_quads = list(build_graph_quads(inputs, started, now(), report.documents, reasoning.reasoner))
            with step(reasoning.step):
                entailments = reasoning.infer([*registry, *build_quads])
            out.write(entailment_nquads(*entailments, iris=inputs.iris, reasoning=reasoning_activity(inputs)))
            out.write(with_default_graph(build_quads))
            wikibase = statements.statements()
            out.write(with_default_graph(wikibase, non_factual_graphs(wikibase)))
            out.flush()
            description = DatasetDescription(inputs.iris, now(), with_dumps=isinstance(store, EmbeddedStore))
            with step("write store"):
                write_store(store, out, finishing(reasoning.preparation(), description), show_progress)
    except OSError as error:  # a full disk, a folder that cannot be written: the store is as it was
        raise StoreError(f"cannot write the build's scratch file in {store.work_dir}: {error}") from error
    cache.keep_only_used()
    report.reloaded = cache.loaded_documents
    if isinstance(store, EmbeddedStore):  # after the swap: the dumps of the version now current
        try:
            with step("write dumps"):
                write_dumps(store, _running)
                write_wikidata_exports(store, store.path, inputs.iris)  # statements, QuickStatements
        except OSError as error:
            raise StoreError(f"cannot write the dumps beside {store.path}: {error}") from error

    report.inferred_triples, report.non_factual_inferred = reasoning.inferred, reasoning.non_factual_inferred
    written = [*fixed, *build_quads, *wikibase]  # besides the batches' quads and the inferences, counted apart
    report.quads = len(written) + report.asserted_triples + report.provenance_triples + report.inferred_triples
    report.quads += report.non_factual_inferred + reasoning.descriptions + description.quads + report.mention_triples
    report.graphs += len({q.graph_name for q in written}) + (1 if report.inferred_triples else 0) + 1
    report.graphs += reasoning.resting_graphs
    report.seconds = time.perf_counter() - clock
    return report


def batch_cache_dir(store: Store) -> Path:
    """The batch cache of this store, beside it (one per store: a build keeps only its own batches)."""
    return store.work_dir / f".dprk-kg-batches-{hashlib.sha256(store.location.encode()).hexdigest()[:12]}"


SCRATCH_PREFIX = ".build-"  # then the building process's id: a file whose process is gone is abandoned


def remove_abandoned_scratch(work_dir: Path) -> None:
    """Delete the scratch files of builds that were killed (469 MB at 1M quads each), never those of a
    build still running beside this one."""
    for path in work_dir.glob(f"{SCRATCH_PREFIX}*-*.nq"):
        pid = path.name[len(SCRATCH_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


class Steps:
    """The build's named steps: each one, run as ``with steps("name"):``, adds its seconds to the
    timings under its name (which must not hold a comma: ``benchmarks/build.py`` splits the list)."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - start


def validated_registry(inputs: Inputs, shacl: ShaclEngine) -> list[ox.Quad]:
    """The registry graph, SHACL-validated (with the software agent its entries may name) before any
    document is read: a registry error is reported as such, not as a fault of the first batch."""
    registry = registry_quads(inputs)
    agent = agent_quads(inputs.agent, inputs.iris.build_graph)
    Gate(inputs.shapes, inputs.ontology_graph, shacl).validate(
        [q.triple for q in (*registry, *agent)],
        batch=str(inputs.registry.path),
        origins=registry_origins(inputs.registry, inputs.iris),
    )
    return registry


def plan(files: Sequence[DocumentFiles]) -> list[Sequence[DocumentFiles]]:
    """Batches of about ``BATCH_DOCUMENTS`` documents whose boundaries depend on the documents' ids,
    not their positions: a batch ends after a document whose id's digest says so (one in
    ``BATCH_DOCUMENTS``), or at three times the size. Adding or removing a document changes its own
    batch only, so an incremental build reloads one batch, not every batch after it."""
    groups: list[Sequence[DocumentFiles]] = []
    start = 0
    for index, files_of in enumerate(files):
        size = index + 1 - start
        if (
            size >= 3 * BATCH_DOCUMENTS
            or int(hashlib.sha256(files_of.id.encode()).hexdigest()[:8], 16) % BATCH_DOCUMENTS == 0
        ):
            groups.append(files[start : index + 1])
            start = index + 1
    if start < len(files):
        groups.append(files[start:])
    return groups


def load_batches(
    groups: Sequence[Sequence[DocumentFiles]],
    seeds: Path,
    inputs: Inputs,
    shacl: ShaclEngine,
    reason: bool,
    workers: int | None,
    show_progress: bool,
    cache: BatchCache,
    known: Known,
) -> Iterator[BatchResult]:
    """Each batch's result in order (so the store is the same whatever the number of workers): from
    the cache when its documents, the inputs and what it reads of the other documents are unchanged,
    else loaded — one batch, or one worker, in this process, on the inputs it has already read — and
    cached."""
    keys = [cache.key(group, known.depends(group)) for group in groups]
    cached = [cache.get(key) for key in keys]
    missing = [group for group, hit in zip(groups, cached, strict=True) if hit is None]
    workers = workers or os.cpu_count() or 1
    desc = "load, validate" + (", reason" if reason else "")
    bar = tqdm(total=sum(len(g) for g in missing), desc=desc, unit="doc", disable=not show_progress)
    try:
        with _loading(missing, seeds, inputs, shacl, reason, workers, known.introductions) as loaded:
            for key, hit in zip(keys, cached, strict=True):
                if hit is not None:
                    yield hit
                    continue
                result = next(loaded)
                bar.update(result.documents)
                cache.put(key, result)
                yield result
    finally:
        bar.close()


@contextmanager
def _loading(
    groups: Sequence[Sequence[DocumentFiles]],
    seeds: Path,
    inputs: Inputs,
    shacl: ShaclEngine,
    reason: bool,
    workers: int,
    introductions: Mapping[str, Introduction],
) -> Iterator[Iterator[BatchResult]]:
    """The loaded batches, in order, from a pool of fresh interpreters when there are several."""
    if workers <= 1 or len(groups) <= 1:
        worker = Worker(inputs, shacl, reason, introductions) if groups else None
        yield (worker.load(group) for group in groups if worker is not None)
        return
    context = multiprocessing.get_context("spawn")  # no inherited state: fresh interpreters
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=start_worker,
        initargs=(str(seeds), inputs.iris.base, shacl.value, reason, introductions),
    )
    try:
        yield pool.map(load_batch, groups)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class Known:
    """What every document introduces, read before the batches load, so that each may name another's
    entities by id alone (``introductions``); and what each names of the others."""

    introductions: Mapping[str, Introduction]
    documents: Mapping[str, Introduced]

    @classmethod
    def read(cls, files: Sequence[DocumentFiles], inputs: Inputs, cache: BatchCache) -> Known:
        def reader(each: DocumentFiles) -> Callable[[], Introduced]:
            def read() -> Introduced:
                document = read_document(each)
                claims = read_claims(each.claims, document, inputs.prefixes)
                return introduced_by(document, claims, inputs.registry, inputs.iris)

            return read

        documents = {each.id: cache.introduced(each, reader(each)) for each in files}
        return cls(joined(documents.values()), documents)

    def depends(self, group: Sequence[DocumentFiles]) -> str:
        """What the batch reads of other documents, for its cache key."""
        named: set[str] = set().union(*(self.documents[each.id].external for each in group))
        return key_material(named, self.introductions)


class Reasoning(ABC):
    """How a build closes its data under OWL RL: what it gathers from each batch, what it infers once
    all are loaded, and what it finishes in the new store version: the clean-up of what the batches
    could not know was asserted elsewhere, the description of the graphs resting on non-factual
    claims, and the counts of what is left."""

    reasoner: Reasoner
    step: str  # the timed step's name
    in_batches: bool  # whether the workers reason over their own batches
    inferred = 0
    non_factual_inferred = 0  # entailments in the graphs resting on non-factual claims
    resting_graphs = 0  # those graphs
    descriptions = 0  # triples that describe them

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.iris = inputs.iris
        # which claims an entailment rests on is found by the rules for either reasoner (owlrl would
        # take 0.6 s a claim); tests check the rules against owlrl claim by claim
        self.rules = RuleReasoner(inputs.ontology, inputs.iris)

    @abstractmethod
    def collect(self, batch: BatchResult) -> None: ...

    @abstractmethod
    def infer(self, shared: Sequence[ox.Quad]) -> tuple[list[ox.Triple], dict[ox.NamedNode, set[ox.Triple]]]:
        """The entailments to add, given the quads of the graphs no document owns: those of the
        factual claims, and those resting on non-factual claims by graph (``resting_graphs``)."""

    def preparation(self) -> Prepare:
        def finish(session: Session) -> None:
            session.update(asserted_elsewhere(self.iris, session.merges_into_default))
            self.inferred = int(session.select(count_query(self.iris.inferred_graph))[0]["n"])
            joint = int(session.select(count_query(self.iris.non_factual_inferred_graph))[0]["n"])
            counts = session.select(resting_counts(self.iris))[0]
            self.non_factual_inferred = joint + int(counts["n"])
            self.resting_graphs = (1 if joint else 0) + int(counts["graphs"])
            self.descriptions = 3 * int(counts["graphs"])  # in the build graph (quads counts named graphs')

        return finish


class OwlRlReasoning(Reasoning):
    """owlrl, the reference: the closure of all documents at once, after they are loaded (pure Python,
    so for a handful of documents)."""

    reasoner = Reasoner.OWLRL
    step = "reason with owlrl"
    in_batches = False

    def __init__(self, inputs: Inputs) -> None:
        super().__init__(inputs)
        self.batches: list[bytes] = []

    def collect(self, batch: BatchResult) -> None:
        self.batches.append(batch.nquads)

    def infer(self, shared: Sequence[ox.Quad]) -> tuple[list[ox.Triple], dict[ox.NamedNode, set[ox.Triple]]]:
        quads = _named_quads(shared, self.batches)
        hidden = non_factual_graphs(quads)
        ontology, iris = self.inputs.ontology.triples, self.inputs.iris
        facts = [q.triple for q in quads if q.graph_name not in hidden]
        factual = owl_rl_entailments(ontology, facts, iris)
        if not hidden:
            return factual, {}
        every = owl_rl_entailments(ontology, (q.triple for q in quads), iris)
        transitive = set(self.rules.transitive)
        links = [t for t in (*facts, *factual) if t.predicate in transitive]
        claims = triples_by_graph(quads, hidden)
        each = self.rules.resting_on_each(links, claims)
        return factual, resting_graphs(each, every, {*factual, *(q.triple for q in quads)}, iris)


class RuleReasoning(Reasoning):
    """The rules compiled from the ontology: each worker closes its batch; here the registry and the
    build graph are closed together with every batch's transitive links (the one rule that joins
    triples of different batches), and so is what the non-factual claims' links entail with them."""

    reasoner = Reasoner.RULES
    step = "reason across batches"
    in_batches = True

    def __init__(self, inputs: Inputs) -> None:
        super().__init__(inputs)
        self.transitive: list[bytes] = []

    def collect(self, batch: BatchResult) -> None:
        self.transitive.append(batch.transitive)

    def infer(self, shared: Sequence[ox.Quad]) -> tuple[list[ox.Triple], dict[ox.NamedNode, set[ox.Triple]]]:
        facts: list[ox.Triple] = [q.triple for q in shared]
        claims: dict[ox.NamedNode, list[ox.Triple]] = {}
        for data in self.transitive:
            for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
                if isinstance(quad.graph_name, ox.NamedNode):
                    claims.setdefault(quad.graph_name, []).append(quad.triple)
                else:
                    facts.append(quad.triple)
        store = working_store(facts)
        factual = self.rules.infer(store)
        if not claims:
            return factual, {}
        links = self.rules.transitive_links(store)
        together = self.rules.beyond(links, claims)
        each = self.rules.resting_on_each(links, claims)
        return factual, resting_graphs(each, together, set(factual), self.iris)


REASONINGS: dict[Reasoner, Callable[[Inputs], Reasoning]] = {
    Reasoner.OWLRL: OwlRlReasoning,
    Reasoner.RULES: RuleReasoning,
}


def finishing(*steps: Prepare) -> Prepare:
    """The steps that finish a new store version before it is swapped in, one after the other: the
    reasoning's clean-up, then the dataset's description, which counts what the clean-up left."""

    def finish(session: Session) -> None:
        for each in steps:
            each(session)

    return finish


def write_store(store: Store, nquads: IO[bytes], prepare: Prepare | None, show_progress: bool) -> None:
    """Bulk-load the N-Quads file into a fresh store version and swap it in, with a bar of bytes read."""
    with tqdm(total=nquads.tell(), desc="write store", unit="B", unit_scale=True, disable=not show_progress) as bar:

        def advance(read: int) -> None:
            """Bytes read; once all are, the store still has work to do (an embedded store writes its
            indexes, three quarters of the step; a remote one takes the last requests)."""
            bar.update(read)
            if bar.n >= bar.total:
                bar.set_postfix_str("all read, the store is finishing")

        store.replace_dataset(Path(nquads.name), prepare=prepare, progress=advance)


def _named_quads(shared: Iterable[ox.Quad], batches: Iterable[bytes]) -> list[ox.Quad]:
    """The quads of the shared graphs and of the batches' named graphs (not their default-graph copies)."""
    quads = list(shared)
    for data in batches:
        quads += (q for q in ox.parse(data, format=ox.RdfFormat.N_QUADS) if isinstance(q.graph_name, ox.NamedNode))
    return quads
