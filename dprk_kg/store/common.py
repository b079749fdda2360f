"""What every backend does the same way, written once: bounded answers, rows for ``select()``, graph
replacement as one update, and the refusal of writes on a read-only handle.

A backend subclasses ``StoreBase`` and supplies how it runs a SELECT (``_solutions``), an update and a
dump of its dataset; the rest of the ``Store`` interface follows from those here.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from dprk_kg.errors import QueryError, ResultTooLarge, StoreError
from dprk_kg.store.formats import ResultFormat, dataset_serialisation, serialise

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class BoundedBuffer(io.BytesIO):
    """A bytes buffer that refuses to grow past a limit, so a huge result fails as soon as it is too
    large — while the engine writes it or while it arrives over HTTP — not after it is all in memory."""

    def __init__(self, limit: int | None) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: ReadableBuffer, /) -> int:
        if self.limit is not None and self.tell() + memoryview(data).nbytes > self.limit:
            raise ResultTooLarge(f"the result is larger than {self.limit} bytes; narrow the query or add LIMIT")
        return super().write(data)


def rows(solutions: ox.QuerySolutions) -> list[dict[str, str]]:
    """SELECT solutions as plain values (IRIs, blank node labels and literal lexical forms); an
    unbound variable is left out of its row."""
    names = [variable.value for variable in solutions.variables]
    return [{name: term.value for name in names if (term := solution[name]) is not None} for solution in solutions]


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
    def _solutions(self, sparql: str, prefixes: dict[str, str] | None) -> ox.QuerySolutions:
        """The solutions of a SELECT; ``QueryError`` for any other form."""

    @abstractmethod
    def _write_dataset(self, target: ox.RdfFormat, out: BinaryIO) -> None:
        """Write every quad of the dataset to ``out`` in ``target`` (a format with named graphs)."""

    def select(self, sparql: str, *, prefixes: dict[str, str] | None = None) -> list[dict[str, str]]:
        return rows(self._solutions(sparql, prefixes))

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
