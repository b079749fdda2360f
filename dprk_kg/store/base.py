"""What every store backend offers, and the shape of query output.

Results cross this interface already serialized in the format the caller asked for: the server
passes them to the client as they are, and a remote backend can hand through what its endpoint sent.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox
from tqdm.utils import CallbackIOWrapper

from dprk_kg.errors import StoreError


class ResultFormat(enum.Enum):
    """Serialisations a query's output can take (media type, and which query forms may use it)."""

    SPARQL_JSON = ("application/sparql-results+json", "solutions")
    SPARQL_XML = ("application/sparql-results+xml", "solutions")
    CSV = ("text/csv", "solutions")
    TSV = ("text/tab-separated-values", "solutions")
    TURTLE = ("text/turtle", "graph")
    N_TRIPLES = ("application/n-triples", "graph")
    JSON_LD = ("application/ld+json", "graph")
    RDF_XML = ("application/rdf+xml", "graph")
    TRIG = ("application/trig", "dataset")
    N_QUADS = ("application/n-quads", "dataset")

    @property
    def media_type(self) -> str:
        return self.value[0]

    @property
    def family(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class QueryOutput:
    """A query's answer: its form (solutions, boolean or graph) and the serialized body."""

    kind: str  # "solutions", "boolean" or "graph"
    format: ResultFormat
    body: bytes


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of a query (SPARQL Protocol ``default-graph-uri`` / ``named-graph-uri``)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


class Session(Protocol):
    """A handle on a store version being prepared (before it is swapped in), to finish it with
    updates — such as the reasoner's last clean-up — that readers must never see half done."""

    def update(self, sparql: str) -> None: ...

    def select(self, sparql: str) -> list[dict[str, str]]: ...


Prepare = Callable[[Session], None]
Progress = Callable[[int], None]  # hears how many more bytes have been read


def reporting(handle: BinaryIO, progress: Progress | None) -> BinaryIO:
    """The file, telling ``progress`` of every read (tqdm's wrapper, so any bar can follow a load)."""
    return handle if progress is None else CallbackIOWrapper(progress, handle, "read")  # type: ignore[return-value]


class Store(Protocol):
    """A quad store. Every method raises ``StoreError`` when the store cannot be read or written,
    ``QueryError`` when a query or update is malformed."""

    location: str

    @property
    def work_dir(self) -> Path:
        """Where a build may write its scratch files (beside an embedded store, on its disk)."""

    def replace_dataset(self, nquads: Path, prepare: Prepare | None = None, progress: Progress | None = None) -> None:
        """Replace the whole dataset by the N-Quads file, atomically: readers see old or new, never half.
        ``prepare`` runs on the new dataset before readers see it; ``progress`` hears how many more
        bytes of the file have been read, for a progress bar on what is a build's longest step."""

    def replace_graphs(self, graphs: Iterable[str], nquads: bytes) -> None:
        """Drop the named graphs and insert the quads, in one transaction."""

    def query(
        self,
        sparql: str,
        result_format: ResultFormat,
        *,
        dataset: Dataset | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
        max_bytes: int | None = None,
    ) -> QueryOutput:
        """Run a SPARQL query. With no dataset the default graph is the store's default graph, which
        a build fills with the RDF merge of all named graphs. ``ResultTooLarge`` when the serialized
        answer would exceed ``max_bytes``."""

    def select(self, sparql: str, *, prefixes: dict[str, str] | None = None) -> list[dict[str, str]]:
        """Run a SELECT and return rows of plain values (IRIs and literal lexical forms)."""

    def update(self, sparql: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction, keeping the default graph the merge of the named
        graphs; ``QueryError`` if it does not parse or writes the default graph directly."""

    def dump(self, result_format: ResultFormat, out: BinaryIO) -> None:
        """Write the whole dataset, with its named graphs, in a dataset format (TriG, N-Quads)."""

    def create_empty(self) -> None:
        """Start an empty store."""

    def exists(self) -> bool: ...

    def version_name(self) -> str:
        """An identifier of the store's current state, which changes with every write."""

    def quad_count(self) -> int: ...

    def graph_names(self) -> Iterator[str]: ...

    def close(self) -> None: ...


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
        blocks = "\n".join(
            f"GRAPH <{name}> {{\n{ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()}}}"
            for name, triples in by_graph.items()
        )
        parts.append(f"INSERT DATA {{\n{blocks}\n}}")
    return " ;\n".join(parts)
