"""The Wikidata round-trip files a build writes beside an embedded store, in ``<store>.wikidata/``:

- ``wikibase-statements.nt`` — the factual claims as Wikibase statements (normal rank, truthy ``wdt:``);
- ``wikibase-statements-non-factual.nt`` — the non-factual claims' deprecated statements, apart;
- ``quickstatements.txt`` — QuickStatements V1 commands for what Wikidata can take;
- ``quickstatements-report.txt`` — what could not be mapped, and why.

They are rewritten whole on every build, each through a temporary file, so a reader never sees half.
"""

from __future__ import annotations

from pathlib import Path

from dprk_kg.iris import Iris
from dprk_kg.loaders.rdf.wikibase_statements import FACTUAL_GRAPH, NON_FACTUAL_GRAPH
from dprk_kg.quickstatements import quickstatements
from dprk_kg.store import ResultFormat
from dprk_kg.store.base import Store

STATEMENT_FILES = {FACTUAL_GRAPH: "wikibase-statements.nt", NON_FACTUAL_GRAPH: "wikibase-statements-non-factual.nt"}


def exports_root(store_path: Path) -> Path:
    """Beside the store, like its dumps (``<store>.dumps``) and versions."""
    return store_path.parent / f"{store_path.name}.wikidata"


def statements_ntriples(store: Store, iris: Iris, graph_name: str) -> bytes:
    """One statements graph as sorted N-Triples (the same bytes for the same store)."""
    graph = iris.graph(graph_name)  # a name the code mints, never request text
    output = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", ResultFormat.N_TRIPLES)
    lines = sorted(line for line in output.body.decode("utf-8").splitlines() if line.strip())
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def write_wikidata_exports(store: Store, store_path: Path, iris: Iris) -> Path:
    root = exports_root(store_path)
    root.mkdir(parents=True, exist_ok=True)
    export = quickstatements(store)
    files: dict[str, bytes] = {name: statements_ntriples(store, iris, graph) for graph, name in STATEMENT_FILES.items()}
    files["quickstatements.txt"] = "".join(f"{line}\n" for line in export.commands).encode("utf-8")
    files["quickstatements-report.txt"] = export.report().encode("utf-8")
    for name, data in files.items():
        partial = root / f".{name}.partial"
        partial.write_bytes(data)
        partial.replace(root / name)
    return root
