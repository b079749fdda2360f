"""The views a query can choose with the protocol's ``default-graph-uri``.

The store's default graph holds what the sources state or report as fact (the merge of the graphs
not typed ``dkg:NonFactual``). Two view IRIs, under the deployment's base, name what a client may
read as its default graph instead:

- ``{base}view/facts`` — the store's default graph, named (the same as giving no default graph);
- ``{base}view/complete`` — every named graph together: the non-factual claims and the entailments
  resting on them as well, each still found with its status through ``GRAPH``.
"""

from __future__ import annotations

from dataclasses import dataclass

from dprk_kg.server.errors import HttpError
from dprk_kg.store.base import Dataset


@dataclass(frozen=True)
class View:
    name: str
    title: str
    description: str

    def iri(self, base: str) -> str:
        return f"{base}view/{self.name}"


FACTS = View(
    "facts",
    "What the sources state or report as fact",
    "The default graph: claims stated or reported without a modality, the registry, the ontology, the "
    "provenance, and the entailments of those alone.",
)
COMPLETE = View(
    "complete",
    "Everything, facts and non-facts",
    "Every named graph as the default graph: also the curators' inferences, opinions, and what the "
    "texts call uncertain, possible, planned, expected or instructed, with the entailments resting on them.",
)
VIEWS = (FACTS, COMPLETE)


def dataset(default_graphs: list[str], named_graphs: list[str], base: str) -> Dataset | None:
    """The query's dataset from the protocol's parameters, a view IRI read as its view."""
    chosen = [view for view in VIEWS if view.iri(base) in default_graphs]
    if not chosen:
        return Dataset(tuple(default_graphs), tuple(named_graphs)) if default_graphs or named_graphs else None
    if len(default_graphs) > 1:
        raise HttpError(400, f"a view ({chosen[0].iri(base)}) is the whole default graph: give it alone")
    if chosen[0] is COMPLETE:
        return Dataset((), tuple(named_graphs), union=True)
    return Dataset((), tuple(named_graphs)) if named_graphs else None
