"""Keeping the default graph equal to the RDF merge of the factual named graphs across writes.

Every triple lives in a named graph (a claim, provenance, the registry …); the default graph is the
merge of those not typed ``dkg:NonFactual`` (the claims of a curator's inference, an opinion, or what
the text calls uncertain, possible, planned …, and the entailments resting on them), so a fact stated
twice counts once and a guess never reads as a fact. A write therefore names its graphs: an update
that would write the default graph directly is refused, and after each write the merge is repaired,
for just the graphs the write touched when they are known, else in full. Typing a graph
``dkg:NonFactual`` (or removing the type) takes effect at the next full repair or build.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from dprk_kg.errors import QueryError
from dprk_kg.sparql.reading import UpdateReading, read_update
from dprk_kg.vocabulary import DKG

DEFAULT_GRAPH_IS_DERIVED = (
    "this update writes the default graph, which here is the merge of the factual named graphs and cannot be "
    "written directly; name a graph (GRAPH <…> { … }, WITH <…>, or ?graph=… on the graph store)"
)

RESERVED = "urn:dprk-kg:"  # the store's own graphs (the repair's scratch, a remote build's status): never data
SCRATCH_GRAPH = f"{RESERVED}scratch:merge-repair"  # holds touched graphs' old content during one update
NON_FACTUAL = str(DKG.NonFactual)
FACTUAL = f'FILTER NOT EXISTS {{ ?g a {NON_FACTUAL} }} FILTER (!STRSTARTS(STR(?g), "{RESERVED}"))'
FULL_REPAIR = f"""
DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} {FACTUAL} }} }} ;
INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {FACTUAL} FILTER NOT EXISTS {{ ?s ?p ?o }} }}
"""


@dataclass(frozen=True)
class UpdateEffects:
    """Which named graphs an update may change (None: cannot be told before running it), and its
    reading, to write more operations after it."""

    reading: UpdateReading

    @property
    def graphs(self) -> frozenset[str] | None:
        return self.reading.graphs

    def then(self, sparql: str, more: str) -> str:
        return self.reading.followed_by(sparql, more)


def analyse_update(sparql: str, *, prefixes: dict[str, str] | None = None) -> UpdateEffects:
    """Read the update with the endpoint's parser (``dprk_kg.sparql``) to find the graphs it writes;
    ``QueryError`` if it does not parse or would write the default graph."""
    reading = read_update(sparql, prefixes=prefixes)
    if reading.writes_default:
        raise QueryError(DEFAULT_GRAPH_IS_DERIVED)
    if reading.graphs is not None and SCRATCH_GRAPH in reading.graphs:
        raise QueryError(f"<{SCRATCH_GRAPH}> is reserved for keeping the default graph the merge; use another graph")
    for graph in reading.graphs or ():
        try:
            ox.NamedNode(graph)
        except ValueError as error:
            raise QueryError(f"<{graph}> is not an IRI: {error}") from error
    return UpdateEffects(reading)


def repaired_update(sparql: str, effects: UpdateEffects, scratch: str) -> str:
    """The update followed by the repair of the default graph, as one request (one transaction).

    With the touched graphs known, their old content is first copied into a scratch graph; after the
    update, the merge drops what was in them and is now in no graph, and adds what they now hold. With
    them unknown, the whole merge is recomputed.
    """
    if effects.graphs is None:
        # the scratch graph may have been written through a variable: it is never part of the merge
        return effects.then(sparql, f"DROP SILENT GRAPH <{scratch}> ;\n{FULL_REPAIR}")
    if not effects.graphs:
        return sparql
    touched = " ".join(str(ox.NamedNode(g)) for g in sorted(effects.graphs))
    snapshot = " ;\n".join(f"ADD SILENT {ox.NamedNode(g)} TO <{scratch}>" for g in sorted(effects.graphs))
    repair = (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{scratch}> {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{scratch}>) "
        f"FILTER NOT EXISTS {{ ?g a {NON_FACTUAL} }} }} }} ;\n"
        f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {touched} }} GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ ?g a {NON_FACTUAL} }} FILTER NOT EXISTS {{ ?s ?p ?o }} }} ;\n"
        f"CLEAR SILENT GRAPH <{scratch}> ;\nDROP SILENT GRAPH <{scratch}>"
    )
    return effects.then(effects.reading.preceded_by(sparql, f"DROP SILENT GRAPH <{scratch}> ;\n{snapshot}"), repair)
