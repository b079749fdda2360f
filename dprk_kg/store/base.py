"""What every store backend offers, and the shape of query output.

Results cross this interface already serialized in the format the caller asked for: the server
passes them to the client as they are, and a remote backend can hand through what its endpoint sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox
from tqdm.utils import CallbackIOWrapper

from dprk_kg.store.formats import ResultFormat, ResultKind

__all__ = [
    "Bindings",
    "Dataset",
    "Prepare",
    "Progress",
    "QueryOutput",
    "ResultFormat",
    "ResultKind",
    "Session",
    "Store",
    "Term",
    "reporting",
]

Term = ox.NamedNode | ox.Literal
# Values for a query's variables, by name (without "?"): how a value from a request reaches a query —
# as a term the store binds (SEP-0007 on the embedded store, a VALUES clause on a remote one), never
# as text pasted into the query. Blank nodes are left out: a VALUES clause cannot hold one.
Bindings = Mapping[str, Term]


@dataclass(frozen=True)
class QueryOutput:
    """A query's answer: its kind (from the query's form, never from the bytes) and the serialized body."""

    kind: ResultKind
    format: ResultFormat
    body: bytes


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of a query (SPARQL Protocol ``default-graph-uri`` / ``named-graph-uri``).
    ``union``: the default graph is the union of every named graph — the complete view, where the
    claims the store's default graph leaves out (``dkg:NonFactual``) are read as well."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union: bool = False


class Session(Protocol):
    """A handle on a store version being prepared (before it is swapped in), to finish it with
    updates — such as the reasoner's last clean-up — that readers must never see half done."""

    # whether the store's default graph holds the merge the build wrote (not a union the store makes
    # itself, as Virtuoso's, which refuses writes to it): an update that removes a triple from a factual
    # graph removes it from the default graph too only then
    merges_into_default: bool

    def update(self, sparql: str) -> None: ...

    def select(self, sparql: str) -> list[dict[str, str]]: ...


Prepare = Callable[[Session], None]
Progress = Callable[[int], None]  # hears how many more bytes have been read


def reporting(handle: BinaryIO, progress: Progress | None) -> BinaryIO:
    """The file, telling ``progress`` of every read (tqdm's wrapper, so any bar can follow a load)."""
    return handle if progress is None else CallbackIOWrapper(progress, handle, "read")


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
        bindings: Bindings | None = None,
    ) -> QueryOutput:
        """Run a SPARQL query. With no dataset the default graph is the store's default graph, which
        a build fills with the RDF merge of the factual named graphs. ``ResultTooLarge`` when the serialized
        answer would exceed ``max_bytes``.

        ``bindings`` gives a SELECT's variables their values before it runs, so that a query taking a
        value from a request is a constant text. The embedded store substitutes them (SEP-0007); a
        remote store sends them as a VALUES clause after the query, joined with its whole pattern —
        which Virtuoso takes after a SELECT only, hence SELECT only everywhere (an ASK or CONSTRUCT on
        one graph names it with ``dataset``). The two agree when each bound variable is projected
        (pyoxigraph refuses to substitute one the SELECT leaves out) and joined in the query's
        outermost group: not only inside OPTIONAL, MINUS, EXISTS or a subquery, and not under
        GROUP BY (a trailing VALUES clause is joined after grouping)."""

    def select(
        self, sparql: str, *, prefixes: dict[str, str] | None = None, bindings: Bindings | None = None
    ) -> list[dict[str, str]]:
        """Run a SELECT and return rows of plain values (IRIs and literal lexical forms)."""

    def ask(self, sparql: str, *, prefixes: dict[str, str] | None = None, dataset: Dataset | None = None) -> bool:
        """Run an ASK and return its answer (``QueryError`` for any other form): a boolean read from
        the parsed result, never guessed from the bytes of one."""

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> bool:
        """Make the named graph hold exactly ``triples`` (none: drop it), keeping the default graph
        the merge, in one transaction (a remote store: in one request up to its batch size, see
        docs/remote-stores.md); whether the graph held triples before. For the graph store's PUT: no
        SPARQL text is made of the triples on the embedded store, so the write costs what inserting
        them costs, at any size. ``QueryError`` for the merge repair's reserved graph."""

    def add_to_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> bool:
        """Add ``triples`` to the named graph, keeping the default graph the merge, in one
        transaction; whether the graph held triples before (the graph store's POST)."""

    def drop_graph(self, graph: ox.NamedNode) -> bool:
        """Drop the named graph, keeping the default graph the merge; False, with nothing written,
        when it held no triples (the graph store's DELETE)."""

    def update(self, sparql: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction, keeping the default graph the merge of the named
        graphs; ``QueryError`` if it does not parse or writes the default graph directly."""

    def dump(self, result_format: ResultFormat, out: BinaryIO) -> None:
        """Write the whole dataset, with its named graphs, in a dataset format (TriG, N-Quads)."""

    def create_empty(self) -> None:
        """Start an empty store (a remote store: drop this deployment's graphs)."""

    def exists(self) -> bool:
        """Whether there is a store to read: an embedded store's folder, a remote store's data."""

    def is_complete(self) -> bool:
        """Whether the store holds whole data, not the remains of a build that did not finish, so a
        server can refuse to answer from half a dataset. An embedded store swaps versions atomically
        and is always complete; a remote one is loaded in many requests and says whether the last
        build that began has finished."""

    def version_name(self) -> str:
        """An identifier of the store's current state, which changes with every write (a remote
        store sees only the writes made through this handle)."""

    def quad_count(self) -> int:
        """Quads in the named graphs and in the default graph as the store holds it (a store that
        answers the default graph as the union holds no copy there)."""

    def graph_names(self) -> Iterator[str]:
        """The named graphs (a remote store: those of this deployment, under its base IRI)."""

    def close(self) -> None: ...
