"""Validating what is already in a store, or RDF files: the shapes in groups of documents (each with
the registry entries it references, as the build validates), then the integrity queries, which must
return no rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from tqdm import tqdm

from dprk_kg.errors import InputError, QueryError, ValidationFailed
from dprk_kg.iris import Iris
from dprk_kg.loaders.engines import ShaclEngine
from dprk_kg.loaders.gate.validation import Gate
from dprk_kg.loaders.rdf.terms import Term
from dprk_kg.loaders.sources.inputs import Inputs
from dprk_kg.paths import queries_dir
from dprk_kg.store import ResultFormat, Store

GROUP = 25


@dataclass
class StoreValidation:
    """Everything found wrong; empty lists mean the store conforms."""

    documents: int = 0
    violations: list[ValidationFailed] = field(default_factory=list)
    integrity: list[tuple[str, list[dict[str, str]]]] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations and not self.integrity

    def report(self) -> str:
        lines = [str(failure) for failure in self.violations]
        for name, rows in self.integrity:
            lines.append(f"integrity check {name}: {len(rows)} row(s)")
            lines.extend(f"  {row}" for row in rows[:20])
        verdict = "conforms" if self.conforms else "does NOT conform"
        lines.append(f"{self.documents} documents checked; the data {verdict}")
        return "\n".join(lines)


def validate_store(
    store: Store, inputs: Inputs, shacl: ShaclEngine | str = ShaclEngine.AUTO, show_progress: bool = False
) -> StoreValidation:
    """Minutes on a large store, hence the progress bars: documents validated, then queries run."""
    iris = inputs.iris
    gate = Gate(inputs.shapes, inputs.ontology_graph, shacl)
    result = StoreValidation()
    graphs_by_document = _graphs_by_document(store, iris)
    documents = sorted(graphs_by_document)
    result.documents = len(documents)
    registry: dict[Term, list[ox.Triple]] = {}
    for triple in _triples(store, [iris.registry_graph]):
        registry.setdefault(triple.subject, []).append(triple)
    build = _triples(store, [iris.build_graph])
    with tqdm(total=len(documents), desc="validate", unit="doc", disable=not show_progress) as bar:
        for start in range(0, len(documents), GROUP):
            group = documents[start : start + GROUP]
            triples = _triples(store, [g for doc in group for g in graphs_by_document[doc]])
            try:
                gate.validate([*triples, *_referenced(triples, registry), *build], batch=", ".join(group))
            except ValidationFailed as failure:
                result.violations.append(failure)
            bar.update(len(group))
    result.integrity = list(run_integrity_queries(store, show_progress=show_progress))
    return result


def _referenced(triples: list[ox.Triple], registry: dict[Term, list[ox.Triple]]) -> list[ox.Triple]:
    """The registry's statements about the nodes the triples mention, and about the nodes those
    mention in turn (a county's province, its country)."""
    pending: list[Term] = [t.object for t in triples if t.object in registry]
    pending += [t.subject for t in triples if t.subject in registry]
    seen: set[Term] = set()
    found: list[ox.Triple] = []
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in registry.get(node, ()):
            found.append(triple)
            if triple.object in registry:
                pending.append(triple.object)
    return found


def validate_files(
    paths: Iterable[Path], inputs: Inputs, shacl: ShaclEngine | str = ShaclEngine.AUTO
) -> StoreValidation:
    """Validate RDF files (any format pyoxigraph reads, chosen by extension) as one batch."""
    triples: list[ox.Triple] = []
    names = []
    for path in paths:
        try:
            triples.extend(q.triple for q in ox.parse(path=path))
        except (SyntaxError, ValueError) as error:
            raise InputError(path, getattr(error, "lineno", None), f"cannot parse: {error}") from error
        names.append(str(path))
    result = StoreValidation(documents=len(names))
    try:
        Gate(inputs.shapes, inputs.ontology_graph, shacl).validate(triples, batch=", ".join(names))
    except ValidationFailed as failure:
        result.violations.append(failure)
    return result


def run_integrity_queries(
    store: Store, directory: Path | None = None, *, show_progress: bool = False
) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """Yield (query name, rows) for every integrity query that returns rows."""
    paths = sorted((directory or queries_dir() / "integrity").glob("*.rq"))
    for path in tqdm(paths, desc="integrity queries", unit="query", disable=not show_progress):
        try:
            rows = store.select(path.read_text(encoding="utf-8"))
        except QueryError as error:
            raise InputError(path, None, f"integrity query does not parse: {error}") from error
        if rows:
            yield path.stem, rows


def _graphs_by_document(store: Store, iris: Iris) -> dict[str, list[str]]:
    """Each document's provenance graph and claim graphs, from the graph names alone."""
    provenance = iris.graph("provenance/")
    claims = iris.claim_prefix
    found: dict[str, list[str]] = {}
    for name in store.graph_names():
        if name.startswith(provenance):
            found.setdefault(name[len(provenance) :], []).append(name)
        elif name.startswith(claims):
            found.setdefault(name[len(claims) :].split("/", 1)[0], []).append(name)
    return found


def _triples(store: Store, graphs: list[str]) -> list[ox.Triple]:
    if not graphs:
        return []
    values = " ".join(f"<{g}>" for g in graphs)
    output = store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}",
        ResultFormat.N_TRIPLES,
    )
    return [q.triple for q in ox.parse(output.body, format=ox.RdfFormat.N_TRIPLES)]
