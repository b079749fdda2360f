"""The embedded store: pyoxigraph on disk (RocksDB), in versions behind a symbolic link.

``path`` is a link to ``path.versions/<version>``. A version, once written and closed, is never
written again: a full build bulk-loads a fresh version; a write (SPARQL update, graph store) checkpoints
the current version into a new one (hard links, milliseconds), applies the change there in one
transaction, repairs the default-graph merge, and then swaps the link with ``os.replace`` (atomic). So
a failed or killed write or build leaves the previous store intact, and readers — possibly in other
processes, which pyoxigraph allows only on a directory nobody writes — move to the new version at
their next query. A superseded version is deleted only after a grace period, once readers have left it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import itertools
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO

import pyoxigraph as ox

from dprk_kg.config import from_environment
from dprk_kg.errors import QueryError, StoreError
from dprk_kg.store.base import Bindings, Dataset, Prepare, Progress, QueryOutput, reporting
from dprk_kg.store.common import BINDINGS_ARE_FOR_SELECT, BoundedBuffer, StoreBase, checked_bindings, not_a_select, rows
from dprk_kg.store.formats import ResultFormat, ResultKind, graph_serialisation, results_serialisation
from dprk_kg.store.location import refuse_url
from dprk_kg.store.merge import SCRATCH_GRAPH, analyse_update, repaired_update
from dprk_kg.vocabulary import DKG, RDF

COMPLETE = ".dprk-kg-complete"  # marks a version that was fully written and closed
LOCK_WAIT_SECONDS = 30.0
# Quads a graph write inserts in one transaction; more go through the bulk loader. Measured with
# pyoxigraph 0.5.13 on 2 cores: a transaction took 5 ms for 10 quads (the bulk loader, 90 ms), the
# bulk loader 3.0 s for 200,000 (a transaction, 8.0 s).
BULK_QUADS = 10_000


class EmbeddedStore(StoreBase):
    """A pyoxigraph store behind a link ``path`` → ``path.versions/<version>``."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        refuse_url(path)
        self.path = path
        self.location = str(path)
        self.read_only = read_only
        self._store: ox.Store | None = None
        self._version: Path | None = None

    # --- opening ---------------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def is_complete(self) -> bool:
        """Always: a build or write is swapped in whole or not at all (readers never see a version
        being written), so there is no half-loaded state to report."""
        return True

    @property
    def work_dir(self) -> Path:
        return self.path.parent

    @property
    def versions(self) -> Path:
        return self.path.parent / f"{self.path.name}.versions"

    def current_version(self) -> Path:
        """The folder the link points to, read with one ``readlink`` (every query asks, and resolving the
        whole path cost 16 µs of a 40 µs lookup); a plain folder (a store from before versions) is itself."""
        try:
            return self.path.parent / os.readlink(self.path)
        except FileNotFoundError:
            raise StoreError(f"no store at {self.path}; run `dprk-kg build` first") from None
        except OSError:  # not a link
            if not self.path.exists():
                raise StoreError(f"no store at {self.path}; run `dprk-kg build` first") from None
            return self.path

    @property
    def store(self) -> ox.Store:
        """A read-only handle on the current version, reopened when the link has moved on. Reads
        never open a version read-write: versions are written only while they are being made."""
        version = self.current_version()
        if self._store is None or version != self._version:
            try:
                self._store = ox.Store.read_only(str(version))
            except OSError as error:
                raise StoreError(f"cannot open the store at {self.path}: {error}") from error
            self._version = version
        return self._store

    @property
    def opened_version(self) -> str | None:
        """The version the last read ran on (the handle's), which the link may have moved on from."""
        return None if self._version is None else self._version.name

    def close(self) -> None:
        self._store = None  # pyoxigraph closes the database when the object is dropped
        self._version = None

    # --- writing ---------------------------------------------------------------------------------
    def replace_dataset(self, nquads: Path, prepare: Prepare | None = None, progress: Progress | None = None) -> None:
        def fill(fresh: Path) -> None:
            store = ox.Store(str(fresh))
            with nquads.open("rb") as handle:
                source = reporting(handle, progress)
                store.bulk_load(input=source, format=ox.RdfFormat.N_QUADS)
            if prepare is not None:
                prepare(_Session(store))
            store.flush()
            del store  # closed before anyone else may open the version

        self._new_version(fill)

    def create_empty(self) -> None:
        """Start an empty store (for a server that is to be filled through its write API)."""

        def fill(fresh: Path) -> None:
            store = ox.Store(str(fresh))
            store.flush()
            del store

        self._new_version(fill)

    def update(self, sparql: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None) -> None:
        """Apply a SPARQL update as one transaction on a new version, keeping the default graph the
        merge of the named graphs; the update must name the graphs it writes."""
        self._check_writable()
        effects = analyse_update(sparql, prefixes=prefixes)
        repaired = repaired_update(sparql, effects, SCRATCH_GRAPH)

        def apply(fresh: Path) -> None:
            store = ox.Store(str(fresh))
            try:
                store.update(repaired, prefixes=prefixes or {}, base_iri=base_iri)
            except SyntaxError as error:
                raise QueryError(str(error)) from error
            except RuntimeError as error:  # the update's own failure: a LOAD of no RDF, a graph that exists …
                raise QueryError(f"the update failed: {error}") from error
            store.flush()
            del store

        self._new_version(apply, from_current=True)

    def _write_graph(self, graph: ox.NamedNode, triples: list[ox.Triple], *, replace: bool) -> bool:
        """The graph store's writes, on a new version through pyoxigraph's own API — no SPARQL text is
        made of the triples, so a write costs what its triples cost. A replaced graph loses only the
        triples it no longer holds, each leaving the default graph too unless another factual graph
        still states it; new triples go into the graph, and into the default graph unless the graph
        is typed ``dkg:NonFactual`` (merge.py: the default graph merges the factual graphs)."""
        wanted = set(triples)
        existed = False

        def apply(fresh: Path) -> None:
            nonlocal existed
            store = ox.Store(str(fresh))
            held: set[ox.Triple] = set()
            if replace:
                held = {quad.triple for quad in store.quads_for_pattern(None, None, None, graph)}
                existed = bool(held)
                _remove_from_graph(store, graph, held - wanted)
                if not wanted:
                    store.remove_graph(graph)  # emptied, it is no longer one of the named graphs
            else:
                existed = next(iter(store.quads_for_pattern(None, None, None, graph)), None) is not None
            factual = _is_factual(store, graph)
            added: list[ox.Quad] = []
            for triple in wanted - held:
                in_graph, in_merge = _in_graph_and_merge(triple, graph)
                added += [in_graph, in_merge] if factual else [in_graph]
            if len(added) > BULK_QUADS:
                store.bulk_extend(added)
            else:
                store.extend(added)
            store.flush()
            del store

        self._new_version(apply, from_current=True)
        return existed

    def _new_version(self, fill: Callable[[Path], None], *, from_current: bool = False) -> None:
        """Write a version aside with ``fill``, then swap the link to it; on any failure remove it."""
        self._check_writable()
        self.versions.mkdir(parents=True, exist_ok=True)
        with _lock(self.versions / ".lock"):
            self._adopt_legacy_directory()
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
            fresh = self.versions / f"{stamp}-{os.getpid()}"
            try:
                if from_current:
                    self.close()
                    ox.Store.read_only(str(self.current_version())).backup(str(fresh))
                fill(fresh)
                (fresh / COMPLETE).touch()
            except BaseException as error:
                shutil.rmtree(fresh, ignore_errors=True)
                if isinstance(error, (QueryError, StoreError, KeyboardInterrupt)):
                    raise
                raise StoreError(f"writing a new version at {fresh} failed: {error}") from error
            link = self.path.parent / f".{self.path.name}.{os.getpid()}.link"
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            link.symlink_to(os.path.relpath(fresh, self.path.parent))
            os.replace(link, self.path)  # the atomic swap
            self.close()
            _prune(self.versions, current=fresh)

    def _adopt_legacy_directory(self) -> None:
        """A store written as a plain directory (not a link) is moved under versions/ first."""
        if self.path.is_dir() and not self.path.is_symlink():
            legacy = self.versions / "legacy"
            os.replace(self.path, legacy)
            (legacy / COMPLETE).touch()
            self.path.symlink_to(os.path.relpath(legacy, self.path.parent))

    # --- reading ---------------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        result_format: ResultFormat,
        *,
        dataset: Dataset | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
        max_bytes: int | None = None,
        bindings: Bindings | None = None,
    ) -> QueryOutput:
        buffer = BoundedBuffer(max_bytes)
        kind = self.write_answer(
            buffer, sparql, result_format, dataset=dataset, prefixes=prefixes, base_iri=base_iri, bindings=bindings
        )
        return QueryOutput(kind, result_format, buffer.getvalue())

    def write_answer(
        self,
        sink: IO[bytes],
        sparql: str,
        result_format: ResultFormat,
        *,
        dataset: Dataset | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
        bindings: Bindings | None = None,
    ) -> ResultKind:
        """Run a query and write its answer into ``sink`` as the engine serialises it, so the caller
        decides where an answer lives: in memory (``query``) or, for the endpoint's large answers, in a
        spool file it streams from (server/executor.py). The sink enforces the size limit by raising
        ``ResultTooLarge``, which stops the engine mid-answer. The kind is the query's form's."""
        result = self._run(sparql, dataset, prefixes, base_iri, checked_bindings(bindings))
        if isinstance(result, ox.QueryBoolean):
            kind = ResultKind.BOOLEAN
        elif isinstance(result, ox.QuerySolutions):
            kind = ResultKind.SOLUTIONS
        else:
            kind = ResultKind.GRAPH
        try:
            if isinstance(result, ox.QueryTriples):
                result.serialize(sink, format=graph_serialisation(result_format))
            else:
                result.serialize(sink, format=results_serialisation(result_format))
        except (OSError, ValueError) as error:
            raise StoreError(f"serialising results failed: {error}") from error
        return kind

    def _answer(
        self, sparql: str, prefixes: dict[str, str] | None, bindings: Bindings, dataset: Dataset | None
    ) -> ox.QuerySolutions | ox.QueryBoolean | None:
        result = self._run(sparql, dataset, prefixes, None, bindings)
        return None if isinstance(result, ox.QueryTriples) else result

    def _run(
        self,
        sparql: str,
        dataset: Dataset | None,
        prefixes: dict[str, str] | None,
        base_iri: str | None,
        bindings: Bindings,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        default_graph: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None
        named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None
        union = dataset is not None and dataset.union
        if dataset is not None and (dataset.default_graphs or dataset.named_graphs) and not union:
            default_graph = [ox.NamedNode(g) for g in dataset.default_graphs] or [ox.DefaultGraph()]
        if dataset is not None and dataset.named_graphs:
            named_graphs = [ox.NamedNode(g) for g in dataset.named_graphs]
        try:
            result = self.store.query(
                sparql,
                prefixes=prefixes or {},
                base_iri=base_iri or None,
                use_default_graph_as_union=union,
                default_graph=default_graph,
                named_graphs=named_graphs,
                substitutions={ox.Variable(name): term for name, term in bindings.items()},
            )
        except SyntaxError as error:
            raise QueryError(str(error)) from error
        except RuntimeError as error:  # a substituted variable the SELECT does not project
            raise QueryError(str(error)) from error
        except OSError as error:
            raise StoreError(str(error)) from error
        if bindings and not isinstance(result, ox.QuerySolutions):
            raise QueryError(BINDINGS_ARE_FOR_SELECT)  # as a remote store would refuse them
        return result

    def _write_dataset(self, target: ox.RdfFormat, out: BinaryIO) -> None:
        try:
            self.store.dump(out, format=target)
        except OSError as error:
            raise StoreError(str(error)) from error

    def quad_count(self) -> int:
        return len(self.store)

    def graph_names(self) -> Iterator[str]:
        for graph in self.store.named_graphs():
            yield graph.value

    def version_name(self) -> str:
        return self.current_version().name


class _Session:
    """A Session over a version being written (in this process only, before the swap)."""

    merges_into_default = True
    parallel_reads = True  # the engine evaluates without the GIL: independent SELECTs may run side by side

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as error:
            raise QueryError(str(error)) from error

    def select(self, sparql: str) -> list[dict[str, str]]:
        result = self._store.query(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise not_a_select()
        return rows(result)


def _in_graph_and_merge(triple: ox.Triple, graph: ox.NamedNode) -> tuple[ox.Quad, ox.Quad]:
    """A triple as the store holds it: in its named graph and in the default graph's merge."""
    subject, predicate, obj = triple
    return ox.Quad(subject, predicate, obj, graph), ox.Quad(subject, predicate, obj)


def _remove_from_graph(store: ox.Store, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> None:
    """Take the triples out of the graph, then out of the merge those no other factual graph states."""
    gone = [_in_graph_and_merge(triple, graph) for triple in triples]
    for in_graph, _ in gone:
        store.remove(in_graph)
    for _, in_merge in gone:
        holders = store.quads_for_pattern(in_merge.subject, in_merge.predicate, in_merge.object)
        if not any(isinstance(q.graph_name, ox.NamedNode) and _is_factual(store, q.graph_name) for q in holders):
            store.remove(in_merge)


def _is_factual(store: ox.Store, graph: ox.NamedNode) -> bool:
    """Whether the graph's triples belong in the merge: the merge does not type it ``dkg:NonFactual``."""
    return next(iter(store.quads_for_pattern(graph, RDF.type, DKG.NonFactual, ox.DefaultGraph())), None) is None


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """One writer at a time per store; a second waits a while, then fails clearly."""
    with path.open("w") as handle:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as error:
                if time.monotonic() > deadline:
                    raise StoreError(f"another build or write is holding {path.parent}; try again later") from error
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(versions: Path, current: Path) -> None:
    """Delete what no reader can be using: versions that were never completed (an interrupted build),
    complete versions superseded more than the grace period ago, and beyond the newest
    ``DPRK_KG_MAX_VERSIONS`` any older one (a steady write load kept 267 versions, 383 MB for a 2 MB
    store: a reader resolves the version per query, so only a query outlived by that many writes can
    lose its version) — always keeping the current one and the one before it."""
    complete = sorted((p for p in versions.iterdir() if p.is_dir() and (p / COMPLETE).exists()), key=lambda p: p.name)
    for candidate in versions.iterdir():
        if candidate.is_dir() and candidate != current and not (candidate / COMPLETE).exists():
            shutil.rmtree(candidate, ignore_errors=True)
    keep = {current, *complete[-2:]}
    grace: float = from_environment("version_grace")
    newest: int = from_environment("max_versions")
    for position, (older, newer) in enumerate(itertools.pairwise(complete)):
        if older in keep:
            continue
        superseded = (newer / COMPLETE).stat().st_mtime
        if time.time() - superseded > grace or len(complete) - position > newest:
            shutil.rmtree(older, ignore_errors=True)
