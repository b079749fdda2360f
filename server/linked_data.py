"""Linked-data pages: every IRI of the dataset dereferences on this server.

The server maps its paths onto the base IRI: ``/id/orang-county`` is
``https://w3id.org/dprk-kg/id/orang-county``. A request for the thing itself is answered with
``303 See Other`` to a document about it — ``….html`` for a browser, ``….ttl`` (``.nt``, ``.jsonld``,
``.rdf``, ``.trig``, ``.nq``) by ``Accept`` — as the W3C "Cool URIs" note describes for slash IRIs.
Each statement on a page carries its provenance: the claims (status, modality, hedge, basis, source,
quote), the registry, or the reasoner that put it there, and what an entailment was derived from.

**Views.** Every page and representation shows one of the views of ``views.py``, chosen with
``?view=<name>``: a statement belongs to a view if one of the graphs holding it does (facts: a graph
not typed ``dkg:NonFactual``, or the default graph alone; complete: any; non-factual: a graph typed
``dkg:NonFactual``; stated, reported, inferred, opinion: a claim of that status). A triple-only format
(Turtle, N-Triples, JSON-LD, RDF/XML) flattens the graphs, so by default it shows the facts view: a plain
Turtle client never reads a guess as a fact. The page and the quad formats (TriG, N-Quads), which keep
each statement's graph, show the complete view by default. The view's name is only ever compared with
the names of ``views.VIEWS``: it never reaches a query, which are all constants.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Response, g, redirect, render_template, request
from werkzeug.wrappers import Response as WerkzeugResponse

from dprk_kg.server import negotiation, ontology_docs, parameters, views
from dprk_kg.server.errors import HttpError
from dprk_kg.server.executor import QueryJob
from dprk_kg.server.protocol import execute
from dprk_kg.server.runtime import config
from dprk_kg.server.views import View
from dprk_kg.store import ResultFormat
from dprk_kg.store.base import Bindings, Dataset
from dprk_kg.store.formats import RDF_FORMATS, serialise
from dprk_kg.vocabulary import DEFAULT_BASE, DKG, PROV, RDF, RDFS, SCHEMA, VOID, base_prefixes

blueprint = Blueprint("linked_data", __name__)

EXTENSIONS = {
    ".html": None,
    ".ttl": ResultFormat.TURTLE,
    ".nt": ResultFormat.N_TRIPLES,
    ".jsonld": ResultFormat.JSON_LD,
    ".rdf": ResultFormat.RDF_XML,
    ".trig": ResultFormat.TRIG,
    ".nq": ResultFormat.N_QUADS,
}
EXTENSION_OF = {fmt: ext for ext, fmt in EXTENSIONS.items() if fmt is not None}
FORMAT_LABELS = {
    ".ttl": "Turtle",
    ".nt": "N-Triples",
    ".jsonld": "JSON-LD",
    ".rdf": "RDF/XML",
    ".trig": "TriG (with graphs)",
    ".nq": "N-Quads (with graphs)",
}
QUAD_FORMATS = frozenset({ResultFormat.TRIG, ResultFormat.N_QUADS})  # each statement keeps its graph
SPACES = ("id", "doc", "claim", "activity", "graph", "source", ".well-known/genid")
PUBLISHED_BASE = DEFAULT_BASE  # the ontology's and the shapes' IRIs do not follow the data's base
RDFS_LABEL = RDFS.uri("label")
RDF_TYPE = RDF.uri("type")
SCHEMA_TEXT = SCHEMA.uri("text")
MAX_STATEMENTS = 2000
MAX_INCOMING = 300
MAX_DERIVATIONS = 2000

VIEW_NAMED = {view.name: view for view in views.VIEWS}
STATUS_OF_VIEW = {  # the status views, as the epistemic status a claim must have to be in one
    "stated": DKG.uri("Stated"),
    "reported": DKG.uri("Reported"),
    "inferred": DKG.uri("Inferred"),
    "opinion": DKG.uri("Opinion"),
}
REASONS = {DKG.uri("Inferred"): "curator's inference", DKG.uri("Opinion"): "opinion"}  # statuses that are no fact


def default_view(fmt: ResultFormat | None) -> View:
    """The page and the quad formats show everything, each statement with its graphs; a format that
    keeps no graph shows only the facts."""
    return views.COMPLETE if fmt is None or fmt in QUAD_FORMATS else views.FACTS


def chosen_view() -> View | None:
    """The view the request names with ``?view=``, or None; an unknown name is a 400 that lists the
    views. The name is compared with the views' names only: it never becomes part of a query."""
    names = parameters.decode(request.query_string, "query string").getlist("view")
    if not names:
        return None
    allowed = ", ".join(VIEW_NAMED)
    if len(names) > 1:
        raise HttpError(400, f"give one view (the request names {len(names)}); the views are: {allowed}")
    view = VIEW_NAMED.get(names[0])
    if view is None:
        shown = names[0] if len(names[0]) <= 80 else names[0][:80] + "…"
        raise HttpError(400, f"unknown view {shown!r}; the views are: {allowed}")
    return view


# --- the ontology, its mapping set and the shapes: whole documents (ontology_docs.py) ----------------


@blueprint.route("/ontology", defaults={"rest": ""})
@blueprint.route("/ontology<rest>")  # /ontology.ttl …
def ontology(rest: str) -> WerkzeugResponse:
    return _published("ontology" + rest)


@blueprint.route("/ontology/<path:rest>")  # the version IRI, the Wikidata mapping set
def ontology_part(rest: str) -> WerkzeugResponse:
    return _published("ontology/" + rest)


@blueprint.route("/shapes", defaults={"rest": ""})
@blueprint.route("/shapes<rest>")
def shapes(rest: str) -> WerkzeugResponse:
    return _published("shapes" + rest)


def _published(path: str) -> WerkzeugResponse:
    """The whole document at its IRI: 303 to ``….html`` or, by ``Accept``, to a data document, as for
    any resource; the HTML of the ontology is its documentation. Views do not apply: the ontology
    is not a claim of any source."""
    stem, extension = _split_extension(path)
    document = ontology_docs.find(stem)
    if document is None:
        raise HttpError(404, f"nothing is known about <{PUBLISHED_BASE}{stem}>")
    if extension is None:
        return _see_other(stem, None)
    fmt = EXTENSIONS[extension]
    if fmt is not None:
        response = Response(document.serialise(fmt), mimetype=fmt.media_type)
    elif document.source.kind == "ontology":
        page = ontology_docs.ontology_page(document)
        response = Response(render_template("ontology.html", p=page, local=local_href), mimetype="text/html")
    else:
        groups = ontology_docs.statements(document)
        html = render_template(
            "ontology_document.html", document=document, groups=groups, local=local_href, short=ontology_docs.short
        )
        response = Response(html, mimetype="text/html")
    links = [f'<{document.iri}>; rel="describes"']
    for other, other_fmt in EXTENSIONS.items():
        if other != extension:
            media_type = "text/html" if other_fmt is None else other_fmt.media_type
            links.append(f'</{document.path}{other}>; rel="alternate"; type="{media_type}"')
    response.headers["Link"] = ", ".join(links)
    return response


# --- every other IRI of the dataset -------------------------------------------------------------------


def resource(space: str, rest: str) -> WerkzeugResponse:
    path = f"{space}/{rest}" if space else rest
    stem, extension = _split_extension(path)
    iri = config().base + stem
    node = parameters.named_node(iri, "the resource", 404)  # nothing is known of what is not an IRI
    chosen = chosen_view()
    if extension is None:
        return _see_other(stem, chosen)
    fmt = EXTENSIONS[extension]
    view = chosen or default_view(fmt)
    description = describe(node, view, how_sure=fmt is None or fmt in QUAD_FORMATS)
    if not description.known:
        raise HttpError(404, f"nothing is known about <{iri}>")
    if fmt in QUAD_FORMATS:
        description.facts = _facts(node)
    description.path = "/" + stem
    description.view_chosen = chosen is not None
    if fmt is None:
        html = render_template("resource.html", d=description, local=local_href, base=config().base, views=views.VIEWS)
        response = Response(html, mimetype="text/html")
    else:
        response = Response(description.serialise(fmt), mimetype=fmt.media_type)
    response.headers["Link"] = description.links(extension)
    return response


for _space in SPACES:
    blueprint.add_url_rule(
        f"/{_space}/<path:rest>",
        f"resource_{_space.replace('/', '_').replace('.', '')}",
        resource,
        defaults={"space": _space},
    )


def _split_extension(path: str) -> tuple[str, str | None]:
    for extension in EXTENSIONS:
        if path.endswith(extension):
            return path[: -len(extension)], extension
    return path, None


def _see_other(stem: str, view: View | None) -> WerkzeugResponse:
    """303 to the document about the thing, in the format ``Accept`` asks for; a chosen view goes along."""
    accept = request.headers.get("Accept")
    if negotiation.prefers_html(accept) or not accept:
        target = f"/{stem}.html"
    else:
        try:
            fmt = negotiation.choose("graph", accept)
        except negotiation.NotAcceptable as error:
            raise HttpError(406, str(error) + ", text/html") from error
        target = f"/{stem}{EXTENSION_OF[fmt]}"
    if view is not None:
        target += f"?view={view.name}"
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response


LINKABLE_SCHEMES = ("http:", "https:", "mailto:")


def local_href(iri: str) -> str | None:
    """Where an IRI is shown on this server: its local page for dataset IRIs (a hash IRI as an anchor
    of its document's page, an ontology term as an anchor of the ontology's page, the mapping set's
    and the shapes' on theirs), else itself — but
    only an http, https or mailto IRI may become a link: data may hold ``javascript:…`` (None)."""
    if not iri.lower().startswith(LINKABLE_SCHEMES):
        return None
    base = config().base
    path, hash_mark, fragment = iri.partition("#")
    anchor = hash_mark + fragment
    published = ontology_docs.path_of(path)
    if published is not None:
        return f"/{published}.html{anchor}"
    if path.startswith(base):
        return "/" + path[len(base) :] + ".html" + anchor
    return iri


# --- description ------------------------------------------------------------------------------


@dataclass
class Derivation:
    """Something a graph ``prov:wasDerivedFrom``: a claim (with its status) or a document, a source file."""

    iri: str
    claim: bool = False
    non_factual: bool = False
    status: str = ""
    modality: str = ""
    status_iri: str = ""

    @property
    def reasons(self) -> list[str]:
        """What makes a claim no fact: a curator's inference, an opinion, its modality."""
        return [word for word in (REASONS.get(self.status_iri, ""), self.modality) if word]


@dataclass
class Provenance:
    """One graph holding a statement, and what the store says of it."""

    kind: str  # claim, registry, inferred, ontology, provenance, shapes, build, default, other
    graph: str  # "" for the default graph (a statement no named graph holds)
    status: str = ""  # the epistemic status's label, for a claim
    source: str = ""  # the label of whom the claim is attributed to
    quote: str = ""
    status_iri: str = ""
    non_factual: bool = False  # typed dkg:NonFactual: not in the default graph
    claim: bool = False  # typed dkg:Claim
    modality: str = ""
    modality_iri: str = ""
    hedge: str = ""
    basis: str = ""
    agent: str = ""
    quotes: dict[str, str] = field(default_factory=dict)  # evidence IRI → its exact quote
    derived_from: list[Derivation] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        if self.kind == "inferred":
            return "inferred, resting on non-factual claims" if self.non_factual else "inferred from facts"
        if self.kind == "default":
            return "default graph"
        if self.kind == "other":
            return "non-factual graph" if self.non_factual else "graph"
        return self.kind

    @property
    def badge(self) -> str:
        """Why this graph's word is not a fact (``""`` when it is): a claim's modality or its status as
        a curator's inference or an opinion; for any other graph, that it rests on non-factual claims."""
        if not self.non_factual:
            return ""
        if not self.claim:
            reasons = dict.fromkeys(reason for d in self.claims if d.non_factual for reason in d.reasons)
            return "rests on: " + ", ".join(reasons) if reasons else "rests on non-factual claims"
        return ", ".join(word for word in (self.status_badge, self.modality) if word) or "non-factual"

    @property
    def status_badge(self) -> str:
        """A claim's status when it alone makes the claim no fact: a curator's inference, an opinion."""
        return REASONS.get(self.status_iri, "") if self.claim else ""

    @property
    def chip(self) -> str:
        """The short text of the graph beside a statement."""
        if self.kind == "claim" or self.claim:
            return " · ".join(word for word in (self.status or "claim", self.modality) if word)
        return self.kind

    @property
    def documents(self) -> list[Derivation]:
        return [d for d in self.derived_from if not d.claim]

    @property
    def claims(self) -> list[Derivation]:
        return [d for d in self.derived_from if d.claim]


@dataclass
class Statement:
    predicate: str
    value: dict[str, str]  # SPARQL JSON term
    provenance: list[Provenance] = field(default_factory=list)  # the graphs of the view that hold it
    fact: bool = True  # held by a graph not typed dkg:NonFactual: the default graph holds it
    outside: int = 0  # graphs holding it that the view leaves out
    anchor: str = ""

    @property
    def badges(self) -> list[str]:
        """What marks it as no fact, when it is none."""
        if self.fact:
            return []
        return list(dict.fromkeys(p.badge for p in self.provenance if p.badge)) or ["non-factual"]


@dataclass
class Incoming:
    subject: str
    predicate: str
    graphs: list[str] = field(default_factory=list)  # empty: read from the default graph
    fact: bool = True


@dataclass
class Description:
    iri: str
    statements: list[Statement]
    incoming: list[Incoming]
    labels: dict[str, str]
    view: View = views.COMPLETE
    view_chosen: bool = False
    path: str = ""  # this server's path of the resource, without an extension
    claim: dict[str, str] | None = None
    claim_in_view: bool = True
    asserts: list[tuple[dict[str, str], str, dict[str, str]]] = field(default_factory=list)
    document_text: str | None = None
    document_claims: list[dict[str, str]] = field(default_factory=list)
    known: bool = True  # the store holds something about it, in this view or another
    facts: set[ox.Triple] = field(default_factory=set)  # what the default graph holds about it, either way

    @property
    def empty(self) -> bool:
        """Nothing about it in this view."""
        return not self.statements and not self.incoming and not (self.asserts and self.claim_in_view)

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or _short(iri)

    @property
    def title(self) -> str:
        return self.labels.get(self.iri) or _short(self.iri)

    def values(self, predicate: str) -> list[dict[str, str]]:
        return [s.value for s in self.statements if s.predicate == predicate]

    def grouped(self) -> list[tuple[str, list[Statement]]]:
        groups: dict[str, list[Statement]] = defaultdict(list)
        for statement in self.statements:
            groups[statement.predicate].append(statement)
        order = {RDF_TYPE: 0, RDFS_LABEL: 1}
        return sorted(groups.items(), key=lambda item: (order.get(item[0], 2), self.label(item[0]).lower()))

    def shown(self) -> list[Statement]:
        """The statements of the page's tables, in their order (the document's full text is shown apart)."""
        return [s for group in self.grouped() for s in group[1] if s.predicate != SCHEMA_TEXT]

    @property
    def non_facts(self) -> int:
        return sum(not s.fact for s in self.statements)

    def href(self, extension: str, view: str | None = None) -> str:
        """This resource's document in a format, with a view named or the format's own default."""
        return self.path + extension + (f"?view={view}" if view else "")

    def here(self, anchor: str) -> str:
        """A link to a part of this page, written whole (path and view) so that it stays on this page."""
        return self.href(".html", self.view.name if self.view_chosen else None) + "#" + anchor

    def format_href(self, extension: str) -> str:
        """A link to another format keeps the view the request chose (a format's default otherwise)."""
        return self.href(extension, self.view.name if self.view_chosen else None)

    def format_view(self, extension: str) -> View:
        """The view a format link gives."""
        return self.view if self.view_chosen else default_view(EXTENSIONS[extension])

    def links(self, extension: str) -> str:
        """The ``Link`` header: what the document describes, the view it shows (the dataset it is in),
        and the other formats, keeping a chosen view."""
        links = [
            f'<{self.iri}>; rel="describes"',
            f'<{self.view.iri(config().base)}>; rel="{VOID.uri("inDataset")}"; title="view {self.view.name}"',
        ]
        for other, fmt in EXTENSIONS.items():
            if other != extension:
                media_type = "text/html" if fmt is None else fmt.media_type
                links.append(f'<{self.format_href(other)}>; rel="alternate"; type="{media_type}"')
        return ", ".join(links)

    def _graph_quads(self) -> list[ox.Quad]:
        """What a format with graphs says of each graph it names, in its default graph: a claim's type,
        status, modality, source and document, a graph typed dkg:NonFactual, what an entailment was
        derived from — so each statement comes with how sure it is."""
        graphs = {p.graph: p for s in self.statements for p in s.provenance if p.graph}
        quads: list[ox.Quad] = []
        for graph, provenance in graphs.items():
            node = ox.NamedNode(graph)
            objects: list[tuple[ox.NamedNode, str]] = [
                (RDF.type, DKG.uri("Claim") if provenance.claim else ""),
                (RDF.type, DKG.uri("NonFactual") if provenance.non_factual else ""),
                (DKG.epistemicStatus, provenance.status_iri),
                (DKG.modality, provenance.modality_iri),
                (PROV.wasAttributedTo, provenance.agent),
                *((PROV.wasDerivedFrom, derivation.iri) for derivation in provenance.derived_from),
            ]
            quads += [ox.Quad(node, p, iri, ox.DefaultGraph()) for p, o in objects if (iri := _iri(o)) is not None]
        return quads

    def _facts_in_default_graph(self, quads: list[ox.Quad]) -> list[ox.Quad]:
        """The description's facts once more in the default graph: a link-traversal client (Comunica
        asks for N-Quads first) reads only the default graph of what it fetches, and found nothing when
        every statement stood in its named graph. Only what the store's default graph holds is copied
        (``facts``, read by ``describe``), so a guess never reads as a fact there; the named graphs still
        say where each statement came from."""
        return [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads if q.triple in self.facts]

    def serialise(self, fmt: ResultFormat) -> bytes:
        """The description in an RDF format: each statement in the graphs of the view that hold it (a
        format without graphs merges them, so it holds only what the view holds)."""
        subject = ox.NamedNode(self.iri)
        quads: list[ox.Quad] = []
        for statement in self.statements:
            for provenance in statement.provenance:
                graph = ox.NamedNode(provenance.graph) if provenance.graph else ox.DefaultGraph()
                quads.append(ox.Quad(subject, ox.NamedNode(statement.predicate), _term(statement.value), graph))
        if self.claim_in_view:
            for asserted_s, asserted_p, asserted_o in self.asserts:
                quads.append(ox.Quad(_subject(asserted_s), ox.NamedNode(asserted_p), _term(asserted_o), subject))
        for link in self.incoming:
            for graph_name in link.graphs or [""]:
                graph = ox.NamedNode(graph_name) if graph_name else ox.DefaultGraph()
                quads.append(ox.Quad(ox.NamedNode(link.subject), ox.NamedNode(link.predicate), subject, graph))
        data: list[ox.Quad] | list[ox.Triple]
        if fmt in QUAD_FORMATS:
            quads += self._graph_quads() + self._facts_in_default_graph(quads)
            data = sorted(dict.fromkeys(quads), key=lambda quad: str(quad.graph_name))  # each graph once
        else:
            data = list(dict.fromkeys(q.triple for q in quads))
        prefixes = _prefixes() if fmt in (ResultFormat.TURTLE, ResultFormat.TRIG) else None
        return serialise(data, RDF_FORMATS[fmt], prefixes)


def _labelled(*variables: str) -> str:
    """OPTIONAL patterns binding ``?v_label`` to an English or untagged ``rdfs:label`` of each ``?v``: each
    query brings the labels of the IRIs it finds, looked up for its own rows (a pattern after the one
    that binds the variable), so a page needs no list of IRIs pasted into a query of labels."""
    return " ".join(
        f"OPTIONAL {{ ?{v} rdfs:label ?{v}_label FILTER (LANG(?{v}_label) IN ('en', '')) }}" for v in variables
    )


def _flags(graph: str) -> str:
    """Patterns binding what decides whether ``?graph`` is in a view: ``?graph_nonFactual`` (typed
    dkg:NonFactual), ``?graph_claim`` (typed dkg:Claim) and ``?graph_status`` (its epistemic status)."""
    return (
        f"BIND (EXISTS {{ ?{graph} a dkg:NonFactual }} AS ?{graph}_nonFactual) "
        f"BIND (EXISTS {{ ?{graph} a dkg:Claim }} AS ?{graph}_claim) "
        f"OPTIONAL {{ ?{graph} dkg:epistemicStatus ?{graph}_status }}"
    )


def _english(variable: str, predicate: str, subject: str) -> str:
    """An OPTIONAL ``?variable_term`` that ``subject`` reaches by ``predicate``, and its English (or
    untagged) label as ``?variable``."""
    return (
        f"OPTIONAL {{ ?{subject} {predicate} ?{variable}_term "
        f"OPTIONAL {{ ?{variable}_term rdfs:label ?{variable} FILTER (LANG(?{variable}) IN ('en', '')) }} }}"
    )


def _about(graph: str) -> str:
    """What the store says of a graph that is a claim: status, modality, hedge, basis, whom it is
    attributed to, its quotes (one row per evidence); each OPTIONAL, so any graph matches.

    Each OPTIONAL holds one triple pattern, and further OPTIONALs inside it: the embedded engine's
    planner, which cannot know that ``?this`` is bound, then runs it once per row found (a for-loop),
    where a join inside an OPTIONAL is built as a hash table over the whole store (0.9 s at 1M quads,
    against 10 ms)."""
    return (
        f"{_flags(graph)} {_english('status', 'dkg:epistemicStatus', graph)} "
        f"{_english('modality', 'dkg:modality', graph)} "
        f"OPTIONAL {{ ?{graph} dkg:hedge ?hedge }} OPTIONAL {{ ?{graph} dkg:basis ?basis }} "
        f"OPTIONAL {{ ?{graph} prov:wasAttributedTo ?agent "
        "OPTIONAL { ?agent rdfs:label ?source FILTER (LANG(?source) IN ('en', '')) } } "
        f"OPTIONAL {{ ?{graph} dkg:evidence ?evidence "
        "OPTIONAL { ?evidence oa:hasSelector ?selector OPTIONAL { ?selector oa:exact ?quote } } }"
    )


# The queries of a page. Each is a constant: the resource is bound to ?this (or ?claim) as an IRI
# term (see Store.query), so no request path reaches a query as text, and neither does the view,
# which is applied to the rows. A bound variable is projected and joined in the outermost group, so
# the embedded store's substitution and a remote store's VALUES clause mean the same. They use the
# endpoint's well-known prefixes.
OUTGOING = (  # every graph holding a statement about ?this, and what the default graph alone holds
    f"SELECT * WHERE {{ {{ GRAPH ?g {{ ?this ?p ?o }} {_labelled('g')} }} UNION "
    "{ ?this ?p ?o FILTER NOT EXISTS { GRAPH ?any { ?this ?p ?o } } } "
    f"{_labelled('this', 'p', 'o')} }} LIMIT {MAX_STATEMENTS}"
)
GRAPHS = (  # ?this bound: each graph holding a statement about it, and what the store says of that graph
    "SELECT DISTINCT ?this ?g ?g_nonFactual ?g_claim ?g_status ?status ?modality_term ?modality ?hedge ?basis ?agent "
    f"?source ?evidence ?quote WHERE {{ GRAPH ?g {{ ?this ?p ?o }} {_about('g')} }} LIMIT {4 * MAX_STATEMENTS}"
)
DERIVED = (  # ?this bound: what each graph holding a statement about it was derived from (OPTIONAL: see _about)
    "SELECT DISTINCT ?this ?g ?from ?from_label ?from_nonFactual ?from_claim ?from_status ?fromStatus "
    "?fromModality WHERE { GRAPH ?g { ?this ?p ?o } OPTIONAL { ?g prov:wasDerivedFrom ?from "
    f"{_flags('from')} {_english('fromStatus', 'dkg:epistemicStatus', 'from')} "
    f"{_english('fromModality', 'dkg:modality', 'from')} {_labelled('from')} }} }} LIMIT {MAX_DERIVATIONS}"
)
FACTS = (  # ?this bound: the default graph's statements about it and links to it (?s unbound: about it)
    f"SELECT ?this ?s ?p ?o WHERE {{ {{ ?this ?p ?o }} UNION {{ ?s ?p ?this }} }} LIMIT {MAX_STATEMENTS + MAX_INCOMING}"
)
INCOMING = f"SELECT DISTINCT * WHERE {{ ?s ?p ?this FILTER (isIRI(?s)) {_labelled('s', 'p')} }} LIMIT {MAX_INCOMING}"
INCOMING_GRAPHS = (  # the views other than facts: the links in every graph, with what decides their views
    "SELECT DISTINCT ?this ?s ?p ?g ?s_label ?p_label ?g_nonFactual ?g_claim ?g_status WHERE { "
    f"GRAPH ?g {{ ?s ?p ?this }} FILTER (isIRI(?s)) {_flags('g')} {_labelled('s', 'p')} }} LIMIT {MAX_INCOMING}"
)
ASSERTED = f"SELECT * WHERE {{ GRAPH ?this {{ ?s ?p ?o }} {_labelled('s', 'p', 'o')} }}"
DOCUMENT_CLAIMS = (  # rows without an id, a start or an end are left out by describe (OPTIONAL: see _about)
    "SELECT ?this ?claim ?id ?start ?end WHERE { ?claim prov:wasDerivedFrom ?this "
    "OPTIONAL { ?claim dkg:claimId ?id } OPTIONAL { ?claim dkg:evidence ?evidence "
    "OPTIONAL { ?evidence oa:hasSelector ?selector OPTIONAL { ?selector oa:start ?start } "
    "OPTIONAL { ?selector oa:end ?end } } } } ORDER BY ?start"
)
CLAIM = (  # ?claim bound: a claim's page
    "SELECT ?claim ?claim_nonFactual ?claim_claim ?claim_status ?status ?modality_term ?modality ?hedge ?basis "
    "?agent ?source "
    f"?evidence ?quote ?document WHERE {{ ?claim a dkg:Claim . {_about('claim')} "
    "OPTIONAL { ?claim prov:wasDerivedFrom ?document } }"
)
QUERIES = (OUTGOING, GRAPHS, DERIVED, INCOMING, INCOMING_GRAPHS, ASSERTED, DOCUMENT_CLAIMS, CLAIM, FACTS)

Rows = list[dict[str, dict[str, str]]]  # SPARQL JSON bindings


class Membership:
    """Whether a graph is in a view, decided on what the store says of the graph (its flags): a view
    of ``views.py`` that this module does not know is read as the graphs its own constant SELECT names."""

    def __init__(self, view: View) -> None:
        self.view = view
        known = view in (views.FACTS, views.COMPLETE, views.NON_FACTUAL) or view.name in STATUS_OF_VIEW
        self.listed = None if known or view.graphs is None else frozenset(_graph_names(view.graphs))

    def __call__(self, graph: str, non_factual: bool, claim: bool, status: str) -> bool:
        view = self.view
        if view is views.COMPLETE:
            return True
        if not graph:  # the default graph alone holds it: a fact
            return view is views.FACTS or (self.listed is None and view.graphs is None)
        if view is views.NON_FACTUAL:
            return non_factual
        if view.name in STATUS_OF_VIEW:
            return claim and status == STATUS_OF_VIEW[view.name]
        if self.listed is not None:
            return graph in self.listed
        return not non_factual  # facts, or a view that is the store's default graph

    def of(self, provenance: Provenance) -> bool:
        return self(provenance.graph, provenance.non_factual, provenance.claim, provenance.status_iri)


def describe(resource: ox.NamedNode, view: View = views.COMPLETE, *, how_sure: bool = True) -> Description:
    """What the store holds about ``resource``, in ``view``; ``how_sure`` adds what each graph holding a
    statement was derived from (the page's "How sure is this?" section)."""
    settings = config()
    iri = resource.value
    this = {"this": resource}
    labels: dict[str, str] = {}
    member = Membership(view)
    graphs = _graph_provenance(_select(GRAPHS, this, labels), settings.base)
    if how_sure:
        _add_derivations(graphs, _select(DERIVED, this, labels))
    statements: dict[tuple[str, str], Statement] = {}
    everywhere: dict[tuple[str, str], list[Provenance]] = defaultdict(list)
    for row in _distinct(_select(OUTGOING, this, labels), "p", "o", "g"):
        key = (row["p"]["value"], json.dumps(row["o"], sort_keys=True))
        statements.setdefault(key, Statement(row["p"]["value"], row["o"]))
        graph = row.get("g", {}).get("value", "")
        provenance = graphs.get(graph) or _unlisted(graph, settings.base)
        everywhere[key].append(provenance)
    shown: list[Statement] = []
    for key, statement in statements.items():
        holders = everywhere[key]
        statement.fact = any(not p.non_factual for p in holders)
        statement.provenance = [p for p in holders if member.of(p)]
        statement.outside = len(holders) - len(statement.provenance)
        if statement.provenance:
            shown.append(statement)
    shown.sort(key=lambda s: (s.predicate, s.value.get("value", "")))
    for number, statement in enumerate(shown, 1):
        statement.anchor = f"sure-{number}"
    description = Description(
        iri=iri, statements=shown, incoming=_incoming(this, labels, member), labels=labels, view=view
    )
    if _graph_kind(iri, settings.base) == "claim":
        claim = _graph_provenance(_select(CLAIM, {"claim": resource}), settings.base, "claim").get(iri)
        if claim is not None:
            description.claim = _claim_entry(claim)
            description.claim_in_view = member.of(claim)
        asserted = _distinct(_select(ASSERTED, this, labels), "s", "p", "o")
        description.asserts = [(r["s"], r["p"]["value"], r["o"]) for r in asserted]
    description.known = bool(statements or description.incoming or description.asserts)
    texts = description.values(SCHEMA_TEXT)
    if texts:
        description.document_text = texts[0]["value"]
        description.document_claims = [
            {k: v["value"] for k, v in row.items()}
            for row in _select(DOCUMENT_CLAIMS, this)
            if all(name in row for name in ("id", "start", "end"))
        ]
    return description


def _facts(resource: ox.NamedNode) -> set[ox.Triple]:
    """What the store's default graph — the facts — holds about ``resource``, and its links to it."""
    found: set[ox.Triple] = set()
    for row in _select(FACTS, {"this": resource}):
        if "s" in row:
            found.add(ox.Triple(_subject(row["s"]), ox.NamedNode(row["p"]["value"]), resource))
        else:
            found.add(ox.Triple(resource, ox.NamedNode(row["p"]["value"]), _term(row["o"])))
    return found


def _graph_provenance(rows: Rows, base: str, variable: str = "g") -> dict[str, Provenance]:
    """Rows of GRAPHS (or CLAIM) as one Provenance per graph; a quote in several parts is joined with
    " … ", in the order of its evidence."""
    found: dict[str, Provenance] = {}
    for row in rows:
        value = {k: v["value"] for k, v in row.items()}
        graph = value[variable]
        provenance = found.get(graph)
        if provenance is None:
            claim = value.get(f"{variable}_claim") == "true"
            provenance = found[graph] = Provenance(
                kind="claim" if claim else _graph_kind(graph, base),
                graph=graph,
                status=value.get("status", ""),
                source=value.get("source", ""),
                status_iri=value.get(f"{variable}_status", ""),
                non_factual=value.get(f"{variable}_nonFactual") == "true",
                claim=claim,
                modality=value.get("modality", ""),
                modality_iri=value.get("modality_term", ""),
                hedge=value.get("hedge", ""),
                basis=value.get("basis", ""),
                agent=value.get("agent", ""),
            )
            if "document" in value:
                provenance.derived_from.append(Derivation(value["document"]))
        if "quote" in value:
            provenance.quotes.setdefault(value.get("evidence", ""), value["quote"])
            provenance.quote = " … ".join(provenance.quotes[e] for e in sorted(provenance.quotes))
    return found


def _unlisted(graph: str, base: str) -> Provenance:
    """A graph GRAPHS did not list: the default graph alone (a fact), or a named graph beyond its
    limit, of which nothing is known — so not taken for a fact."""
    if not graph:
        return Provenance("default", "")
    return Provenance(_graph_kind(graph, base), graph, non_factual=True)


def _add_derivations(graphs: dict[str, Provenance], rows: Rows) -> None:
    for row in rows:
        value = {k: v["value"] for k, v in row.items()}
        provenance = graphs.get(value["g"])
        if provenance is None or "from" not in value or any(d.iri == value["from"] for d in provenance.derived_from):
            continue
        provenance.derived_from.append(
            Derivation(
                value["from"],
                claim=value.get("from_claim") == "true",
                non_factual=value.get("from_nonFactual") == "true",
                status=value.get("fromStatus", ""),
                modality=value.get("fromModality", ""),
                status_iri=value.get("from_status", ""),
            )
        )


def _claim_entry(claim: Provenance) -> dict[str, str]:
    """A claim's page: its status, modality, hedge, basis, whom it is attributed to and its quote."""
    documents = claim.documents
    return {
        "claim": claim.graph,
        "status": claim.status,
        "modality": claim.modality,
        "hedge": claim.hedge,
        "basis": claim.basis,
        "agent": claim.agent,
        "source": claim.source,
        "quote": claim.quote,
        "document": documents[0].iri if documents else "",
        "badge": claim.status_badge,
        "non_factual": "yes" if claim.non_factual else "",
    }


def _incoming(this: Bindings, labels: dict[str, str], member: Membership) -> list[Incoming]:
    """The links to the resource in the view: the default graph's for the facts, else each graph's,
    kept when the graph is in the view."""
    if member.view is views.FACTS:
        rows = _distinct(_select(INCOMING, this, labels), "s", "p")
        return [Incoming(r["s"]["value"], r["p"]["value"]) for r in rows]
    links: dict[tuple[str, str], Incoming] = {}
    for row in _select(INCOMING_GRAPHS, this, labels):
        value = {k: v["value"] for k, v in row.items()}
        key = (value["s"], value["p"])
        non_factual = value.get("g_nonFactual") == "true"
        link = links.setdefault(key, Incoming(key[0], key[1], fact=False))
        link.fact = link.fact or not non_factual
        if member(value["g"], non_factual, value.get("g_claim") == "true", value.get("g_status", "")):
            link.graphs.append(value["g"])
    return [link for link in links.values() if link.graphs]


def _graph_names(select: str) -> list[str]:
    """The graphs a view's own constant SELECT names (a view this module has no rule for)."""
    return [row["g"]["value"] for row in _select(select)]


def _graph_kind(graph: str, base: str) -> str:
    for prefix, kind in (
        ("claim/", "claim"),
        ("graph/provenance/", "provenance"),
        ("graph/registry", "registry"),
        ("graph/inferred", "inferred"),
        ("graph/ontology", "ontology"),
        ("graph/shapes", "shapes"),
        ("graph/build", "build"),
    ):
        if graph.startswith(base + prefix):
            return kind
    return "other"


def _distinct(rows: Rows, *columns: str) -> Rows:
    """The first row for each combination of ``columns`` (an unbound one counts as None): a resource
    with two labels would give its rows twice."""
    first: dict[str, dict[str, dict[str, str]]] = {}
    for row in rows:
        first.setdefault(json.dumps([row.get(c) for c in columns], sort_keys=True), row)
    return list(first.values())


def _select(
    sparql: str, bindings: Bindings | None = None, labels: dict[str, str] | None = None, dataset: Dataset | None = None
) -> Rows:
    """A constant SELECT with its bound terms, through the worker's query thread (time limit, result
    size); each ``?v_label`` column found is kept in ``labels`` as the label of ``?v``."""
    answer = execute(QueryJob(sparql, ResultFormat.SPARQL_JSON, dataset, _prefixes(), bindings=bindings))
    g.query_ms = round(getattr(g, "query_ms", 0) + answer.engine_ms, 2)
    rows: Rows = json.loads(answer.body)["results"]["bindings"]
    if labels is not None:
        for row in rows:
            for name, value in row.items():
                if name.endswith("_label") and (labelled := row.get(name.removesuffix("_label"))):
                    labels.setdefault(labelled["value"], value["value"])
    return rows


def _iri(value: str) -> ox.NamedNode | None:
    """``value`` as an IRI term, or None when it is empty or no IRI (a blank node's label)."""
    try:
        return ox.NamedNode(value) if value else None
    except ValueError:
        return None


def _subject(value: dict[str, str]) -> ox.NamedNode | ox.BlankNode:
    """A result term in subject position: an IRI or a blank node, never a literal."""
    term = _term(value)
    if isinstance(term, ox.Literal):
        raise ValueError(f"a literal cannot be a subject: {term}")
    return term


def _term(value: dict[str, str]) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if value["type"] == "uri":
        return ox.NamedNode(value["value"])
    if value["type"] == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


def _short(iri: str) -> str:
    """A prefixed name for an IRI of a well-known namespace, the path of another dataset IRI."""
    prefixes = _prefixes()
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        base = config().base
        return iri[len(base) :] if iri.startswith(base) and len(iri) > len(base) else iri
    name = next(p for p, ns in prefixes.items() if ns == best)
    return f"{name}:{iri[len(best) :]}"


def _prefixes() -> dict[str, str]:
    return base_prefixes(config().base)
