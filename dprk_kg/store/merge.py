"""Keeping the default graph equal to the RDF merge of the named graphs across writes.

Every triple lives in a named graph (a claim, provenance, the registry …); the default graph is their
merge, so a fact stated twice counts once. A write therefore names its graphs: an update that would
write the default graph directly is refused, and after each write the merge is repaired, for just the
graphs the write touched when they are known, else in full.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib.plugins.sparql.processor import prepareUpdate
from rdflib.term import Variable

from dprk_kg.errors import QueryError
from dprk_kg.sparql_text import declared_prefixes, without_final_semicolon

DEFAULT_GRAPH_IS_DERIVED = (
    "this update writes the default graph, which here is the merge of all named graphs and cannot be "
    "written directly; name a graph (GRAPH <…> { … }, WITH <…>, or ?graph=… on the graph store)"
)

SCRATCH_GRAPH = "urn:dprk-kg:scratch:merge-repair"  # holds touched graphs' old content during one update
FULL_REPAIR = """
DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;
INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }
"""


@dataclass(frozen=True)
class UpdateEffects:
    """Which named graphs an update may change (None: cannot be told before running it)."""

    graphs: frozenset[str] | None


def analyse_update(
    sparql: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None
) -> UpdateEffects:
    """Parse the update (rdflib) to find the graphs it writes; raise ``QueryError`` if it does not
    parse or would write the default graph."""
    try:
        update = prepareUpdate(sparql, initNs=_undeclared(sparql, prefixes or {}), base=base_iri)
    except Exception as error:  # pyparsing's ParseException and rdflib's errors share no base class
        raise QueryError(f"update does not parse: {error}") from error
    graphs: set[str] = set()
    unknown = False
    for op in update.algebra:
        name = op.name
        if name in ("InsertData", "DeleteData", "DeleteWhere"):
            _refuse_default(_field(op, "triples"))
            unknown |= _collect(_field(op, "quads") or {}, graphs)
        elif name == "Modify":
            target = _field(op, "withClause")
            for clause in (_field(op, "delete"), _field(op, "insert")):
                if clause is None:
                    continue
                if _field(clause, "triples"):
                    if target is None:
                        raise QueryError(DEFAULT_GRAPH_IS_DERIVED)
                    graphs.add(str(target))
                unknown |= _collect(_field(clause, "quads") or {}, graphs)
        elif name in ("Clear", "Drop"):
            target = _field(op, "graphiri")
            if target == "DEFAULT":
                raise QueryError(DEFAULT_GRAPH_IS_DERIVED)
            if target in ("ALL", "NAMED"):
                unknown = True
            else:
                graphs.add(str(target))
        elif name in ("Add", "Move", "Copy"):
            source, target = _field(op, "graph")
            if target == "DEFAULT":
                raise QueryError(DEFAULT_GRAPH_IS_DERIVED)
            graphs.add(str(target))
            if name == "Move" and source != "DEFAULT":
                graphs.add(str(source))
        elif name == "Load":
            target = _field(op, "graphiri")
            if target is None:
                raise QueryError(DEFAULT_GRAPH_IS_DERIVED)
            graphs.add(str(target))
    if SCRATCH_GRAPH in graphs:
        raise QueryError(f"<{SCRATCH_GRAPH}> is reserved for keeping the default graph the merge; use another graph")
    return UpdateEffects(None if unknown else frozenset(graphs))


def _undeclared(sparql: str, prefixes: dict[str, str]) -> dict[str, str]:
    """The well-known prefixes the update does not declare itself: rdflib re-applies its initial
    namespaces before each operation, so a well-known name for a namespace the update names otherwise
    (``dcterms:`` for its own ``dc:``) would take that namespace back from it."""
    declared = declared_prefixes(sparql)
    namespaces = set(declared.values())
    return {name: iri for name, iri in prefixes.items() if name not in declared and iri not in namespaces}


def _field(node: object, key: str) -> Any:
    """A field of rdflib's algebra node, or None (its own ``get`` returns the key when absent)."""
    return node[key] if key in node else None  # type: ignore[operator, index]  # noqa: SIM401


def _refuse_default(triples: Iterable[object] | None) -> None:
    if triples:
        raise QueryError(DEFAULT_GRAPH_IS_DERIVED)


def _collect(quads: dict[object, object], graphs: set[str]) -> bool:
    """Add the graph IRIs of a quads block; True when one is a variable (graphs unknown)."""
    unknown = False
    for graph in quads:
        if isinstance(graph, Variable):
            unknown = True
        else:
            graphs.add(str(graph))
    return unknown


def repaired_update(sparql: str, effects: UpdateEffects, scratch: str) -> str:
    """The update followed by the repair of the default graph, as one request (one transaction).

    With the touched graphs known, their old content is first copied into a scratch graph; after the
    update, the merge drops what was in them and is now in no graph, and adds what they now hold. With
    them unknown, the whole merge is recomputed.
    """
    # A newline ends a trailing comment; a trailing ";" would make ";;".
    sparql = without_final_semicolon(sparql)
    if effects.graphs is None:
        # the scratch graph may have been written through a variable: it is never part of the merge
        return f"{sparql}\n;\nDROP SILENT GRAPH <{scratch}> ;\n{FULL_REPAIR}"
    if not effects.graphs:
        return sparql
    touched = " ".join(f"<{g}>" for g in sorted(effects.graphs))
    snapshot = " ;\n".join(f"ADD SILENT <{g}> TO <{scratch}>" for g in sorted(effects.graphs))
    return (
        f"DROP SILENT GRAPH <{scratch}> ;\n{snapshot} ;\n{sparql}\n;\n"
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{scratch}> {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{scratch}>) }} }} ;\n"
        f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {touched} }} GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ ?s ?p ?o }} }} ;\n"
        f"CLEAR SILENT GRAPH <{scratch}> ;\nDROP SILENT GRAPH <{scratch}>"
    )
