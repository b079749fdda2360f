"""The embedded store: pyoxigraph on disk (RocksDB).

A full build writes a fresh store directory by bulk load and then swaps a symbolic link to it
(``os.replace`` of a link is atomic), so a failed or killed build leaves the previous store intact and
readable; the previous version is kept until the next build, so readers that still hold it finish.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from dprk_kg.errors import QueryError, StoreError
from dprk_kg.store.base import Dataset, QueryOutput, ResultFormat, graph_replacement_update

RESULTS_FORMATS = {
    ResultFormat.SPARQL_JSON: ox.QueryResultsFormat.JSON,
    ResultFormat.SPARQL_XML: ox.QueryResultsFormat.XML,
    ResultFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultFormat.TSV: ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    ResultFormat.TURTLE: ox.RdfFormat.TURTLE,
    ResultFormat.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    ResultFormat.JSON_LD: ox.RdfFormat.JSON_LD,
    ResultFormat.RDF_XML: ox.RdfFormat.RDF_XML,
    ResultFormat.TRIG: ox.RdfFormat.TRIG,
    ResultFormat.N_QUADS: ox.RdfFormat.N_QUADS,
}
KEEP_VERSIONS = 2  # the current store and the one before it


class EmbeddedStore:
    """A pyoxigraph store behind a link ``path`` → ``path.versions/<build>``."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.location = str(path)
        self.read_only = read_only
        self._store: ox.Store | None = None

    # --- opening ---------------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            if not self.path.exists():
                raise StoreError(f"no store at {self.path}; run `dprk-kg build` first")
            try:
                self._store = ox.Store.read_only(str(self.path)) if self.read_only else ox.Store(str(self.path))
            except OSError as error:
                raise StoreError(f"cannot open the store at {self.path}: {error}") from error
        return self._store

    def close(self) -> None:
        self._store = None  # pyoxigraph closes the database when the object is dropped

    # --- writing ---------------------------------------------------------------------------------
    def replace_dataset(self, nquads: Path) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")
        versions = self.path.parent / f"{self.path.name}.versions"
        versions.mkdir(parents=True, exist_ok=True)
        with _lock(versions / ".lock"):
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
            fresh = versions / f"{stamp}-{os.getpid()}"
            try:
                new_store = ox.Store(str(fresh))
                new_store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
                new_store.flush()
                del new_store
            except (OSError, SyntaxError) as error:
                shutil.rmtree(fresh, ignore_errors=True)
                raise StoreError(f"bulk load into {fresh} failed: {error}") from error
            self._adopt_legacy_directory(versions)
            link = self.path.parent / f".{self.path.name}.{os.getpid()}.link"
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            link.symlink_to(os.path.relpath(fresh, self.path.parent))
            os.replace(link, self.path)  # the atomic swap
            self.close()
            _prune(versions, keep=fresh)

    def _adopt_legacy_directory(self, versions: Path) -> None:
        """A store written as a plain directory (not a link) is moved under versions/ first."""
        if self.path.is_dir() and not self.path.is_symlink():
            os.replace(self.path, versions / "legacy")

    def replace_graphs(self, graphs: Iterable[str], nquads: bytes) -> None:
        self.update(graph_replacement_update(graphs, nquads))

    def update(self, sparql: str) -> None:
        """One SPARQL update request is one transaction in Oxigraph: all of it applies, or none."""
        if self.read_only:
            raise StoreError("the store is open read-only")
        try:
            self.store.update(sparql)
        except SyntaxError as error:
            raise QueryError(str(error)) from error
        except OSError as error:
            raise StoreError(str(error)) from error

    # --- reading ---------------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        result_format: ResultFormat,
        *,
        dataset: Dataset | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> QueryOutput:
        result = self._run(sparql, dataset, prefixes)
        if isinstance(result, ox.QueryBoolean):
            kind = "boolean"
        elif isinstance(result, ox.QuerySolutions):
            kind = "solutions"
        else:
            kind = "graph"
        if kind == "graph":
            target = RDF_FORMATS.get(result_format)
            if target is None:
                raise QueryError(f"{result_format.media_type} cannot carry the triples of a CONSTRUCT or DESCRIBE")
        else:
            target = RESULTS_FORMATS.get(result_format)
            if target is None:
                raise QueryError(f"{result_format.media_type} cannot carry SELECT or ASK results")
        try:
            body = result.serialize(format=target)
        except (OSError, ValueError) as error:
            raise StoreError(f"serialising results failed: {error}") from error
        return QueryOutput(kind, result_format, body or b"")

    def select(self, sparql: str, *, prefixes: dict[str, str] | None = None) -> list[dict[str, str]]:
        result = self._run(sparql, None, prefixes)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("select() runs SELECT queries only")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            rows.append({name: solution[name].value for name in names if solution[name] is not None})
        return rows

    def _run(self, sparql: str, dataset: Dataset | None, prefixes: dict[str, str] | None) -> object:
        options: dict[str, object] = {"prefixes": prefixes or {}}
        if dataset is not None and (dataset.default_graphs or dataset.named_graphs):
            options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs] or [ox.DefaultGraph()]
            if dataset.named_graphs:
                options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
        try:
            return self.store.query(sparql, **options)
        except SyntaxError as error:
            raise QueryError(str(error)) from error
        except OSError as error:
            raise StoreError(str(error)) from error

    def dump(self, result_format: ResultFormat, out: BinaryIO) -> None:
        target = RDF_FORMATS.get(result_format)
        if target is None or not target.supports_datasets:
            raise QueryError(f"{result_format.media_type} cannot hold named graphs; use TriG, N-Quads or JSON-LD")
        try:
            self.store.dump(out, format=target)
        except OSError as error:
            raise StoreError(str(error)) from error

    def quad_count(self) -> int:
        return len(self.store)

    def graph_names(self) -> Iterator[str]:
        for graph in self.store.named_graphs():
            yield graph.value


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """One build at a time per store: a second one fails fast instead of racing the swap."""
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise StoreError(f"another build is writing {path.parent}") from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(versions: Path, keep: Path) -> None:
    """Delete all versions but the newest few (the current one and its predecessor)."""
    candidates = sorted((p for p in versions.iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in candidates[:-KEEP_VERSIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
