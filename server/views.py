"""The views a query can choose with the protocol's ``default-graph-uri``.

The store's default graph holds what the sources state or report as fact (the merge of the graphs
not typed ``dkg:NonFactual``). Two view IRIs, under the deployment's base, name what a client may
read as its default graph instead:

- ``{base}view/facts`` — the store's default graph, named (the same as giving no default graph);
- ``{base}view/complete`` — every named graph together: the non-factual claims and the entailments
  resting on them as well, each still found with its status through ``GRAPH``;
- ``{base}view/non-factual`` — only what the default graph leaves out: the graphs typed
  ``dkg:NonFactual`` (the claims and the entailments resting on them);
- ``{base}view/stated``, ``…/reported``, ``…/inferred``, ``…/opinion`` — the claims of one status,
  whatever their modality.

A view of chosen graphs is a list of graph names, which ``graphs`` asks of the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dprk_kg.server.errors import HttpError
from dprk_kg.store.base import Dataset
from dprk_kg.vocabulary import DKG


@dataclass(frozen=True)
class View:
    name: str
    title: str
    description: str
    graphs: str | None = None  # a SELECT ?g of the graphs the view is the merge of; None: not a list

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
NON_FACTUAL = View(
    "non-factual",
    "What the default graph leaves out",
    "The graphs typed dkg:NonFactual: the curators' inferences, opinions, and what the texts call "
    "uncertain, possible, planned, expected or instructed, with the entailments resting on them.",
    f"SELECT DISTINCT ?g WHERE {{ ?g a {DKG.NonFactual} }}",
)


def _status(name: str, node: str, says: str) -> View:
    query = f"SELECT DISTINCT ?g WHERE {{ ?g a {DKG.Claim} ; {DKG.epistemicStatus} {getattr(DKG, node)} }}"
    return View(name, f"The claims {says}", f"Every claim {says}, whatever its modality.", query)


VIEWS = (
    FACTS,
    COMPLETE,
    NON_FACTUAL,
    _status("stated", "Stated", "the texts state"),
    _status("reported", "Reported", "a source reports"),
    _status("inferred", "Inferred", "a curator inferred"),
    _status("opinion", "Opinion", "that are opinions"),
)


def dataset(
    default_graphs: list[str], named_graphs: list[str], base: str, graphs: Callable[[str], list[str]]
) -> Dataset | None:
    """The query's dataset from the protocol's parameters, a view IRI read as its view; ``graphs``
    runs a view's SELECT of graph names."""
    chosen = [view for view in VIEWS if view.iri(base) in default_graphs]
    if not chosen:
        return Dataset(tuple(default_graphs), tuple(named_graphs)) if default_graphs or named_graphs else None
    view = chosen[0]
    if len(default_graphs) > 1:
        raise HttpError(400, f"a view ({view.iri(base)}) is the whole default graph: give it alone")
    if view is COMPLETE:
        return Dataset((), tuple(named_graphs), union=True)
    if view.graphs is not None:  # an empty list would be the store's default graph: name no graph instead
        return Dataset(tuple(graphs(view.graphs)) or (view.iri(base),), tuple(named_graphs))
    return Dataset((), tuple(named_graphs)) if named_graphs else None
