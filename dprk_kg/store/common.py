"""What every backend does the same way, written once: bounded answers, rows for ``select()``, the
answer of ``ask()``, checked bindings, graph replacement as one update, the graph store's writes and
the refusal of writes on a read-only handle.

A backend subclasses ``StoreBase`` and supplies how it runs a SELECT or an ASK (``_answer``), an
update, a write of one graph's triples (``_write_graph``) and a dump of its dataset; the rest of the
``Store`` interface follows from those here.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from dprk_kg.errors import QueryError, ResultTooLarge, StoreError
from dprk_kg.store.base import Bindings, Dataset
from dprk_kg.store.formats import ResultFormat, dataset_serialisation, serialise
from dprk_kg.store.merge import SCRATCH_GRAPH

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class BoundedBuffer(io.BytesIO):
    """A bytes buffer that refuses to grow past a limit, so a huge result fails as soon as it is too
    large — while the engine writes it or while it arrives over HTTP — not after it is all in memory."""

    def __init__(self, limit: int | None) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: ReadableBuffer, /) -> int:
        refuse_past(self.limit, self.tell(), data)
        return super().write(data)


def refuse_past(limit: int | None, written: int, data: ReadableBuffer) -> None:
    """ResultTooLarge when ``data`` would take an answer of ``written`` bytes past ``limit`` (None: no
    limit) — the check of every sink an answer is written into (``BoundedBuffer``, the server's spool)."""
    if limit is not None and written + memoryview(data).nbytes > limit:
        raise ResultTooLarge(f"the result is larger than {limit} bytes; narrow the query or add LIMIT")


def rows(solutions: ox.QuerySolutions) -> list[dict[str, str]]:
    """SELECT solutions as plain values (IRIs, blank node labels and literal lexical forms); an
    unbound variable is left out of its row."""
    names = [variable.value for variable in solutions.variables]
    return [{name: term.value for name in names if (term := solution[name]) is not None} for solution in solutions]


HAS_TRIPLES = "ASK { ?s ?p ?o }"  # run with a named graph as the default graph: whether it holds triples
BINDINGS_ARE_FOR_SELECT = (
    "bindings are given to SELECT queries only (a remote store sends them as a VALUES clause after the "
    "query, which Virtuoso takes after a SELECT only); choose a graph for an ASK or CONSTRUCT with a dataset"
)


def checked_bindings(bindings: Bindings | None) -> Bindings:
    """The bindings, each a variable name and an IRI or a literal — checked when the query runs as well
    as by the type checker, since a string where a term belongs would reach a remote store as text."""
    for name, term in (bindings or {}).items():
        try:
            ox.Variable(name)
        except ValueError as error:
            raise QueryError(f"{name!r} is not a variable name: {error}") from error
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise QueryError(f"?{name} must be bound to an IRI or a literal term, not {type(term).__name__}")
    return bindings or {}


def ntriples(triples: list[ox.Triple]) -> str:
    """Triples as N-Triples text, to write into an INSERT DATA."""
    return serialise(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")


def graph_replacement_update(graphs: Iterable[str], nquads: bytes) -> str:
    """A single SPARQL update that drops ``graphs`` and inserts ``nquads``: one request, so any store
    that runs an update request as a transaction (Oxigraph, Fuseki, Virtuoso …) applies it atomically."""
    try:
        quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    except SyntaxError as error:
        raise StoreError(f"invalid N-Quads: {error}") from error
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise StoreError("only quads in named graphs can replace graphs")
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    parts = [f"DROP SILENT GRAPH <{name}>" for name in graphs]
    if by_graph:
        blocks = "\n".join(f"GRAPH <{name}> {{\n{ntriples(triples)}}}" for name, triples in by_graph.items())
        parts.append(f"INSERT DATA {{\n{blocks}\n}}")
    return " ;\n".join(parts)


class StoreBase(ABC):
    """The behaviour both backends share; see ``base.Store`` for the contract of each method."""

    location: str
    read_only: bool

    @abstractmethod
    def update(self, sparql: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction, keeping the default graph the merge."""

    @abstractmethod
    def _answer(
        self, sparql: str, prefixes: dict[str, str] | None, bindings: Bindings, dataset: Dataset | None
    ) -> ox.QuerySolutions | ox.QueryBoolean | None:
        """The solutions of a SELECT or the answer of an ASK; None for a CONSTRUCT or DESCRIBE."""

    @abstractmethod
    def _write_graph(self, graph: ox.NamedNode, triples: list[ox.Triple], *, replace: bool) -> bool:
        """Add ``triples`` to the graph (``replace``: instead of what it holds) and repair the merge
        for that graph alone; whether it held triples before."""

    @abstractmethod
    def _write_dataset(self, target: ox.RdfFormat, out: BinaryIO) -> None:
        """Write every quad of the dataset to ``out`` in ``target`` (a format with named graphs)."""

    def select(
        self, sparql: str, *, prefixes: dict[str, str] | None = None, bindings: Bindings | None = None
    ) -> list[dict[str, str]]:
        answer = self._answer(sparql, prefixes, checked_bindings(bindings), None)
        if not isinstance(answer, ox.QuerySolutions):
            raise not_a_select()
        return rows(answer)

    def ask(self, sparql: str, *, prefixes: dict[str, str] | None = None, dataset: Dataset | None = None) -> bool:
        answer = self._answer(sparql, prefixes, {}, dataset)
        if not isinstance(answer, ox.QueryBoolean):
            raise QueryError("ask() runs ASK queries only")
        return bool(answer)

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> bool:
        wanted = list(triples)
        if not wanted:  # replaced by nothing: dropped, and nothing written if there was nothing
            return self.drop_graph(graph)
        return self._write_graph(self._writable(graph), wanted, replace=True)

    def add_to_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> bool:
        graph, added = self._writable(graph), list(triples)
        if not added:  # nothing to write: no new version, no request
            return self._holds_triples(graph)
        return self._write_graph(graph, added, replace=False)

    def drop_graph(self, graph: ox.NamedNode) -> bool:
        graph = self._writable(graph)
        if not self._holds_triples(graph):
            return False
        return self._write_graph(graph, [], replace=True)

    def _holds_triples(self, graph: ox.NamedNode) -> bool:
        """Whether the named graph holds triples: the graph store's test of whether it exists."""
        return self.ask(HAS_TRIPLES, dataset=Dataset((graph.value,)))

    def _writable(self, graph: ox.NamedNode) -> ox.NamedNode:
        """The graph, if this handle may write it: not read-only, and not the merge repair's graph."""
        self._check_writable()
        if graph.value == SCRATCH_GRAPH:
            raise QueryError(
                f"<{SCRATCH_GRAPH}> is reserved for keeping the default graph the merge; use another graph"
            )
        return graph

    def replace_graphs(self, graphs: Iterable[str], nquads: bytes) -> None:
        self.update(graph_replacement_update(graphs, nquads))

    def dump(self, result_format: ResultFormat, out: BinaryIO) -> None:
        self._write_dataset(dataset_serialisation(result_format), out)

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")


def not_a_select() -> QueryError:
    """The one error for ``select()`` given an ASK, CONSTRUCT or DESCRIBE."""
    return QueryError("select() runs SELECT queries only")
