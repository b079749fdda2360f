"""Linked-data pages: every IRI of the dataset dereferences on this server.

The server maps its paths onto the base IRI: ``/id/orang-county`` is
``https://w3id.org/dprk-kg/id/orang-county``. A request for the thing itself is answered with
``303 See Other`` to a document about it — ``….html`` for a browser, ``….ttl`` (``.nt``, ``.jsonld``,
``.rdf``, ``.trig``, ``.nq``) by ``Accept`` — as the W3C "Cool URIs" note describes for slash IRIs.
Each statement on a page carries its provenance: the claims (status, source, quote), the registry,
or the reasoner that put it there.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Response, g, redirect, render_template, request
from werkzeug.wrappers import Response as WerkzeugResponse

from dprk_kg.server import negotiation, parameters
from dprk_kg.server.errors import HttpError
from dprk_kg.server.executor import QueryJob
from dprk_kg.server.protocol import execute
from dprk_kg.server.runtime import config
from dprk_kg.store import ResultFormat
from dprk_kg.store.base import Bindings, Dataset
from dprk_kg.store.formats import RDF_FORMATS, serialise
from dprk_kg.vocabulary import ONTOLOGY_IRI, RDF, RDFS, SCHEMA, base_prefixes

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
SPACES = ("id", "doc", "claim", "activity", "graph", "source", ".well-known/genid")
RDFS_LABEL = RDFS.uri("label")
RDF_TYPE = RDF.uri("type")
MAX_STATEMENTS = 2000
MAX_INCOMING = 300


@blueprint.route("/ontology", defaults={"space": "", "rest": "ontology"})
@blueprint.route("/ontology<ext>", defaults={"space": "", "rest": "ontology"})
def ontology(space: str, rest: str, ext: str = "") -> WerkzeugResponse:
    return resource(space, rest + ext)


def resource(space: str, rest: str) -> WerkzeugResponse:
    path = f"{space}/{rest}" if space else rest
    stem, extension = _split_extension(path)
    iri = ONTOLOGY_IRI if stem == "ontology" else config().base + stem
    node = parameters.named_node(iri, "the resource", 404)  # nothing is known of what is not an IRI
    if extension is None:
        return _see_other(stem)
    fmt = EXTENSIONS[extension]
    description = describe(node)
    if description.empty:
        raise HttpError(404, f"nothing is known about <{iri}>")
    if fmt is None:
        html = render_template("resource.html", d=description, local=local_href, base=config().base)
        return Response(html, mimetype="text/html")
    body = description.serialise(fmt)
    response = Response(body, mimetype=fmt.media_type)
    response.headers["Link"] = f'<{iri}>; rel="describes"'
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


def _see_other(stem: str) -> WerkzeugResponse:
    accept = request.headers.get("Accept")
    if negotiation.prefers_html(accept) or not accept:
        target = f"/{stem}.html"
    else:
        try:
            fmt = negotiation.choose("graph", accept)
        except negotiation.NotAcceptable as error:
            raise HttpError(406, str(error) + ", text/html") from error
        target = f"/{stem}{EXTENSION_OF[fmt]}"
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response


LINKABLE_SCHEMES = ("http:", "https:", "mailto:")


def local_href(iri: str) -> str | None:
    """Where an IRI is shown on this server: its local page for dataset IRIs (a hash IRI as an anchor
    of its document's page, an ontology term as an anchor of the ontology's page), else itself — but
    only an http, https or mailto IRI may become a link: data may hold ``javascript:…`` (None)."""
    if not iri.lower().startswith(LINKABLE_SCHEMES):
        return None
    base = config().base
    path, hash_mark, fragment = iri.partition("#")
    anchor = hash_mark + fragment
    if path == ONTOLOGY_IRI or path.startswith(ONTOLOGY_IRI + "/"):
        return "/ontology.html" + anchor
    if path.startswith(base):
        return "/" + path[len(base) :] + ".html" + anchor
    return iri


# --- description ------------------------------------------------------------------------------


@dataclass
class Provenance:
    kind: str  # claim, registry, inferred, ontology, provenance, shapes, build, other
    graph: str
    status: str = ""
    source: str = ""
    quote: str = ""


@dataclass
class Statement:
    predicate: str
    value: dict[str, str]  # SPARQL JSON term
    provenance: list[Provenance] = field(default_factory=list)


@dataclass
class Description:
    iri: str
    statements: list[Statement]
    incoming: list[tuple[str, str]]
    labels: dict[str, str]
    claim: dict[str, str] | None = None
    asserts: list[tuple[dict[str, str], str, dict[str, str]]] = field(default_factory=list)
    document_text: str | None = None
    document_claims: list[dict[str, str]] = field(default_factory=list)
    terms: list[dict[str, str]] = field(default_factory=list)  # on the ontology's page: every term

    @property
    def empty(self) -> bool:
        return not self.statements and not self.incoming and not self.asserts

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

    def highlighted_text(self) -> list[tuple[str, str | None]]:
        """The document text cut into (text, claim id or None) pieces, evidence spans marked."""
        text = self.document_text or ""
        spans = sorted({(int(c["start"]), int(c["end"]), c["id"]) for c in self.document_claims})
        pieces: list[tuple[str, str | None]] = []
        cursor = 0
        for start, end, claim_id in spans:
            if start < cursor:
                continue  # overlapping evidence: the first span is shown
            pieces.append((text[cursor:start], None))
            pieces.append((text[start:end], claim_id))
            cursor = end
        pieces.append((text[cursor:], None))
        return pieces

    def serialise(self, fmt: ResultFormat) -> bytes:
        subject = ox.NamedNode(self.iri)
        quads: list[ox.Quad] = []
        for statement in self.statements:
            for provenance in statement.provenance or [Provenance("other", "")]:
                graph = ox.NamedNode(provenance.graph) if provenance.graph else ox.DefaultGraph()
                quads.append(ox.Quad(subject, ox.NamedNode(statement.predicate), _term(statement.value), graph))
        for asserted_s, asserted_p, asserted_o in self.asserts:
            quads.append(ox.Quad(_subject(asserted_s), ox.NamedNode(asserted_p), _term(asserted_o), subject))
        for incoming_s, incoming_p in self.incoming:
            quads.append(ox.Quad(ox.NamedNode(incoming_s), ox.NamedNode(incoming_p), subject))
        data: list[ox.Quad] | list[ox.Triple]
        if fmt in (ResultFormat.TRIG, ResultFormat.N_QUADS):
            data = quads
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


# The queries of a page. Each is a constant: the resource is bound to ?this (or ?claim) as an IRI
# term (see Store.query), so no request path reaches a query as text. A bound variable is projected
# and joined in the outermost group, so the embedded store's substitution and a remote store's VALUES
# clause mean the same. They use the endpoint's well-known prefixes.
OUTGOING = f"SELECT * WHERE {{ GRAPH ?g {{ ?this ?p ?o }} {_labelled('this', 'p', 'o', 'g')} }} LIMIT {MAX_STATEMENTS}"
INCOMING = f"SELECT DISTINCT * WHERE {{ ?s ?p ?this FILTER (isIRI(?s)) {_labelled('s', 'p')} }} LIMIT {MAX_INCOMING}"
ASSERTED = f"SELECT * WHERE {{ GRAPH ?this {{ ?s ?p ?o }} {_labelled('s', 'p', 'o')} }}"
DOCUMENT_CLAIMS = (
    "SELECT ?this ?claim ?id ?start ?end WHERE { ?claim prov:wasDerivedFrom ?this ; dkg:claimId ?id ; "
    "dkg:evidence/oa:hasSelector [ oa:start ?start ; oa:end ?end ] } ORDER BY ?start"
)
_CLAIM_COLUMNS = "?claim ?status ?source ?agent ?quote ?document ?modality ?hedge ?basis"
_CLAIM_PATTERN = (
    "?claim dkg:epistemicStatus/rdfs:label ?status ; prov:wasAttributedTo ?agent ; prov:wasDerivedFrom ?document ; "
    "dkg:evidence/oa:hasSelector/oa:exact ?quote . ?agent rdfs:label ?source FILTER (LANG(?source) = 'en') "
    "OPTIONAL { ?claim dkg:modality/rdfs:label ?modality } OPTIONAL { ?claim dkg:hedge ?hedge } "
    "OPTIONAL { ?claim dkg:basis ?basis }"
)
CLAIM = f"SELECT {_CLAIM_COLUMNS} WHERE {{ {_CLAIM_PATTERN} }}"  # ?claim bound: a claim's page
CLAIMS_ABOUT = (  # ?this bound: the claims that state something about it
    f"SELECT DISTINCT ?this {_CLAIM_COLUMNS} WHERE {{ GRAPH ?claim {{ ?this ?p ?o }} {_CLAIM_PATTERN} }} "
    f"LIMIT {MAX_STATEMENTS}"
)
TERMS = (  # run on the ontology graph as the default graph
    "SELECT ?term (SAMPLE(?k) AS ?kind) (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?definition) "
    "(GROUP_CONCAT(DISTINCT STR(?super); separator=' ') AS ?supers) "
    f"WHERE {{ ?term a ?k . FILTER (STRSTARTS(STR(?term), '{ONTOLOGY_IRI}#')) "
    "OPTIONAL { ?term rdfs:label ?l FILTER (LANG(?l) = 'en') } OPTIONAL { ?term skos:definition ?d } "
    "OPTIONAL { ?term rdfs:subClassOf|rdfs:subPropertyOf ?super } } GROUP BY ?term ORDER BY ?term"
)

Rows = list[dict[str, dict[str, str]]]  # SPARQL JSON bindings


def describe(resource: ox.NamedNode) -> Description:
    settings = config()
    iri = resource.value
    this = {"this": resource}
    labels: dict[str, str] = {}
    outgoing = _distinct(_select(OUTGOING, this, labels), "p", "o", "g")
    incoming = _distinct(_select(INCOMING, this, labels), "s", "p")
    statements: dict[tuple[str, str], Statement] = {}
    for row in outgoing:
        key = (row["p"]["value"], json.dumps(row["o"], sort_keys=True))
        statement = statements.setdefault(key, Statement(row["p"]["value"], row["o"]))
        statement.provenance.append(Provenance(_graph_kind(row["g"]["value"], settings.base), row["g"]["value"]))
    claim_info = _claims(_select(CLAIMS_ABOUT, this))
    for statement in statements.values():
        for provenance in statement.provenance:
            info = claim_info.get(provenance.graph) if provenance.kind == "claim" else None
            if info:
                provenance.status, provenance.source, provenance.quote = info["status"], info["source"], info["quote"]
    description = Description(
        iri=iri,
        statements=sorted(statements.values(), key=lambda s: (s.predicate, s.value.get("value", ""))),
        incoming=[(r["s"]["value"], r["p"]["value"]) for r in incoming],
        labels=labels,
    )
    if _graph_kind(iri, settings.base) == "claim":
        description.claim = _claims(_select(CLAIM, {"claim": resource})).get(iri)
        asserted = _distinct(_select(ASSERTED, this, labels), "s", "p", "o")
        description.asserts = [(r["s"], r["p"]["value"], r["o"]) for r in asserted]
    texts = description.values(SCHEMA.uri("text"))
    if texts:
        description.document_text = texts[0]["value"]
        description.document_claims = [
            {k: v["value"] for k, v in row.items()} for row in _select(DOCUMENT_CLAIMS, this)
        ]
    if iri == ONTOLOGY_IRI:
        description.terms = _terms()
    return description


def _terms() -> list[dict[str, str]]:
    """Every term of the ontology with its kind, label and definition, for the anchors of its page."""
    rows = _select(TERMS, dataset=Dataset((f"{config().base}graph/ontology",)))
    return [
        {
            "iri": row["term"]["value"],
            "name": row["term"]["value"].rsplit("#", 1)[-1],
            "kind": row["kind"]["value"].rsplit("#", 1)[-1],
            "label": row.get("label", {}).get("value", ""),
            "definition": row.get("definition", {}).get("value", ""),
            "supers": row.get("supers", {}).get("value", ""),
        }
        for row in rows
    ]


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


def _claims(rows: Rows) -> dict[str, dict[str, str]]:
    """Rows of claim information as one entry per claim; a quote in several parts is joined with "…"."""
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        info = {k: v["value"] for k, v in row.items()}
        claim = info["claim"]
        if claim in found:
            found[claim]["quote"] += " … " + info["quote"]
        else:
            found[claim] = info
    return found


def _distinct(rows: Rows, *columns: str) -> Rows:
    """The first row for each combination of ``columns``: a resource with two labels would give its
    rows twice."""
    first: dict[str, dict[str, dict[str, str]]] = {}
    for row in rows:
        first.setdefault(json.dumps([row[c] for c in columns], sort_keys=True), row)
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
    prefixes = _prefixes()
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    name = next(p for p, ns in prefixes.items() if ns == best)
    return f"{name}:{iri[len(best) :]}"


def _prefixes() -> dict[str, str]:
    return base_prefixes(config().base)
