r"""An entity's neighbourhood as a graph: the entity, the IRIs it is linked to in either direction, each
edge labelled with its property — drawn by Graphviz's ``dot`` as SVG.

**What is drawn.** The links asserted in a named graph in the page's view (claims, the registry): the
reasoner's entailments are left out, since they repeat what is asserted (inverses, super-properties,
transitive closures) and would double every edge; so are ``rdf:type`` links. An edge no factual graph
holds — only a curator's inference, an opinion, or what the text calls uncertain, planned … — is dashed,
as the legend says; in the facts view there are none.

**Escaping.** Every label comes from the data. The DOT source is written by the ``graphviz`` package,
each string passed through ``graphviz.escape`` (so ``<…>`` is never read as a Graphviz HTML label),
after ``&`` is written ``&amp;`` (``dot`` reads entities in labels, and would copy an unknown one such
as ``&x;`` into the SVG, which no XML parser then reads). ``dot`` reads a tooltip's escape sequences
twice (``\\N`` became the node's name, ``\\l`` a line end), so a tooltip's backslashes are doubled once
more before ``graphviz.escape`` doubles them (tested with every sequence in a hostile label).
Nodes are named ``n0``, ``n1`` … so no IRI reaches the SVG's comments or ids; ``dot`` escapes the text
it writes into the SVG. The picture is bounded (``MAX_EDGES``) and ``dot`` runs with a time limit.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field

import graphviz
import pyoxigraph as ox

from dprk_kg.server import linked_data
from dprk_kg.server.errors import HttpError
from dprk_kg.server.runtime import config
from dprk_kg.server.views import View

MAX_EDGES = 60
MAX_LABEL = 48  # characters of a label drawn in a node or on an edge; the whole label is its tooltip
DOT_SECONDS = 10
DOT = "dot"

# ?this bound: each link between it and another IRI, the graph holding it and what decides its view.
NEIGHBOURS = (
    "SELECT DISTINCT ?this ?outgoing ?p ?n ?g ?g_nonFactual ?g_claim ?g_status ?this_label ?p_label ?n_label WHERE { "
    "{ GRAPH ?g { ?this ?p ?n } BIND (true AS ?outgoing) } UNION "
    "{ GRAPH ?g { ?n ?p ?this } BIND (false AS ?outgoing) } "
    f"FILTER (isIRI(?n) && ?p != rdf:type && ?n != ?this) {linked_data._flags('g')} "
    f"{linked_data._labelled('this', 'p', 'n')} }} LIMIT {40 * MAX_EDGES}"
)


@dataclass
class Edge:
    """A link between the entity and a neighbour, with whether a factual graph holds it."""

    neighbour: str
    predicate: str
    outgoing: bool
    fact: bool = False


@dataclass
class Neighbourhood:
    iri: str
    edges: list[Edge]
    labels: dict[str, str] = field(default_factory=dict)
    more: int = 0  # edges left out beyond MAX_EDGES

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or linked_data._short(iri)


def neighbourhood(resource: ox.NamedNode, view: View) -> Neighbourhood:
    """The links of ``resource`` asserted in a graph of ``view`` (entailments left out), each once."""
    base = config().base
    member = linked_data.Membership(view)
    labels: dict[str, str] = {}
    edges: dict[tuple[str, str, bool], Edge] = {}
    for row in linked_data._select(NEIGHBOURS, {"this": resource}, labels):
        value = {k: v["value"] for k, v in row.items()}
        graph = value["g"]
        if linked_data._graph_kind(graph, base) == "inferred":
            continue
        non_factual = value.get("g_nonFactual") == "true"
        if not member(graph, non_factual, value.get("g_claim") == "true", value.get("g_status", "")):
            continue
        key = (value["n"], value["p"], value["outgoing"] == "true")
        edge = edges.setdefault(key, Edge(*key))
        edge.fact = edge.fact or not non_factual
    found = Neighbourhood(resource.value, [], labels)
    ordered = sorted(edges.values(), key=lambda e: (found.label(e.predicate).lower(), found.label(e.neighbour).lower()))
    found.edges, found.more = ordered[:MAX_EDGES], max(0, len(ordered) - MAX_EDGES)
    return found


def _text(value: str, limit: int = MAX_LABEL, *, tooltip: bool = False) -> str:
    """A data-derived string as a DOT string: one line, bounded, read literally by ``dot``."""
    line = " ".join(value.split())
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    line = line.replace("&", "&amp;")
    return graphviz.escape(line.replace("\\", "\\\\") if tooltip else line)


def _node(graph: graphviz.Digraph, name: str, iri: str, label: str, **attributes: str) -> None:
    href = linked_data.local_href(iri)
    if href is not None:
        attributes["href"] = _text(href, len(href) + 1)
    graph.node(
        name, _text(label), tooltip=_text(f"{label} ({linked_data._short(iri)})", 400, tooltip=True), **attributes
    )


def dot_source(picture: Neighbourhood) -> str:
    """The neighbourhood in DOT, with a legend of the two kinds of edge."""
    graph = graphviz.Digraph(
        "neighbourhood",
        graph_attr={"rankdir": "LR", "fontname": "sans-serif", "fontsize": "11", "bgcolor": "transparent"},
        node_attr={
            "shape": "box",
            "style": "rounded,filled",
            "fillcolor": "#f4f6fb",
            "color": "#8a94a8",
            "fontname": "sans-serif",
            "fontsize": "11",
        },
        edge_attr={"fontname": "sans-serif", "fontsize": "9", "color": "#55607a", "fontcolor": "#333333"},
    )
    _node(graph, "n0", picture.iri, picture.label(picture.iri), fillcolor="#ffe9a8", penwidth="2")
    names = {picture.iri: "n0"}
    for edge in picture.edges:
        if edge.neighbour not in names:
            names[edge.neighbour] = f"n{len(names)}"
            _node(graph, names[edge.neighbour], edge.neighbour, picture.label(edge.neighbour))
        tail, head = ("n0", names[edge.neighbour]) if edge.outgoing else (names[edge.neighbour], "n0")
        predicate = picture.label(edge.predicate)
        graph.edge(
            tail,
            head,
            label=_text(predicate),
            tooltip=_text(predicate + ("" if edge.fact else " (not held as fact)"), 400, tooltip=True),
            style="solid" if edge.fact else "dashed",
            **({"class": "fact"} if edge.fact else {"class": "non-factual", "color": "#b5523b"}),
        )
    with graph.subgraph(name="cluster_legend") as legend:
        legend.attr(label="legend", fontsize="9", color="#cccccc", style="rounded")
        legend.node("legend_a", "", shape="point", width="0.05")
        legend.node("legend_b", "", shape="point", width="0.05")
        legend.node("legend_c", "", shape="point", width="0.05")
        legend.node("legend_d", "", shape="point", width="0.05")
        legend.edge("legend_a", "legend_b", label="held as fact", style="solid")
        legend.edge("legend_c", "legend_d", label="not held as fact", style="dashed", color="#b5523b")
    if picture.more:
        graph.attr(label=f"and {picture.more} more links, not drawn", labelloc="b")
    return graph.source


def svg(picture: Neighbourhood) -> str:
    """The picture as a standalone SVG document, drawn by ``dot``; 503 if ``dot`` is missing or stalls."""
    try:
        done = subprocess.run(
            [DOT, "-Tsvg"], input=dot_source(picture), capture_output=True, text=True, timeout=DOT_SECONDS, check=False
        )
    except FileNotFoundError as error:
        raise HttpError(503, "the neighbourhood graph needs Graphviz's dot, which is not installed") from error
    except subprocess.TimeoutExpired as error:
        raise HttpError(503, f"Graphviz took more than {DOT_SECONDS} s to draw the neighbourhood") from error
    if done.returncode != 0:
        raise HttpError(500, f"Graphviz could not draw the neighbourhood: {done.stderr.strip()[:300]}")
    return done.stdout


def inline(document: str) -> str:
    """The SVG element alone (no XML declaration, doctype or comment before it), to embed in a page."""
    return document[document.index("<svg") :]
