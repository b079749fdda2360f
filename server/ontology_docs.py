"""The ontology, its Wikidata mapping set and the SHACL shapes as published documents.

Each is served whole at its own IRI — ``https://w3id.org/dprk-kg/ontology`` (the namespace document
of every ``dkg:Term``, and its version IRI ``…/ontology/<version>``), ``…/ontology/wikidata-mapping``
and ``https://w3id.org/dprk-kg/shapes`` — in every RDF format, from the files the build reads
(``ontology/*.ttl``, ``shapes/*.ttl``, as ``dprk_kg.paths`` finds them): the store holds the
ontology and the mapping set merged in one graph, which could not give either document back alone.
Turtle is the file itself, comments included; the other formats are its triples (TriG and N-Quads
in the default graph, so a link-traversal client reading quads finds them). Files are read again
when they change.

The HTML page of the ontology is its documentation, made with Jinja (``templates/ontology.html``):
the class and property hierarchies as trees, then every term at an anchor named by its local name
(``/ontology.html#Journalist`` for ``dkg:Journalist``), with its label, definition, super- and
sub-terms, domains, ranges, inverse, characteristics, Wikidata mapping and a few uses from the data.
Those uses come from constant SELECTs with the term bound (``?this``, as ``linked_data`` binds a
resource), on the store's default graph, so only what the sources state or report as fact shows. The
terms reused from other vocabularies are listed by vocabulary, as the ontology declares them.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from flask import g

from dprk_kg import paths
from dprk_kg.server.executor import QueryJob
from dprk_kg.server.protocol import execute
from dprk_kg.store import ResultFormat
from dprk_kg.store.formats import RDF_FORMATS, serialise
from dprk_kg.vocabulary import DKG_NS, ONTOLOGY_IRI, OWL, RDF, RDFS, SKOS, base_prefixes

SHAPES_IRI = "https://w3id.org/dprk-kg/shapes"
MAPPING_IRI = ONTOLOGY_IRI + "/wikidata-mapping"
QUAD_FORMATS = frozenset({ResultFormat.TRIG, ResultFormat.N_QUADS})
USES_SHOWN = 3  # uses of a term from the data shown on its entry
DCTERMS_NS = "http://purl.org/dc/terms/"
VANN_NS = "http://purl.org/vocab/vann/"


@dataclass(frozen=True)
class Source:
    """A published document: its IRI, this server's path for it, and the file it is read from."""

    iri: str
    path: str  # without the leading slash or an extension
    folder: Callable[[], Path]
    file: str
    kind: str  # ontology, mapping, shapes
    title: str


SOURCES = (
    Source(ONTOLOGY_IRI, "ontology", paths.ontology_dir, "dprk-kg.ttl", "ontology", "dprk-kg ontology"),
    Source(
        MAPPING_IRI,
        "ontology/wikidata-mapping",
        paths.ontology_dir,
        "wikidata-mapping.ttl",
        "mapping",
        "dprk-kg ontology to Wikidata mapping set",
    ),
    Source(SHAPES_IRI, "shapes", paths.shapes_dir, "dprk-kg-shapes.ttl", "shapes", "dprk-kg SHACL shapes"),
)
SOURCE_AT = {source.path: source for source in SOURCES}


@dataclass(frozen=True)
class Parsed:
    """A document file as read: its bytes, its triples and the prefixes it declares."""

    text: bytes
    triples: tuple[ox.Triple, ...]
    prefixes: dict[str, str]


@dataclass(frozen=True)
class Document:
    """A published document as one request asked for it (``path`` is the version IRI's, if that)."""

    source: Source
    path: str
    parsed: Parsed

    @property
    def iri(self) -> str:
        return self.source.iri

    @property
    def triples(self) -> tuple[ox.Triple, ...]:
        return self.parsed.triples

    def serialise(self, fmt: ResultFormat) -> bytes:
        """The whole document in ``fmt``: Turtle is the file itself; TriG and N-Quads hold its triples
        in their default graph."""
        if fmt is ResultFormat.TURTLE:
            return self.parsed.text
        if fmt in QUAD_FORMATS:
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in self.triples]
            return serialise(quads, RDF_FORMATS[fmt], self.parsed.prefixes if fmt is ResultFormat.TRIG else None)
        return serialise(self.triples, RDF_FORMATS[fmt])


_cache: dict[Path, tuple[tuple[int, int], Parsed]] = {}
_cache_lock = threading.Lock()


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """An IRI, a blank node's label or a literal's lexical form (a quoted triple, which these files do
    not use, as N-Triples)."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def _read(path: Path) -> Parsed:
    """The file parsed, read again only when it changed (its modification time or size)."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    text = path.read_bytes()
    parser = ox.parse(text, format=ox.RdfFormat.TURTLE)
    triples = tuple(quad.triple for quad in parser)
    parsed = Parsed(text, triples, dict(parser.prefixes))
    with _cache_lock:
        _cache[path] = (stamp, parsed)
    return parsed


def load(source: Source, path: str | None = None) -> Document | None:
    """The document of ``source``, or None when its file is not there."""
    try:
        parsed = _read(source.folder() / source.file)
    except FileNotFoundError:
        return None
    return Document(source, path or source.path, parsed)


def find(stem: str) -> Document | None:
    """The document served at this server's path ``stem`` (``ontology``, ``ontology/0.1.0``,
    ``ontology/wikidata-mapping``, ``shapes``), or None. A version IRI other than the ontology's
    ``owl:versionIRI`` is not served: only the current version is published here."""
    source = SOURCE_AT.get(stem)
    if source is not None:
        return load(source)
    ontology = SOURCE_AT["ontology"]
    if stem.startswith(ontology.path + "/"):
        document = load(ontology, stem)
        if document is not None and version_iri(document) == ONTOLOGY_IRI + stem[len(ontology.path) :]:
            return document
    return None


def path_of(iri: str) -> str | None:
    """This server's path (without extension) of a published document's IRI (its fragment removed),
    or None for another IRI."""
    for source in SOURCES:
        if iri == source.iri:
            return source.path
    if iri.startswith(ONTOLOGY_IRI + "/"):
        return "ontology" + iri[len(ONTOLOGY_IRI) :]
    return None


def version_iri(document: Document) -> str | None:
    return next(
        (
            _text(t.object)
            for t in document.triples
            if t.predicate == OWL.versionIRI and _text(t.subject) == document.iri
        ),
        None,
    )


# --- the documentation of the ontology ---------------------------------------------------------

KINDS = {  # rdf:type → (kind, the heading of its section)
    OWL.uri("Class"): "class",
    OWL.uri("ObjectProperty"): "object property",
    OWL.uri("DatatypeProperty"): "datatype property",
    OWL.uri("AnnotationProperty"): "annotation property",
    SKOS.uri("ConceptScheme"): "concept scheme",
}
CHARACTERISTICS = {
    OWL.uri("TransitiveProperty"): "transitive",
    OWL.uri("SymmetricProperty"): "symmetric",
    OWL.uri("FunctionalProperty"): "functional",
    OWL.uri("InverseFunctionalProperty"): "inverse functional",
}
VOCABULARY_NAMES = {
    "http://www.w3.org/ns/prov-o#": "PROV-O",
    "http://www.w3.org/ns/org#": "W3C Organization Ontology",
    "http://www.w3.org/2004/02/skos/core": "SKOS",
    "http://purl.org/dc/terms/": "DCMI Metadata Terms",
    "http://xmlns.com/foaf/0.1/": "FOAF",
    "https://schema.org/": "schema.org",
    "http://www.w3.org/ns/oa#": "Web Annotation Vocabulary",
    "http://semanticweb.cs.vu.nl/2009/11/sem/": "Simple Event Model (SEM)",
    "http://www.w3.org/2000/01/rdf-schema#": "RDF Schema",
    "http://purl.org/vocab/vann/": "VANN",
    "http://rdfs.org/ns/void#": "VoID",
    "http://www.w3.org/ns/dcat#": "DCAT",
}


@dataclass
class Use:
    """One use of a term in the data: a subject (and an object, or the property) with their labels."""

    subject: str
    subject_label: str
    other: dict[str, str] | None = None  # the object (SPARQL JSON term) of a property's use
    other_label: str = ""


@dataclass
class Term:
    iri: str
    name: str  # local name: the anchor of its entry
    kind: str
    label: str = ""
    definition: str = ""
    types: list[str] = field(default_factory=list)  # classes of an individual
    supers: list[str] = field(default_factory=list)
    subs: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    inverses: list[str] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # a class's or a scheme's individuals in the ontology
    domain_of: list[str] = field(default_factory=list)
    range_of: list[str] = field(default_factory=list)
    matches: list[tuple[str, str]] = field(default_factory=list)  # (Wikidata IRI, exact or close)
    annotations: list[tuple[str, str]] = field(default_factory=list)  # other annotations (property, value)
    uses: list[Use] = field(default_factory=list)
    more_uses: bool = False


# What a term lists of others (forward), and what each of those lists of it in return (backward).
BACKLINKS = (
    ("supers", "subs"),
    ("domains", "domain_of"),
    ("ranges", "range_of"),
    ("types", "members"),
    ("schemes", "members"),
)


@dataclass
class Node:
    """A term in a hierarchy, with the terms under it."""

    term: Term
    children: list[Node]
    also_under: list[str]  # other parents of a term with several


@dataclass
class External:
    iri: str
    kind: str
    label: str
    used_by: list[str]


@dataclass
class OntologyPage:
    """Everything the ontology's HTML documentation shows."""

    document: Document
    header: dict[str, list[str]]  # predicate IRI → values (IRIs or literals) of the ontology itself
    terms: dict[str, Term]
    trees: list[tuple[str, str, list[Node]]]  # (anchor, heading, roots)
    sections: list[tuple[str, str, list[Term]]]  # (anchor, heading, terms)
    externals: list[tuple[str, str, list[External]]]  # (vocabulary IRI, name, terms)
    mapping: Document | None
    shapes: Document | None
    labels: dict[str, str]
    version_iri: str | None = None

    def label(self, iri: str) -> str:
        term = self.terms.get(iri)
        if term is not None:
            return f"dkg:{term.name}"
        name = short(iri)  # a prefixed name says which vocabulary (prov:Agent, foaf:Agent), a label may not
        return self.labels.get(iri, name) if name == iri else name

    def value(self, predicate: str) -> str:
        values = self.header.get(predicate, [])
        return values[0] if values else ""

    @property
    def reused(self) -> int:
        return sum(len(items) for _, _, items in self.externals)

    @property
    def title(self) -> str:
        return self.value(DCTERMS_NS + "title") or self.value(RDFS.uri("label")) or "dprk-kg ontology"


def short(iri: str) -> str:
    """A prefixed name for an IRI of a well-known namespace (the endpoint's prefixes, and vann)."""
    prefixes = {**base_prefixes(), "vann": VANN_NS, "dkgsh": SHAPES_IRI + "#"}
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None or best == iri:
        return iri
    name = next(p for p, ns in prefixes.items() if ns == best)
    return f"{name}:{iri[len(best) :]}"


def ontology_page(document: Document, *, with_uses: bool = True) -> OntologyPage:
    """The documentation of the ontology ``document``: its terms from its triples, the Wikidata
    mapping set, and (``with_uses``) a few uses of each term from the store's default graph."""
    triples = document.triples
    by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
    for triple in triples:
        if isinstance(triple.subject, ox.NamedNode):
            by_subject[_text(triple.subject)].append(triple)
    labels = {
        _text(t.subject): _text(t.object)
        for t in triples
        if t.predicate == RDFS.label and isinstance(t.object, ox.Literal) and t.object.language in ("en", None)
    }
    terms: dict[str, Term] = {}
    for iri, about in by_subject.items():
        if iri.startswith(DKG_NS) and any(t.predicate == RDF.type for t in about):
            terms[iri] = _term(iri, about)
    for term in terms.values():  # the inverse links
        for forward, backward in BACKLINKS:
            for target in getattr(term, forward):
                if target in terms:
                    getattr(terms[target], backward).append(term.iri)
        for inverse in term.inverses:
            if inverse in terms and term.iri not in terms[inverse].inverses:
                terms[inverse].inverses.append(term.iri)
    mapping = load(SOURCE_AT["ontology/wikidata-mapping"])
    for triple in mapping.triples if mapping else ():
        mapped = terms.get(_text(triple.subject))
        if mapped is not None and triple.predicate in (SKOS.exactMatch, SKOS.closeMatch):
            mapped.matches.append((_text(triple.object), "exact" if triple.predicate == SKOS.exactMatch else "close"))
    for term in terms.values():
        for values in (term.subs, term.domain_of, term.range_of, term.members, term.inverses):
            values.sort(key=lambda iri: iri.lower())
    if with_uses:
        _add_uses(terms.values())
    header: dict[str, list[str]] = defaultdict(list)
    for triple in by_subject.get(document.iri, []):
        header[triple.predicate.value].append(_text(triple.object))
    return OntologyPage(
        document=document,
        header=dict(header),
        terms=terms,
        trees=[
            ("doc-class-tree", "Class hierarchy", _tree(terms, "class")),
            ("doc-object-property-tree", "Object property hierarchy", _tree(terms, "object property")),
            ("doc-datatype-property-tree", "Datatype property hierarchy", _tree(terms, "datatype property")),
        ],
        sections=[
            ("doc-classes", "Classes", _of_kind(terms, "class")),
            ("doc-object-properties", "Object properties", _of_kind(terms, "object property")),
            ("doc-datatype-properties", "Datatype properties", _of_kind(terms, "datatype property")),
            ("doc-annotation-properties", "Annotation properties", _of_kind(terms, "annotation property")),
            ("doc-concept-schemes", "Concept schemes", _of_kind(terms, "concept scheme")),
            ("doc-individuals", "Concepts (named individuals)", _of_kind(terms, "individual")),
        ],
        externals=_externals(by_subject, terms),
        mapping=mapping,
        shapes=load(SOURCE_AT["shapes"]),
        labels=labels,
        version_iri=version_iri(document),
    )


def _term(iri: str, about: list[ox.Triple]) -> Term:
    kinds = [KINDS[_text(t.object)] for t in about if t.predicate == RDF.type and _text(t.object) in KINDS]
    term = Term(iri, iri[len(DKG_NS) :], kinds[0] if kinds else "individual")

    def objects(predicate: ox.NamedNode) -> list[str]:
        return sorted(
            {_text(t.object) for t in about if t.predicate == predicate and isinstance(t.object, ox.NamedNode)}
        )

    def english(predicate: ox.NamedNode) -> str:
        values = [t.object for t in about if t.predicate == predicate and isinstance(t.object, ox.Literal)]
        chosen = [v for v in values if v.language == "en"] or [v for v in values if v.language is None]
        return chosen[0].value if chosen else ""

    term.label = english(RDFS.label)
    term.definition = english(SKOS.definition) or english(RDFS.comment)
    term.supers = objects(RDFS.subClassOf) + objects(RDFS.subPropertyOf)
    term.domains = objects(RDFS.domain)
    term.ranges = objects(RDFS.range)
    term.inverses = objects(OWL.inverseOf)
    types = objects(RDF.type)
    term.characteristics = [CHARACTERISTICS[t] for t in types if t in CHARACTERISTICS]
    if term.kind == "individual":
        term.types = [t for t in types if t != OWL.uri("NamedIndividual")]
    term.schemes = objects(SKOS.inScheme)
    shown = {RDF.type, RDFS.label, SKOS.definition, RDFS.comment, RDFS.subClassOf, RDFS.subPropertyOf}
    shown |= {RDFS.domain, RDFS.range, OWL.inverseOf, SKOS.inScheme, RDFS.isDefinedBy}
    term.annotations = sorted(
        (t.predicate.value, _text(t.object))
        for t in about
        if t.predicate not in shown and isinstance(t.object, ox.Literal)
    )
    return term


def _of_kind(terms: dict[str, Term], kind: str) -> list[Term]:
    return sorted((t for t in terms.values() if t.kind == kind), key=lambda t: t.name.lower())


def _tree(terms: dict[str, Term], kind: str) -> list[Node]:
    """The hierarchy of the ontology's terms of ``kind``: roots are those with no parent of the
    ontology's; a term under several parents appears under each."""
    members = {iri: t for iri, t in terms.items() if t.kind == kind}

    def node(term: Term, path: frozenset[str]) -> Node:
        parents = [p for p in term.supers if p in members]
        children = [members[c] for c in term.subs if c in members and c not in path]
        return Node(
            term,
            [node(c, path | {c.iri}) for c in sorted(children, key=lambda t: t.name.lower())],
            parents[1:] if len(parents) > 1 else [],
        )

    roots = [t for t in members.values() if not any(p in members for p in t.supers)]
    return [node(t, frozenset({t.iri})) for t in sorted(roots, key=lambda t: t.name.lower())]


def _externals(by_subject: dict[str, list[ox.Triple]], terms: dict[str, Term]) -> list[tuple[str, str, list[External]]]:
    """The terms of other vocabularies the ontology declares, by the vocabulary that defines them,
    each with the ontology's terms that refer to it."""
    used_by: dict[str, set[str]] = defaultdict(set)
    for term in terms.values():
        for iri in (*term.supers, *term.domains, *term.ranges, *term.types):
            used_by[iri].add(term.iri)
    groups: dict[str, list[External]] = defaultdict(list)
    for iri, about in by_subject.items():
        if iri.startswith(DKG_NS) or iri == ONTOLOGY_IRI:
            continue
        kinds = [KINDS[_text(t.object)] for t in about if t.predicate == RDF.type and _text(t.object) in KINDS]
        vocabulary = next((_text(t.object) for t in about if t.predicate == RDFS.isDefinedBy), "")
        if not kinds:
            continue
        label = next((_text(t.object) for t in about if t.predicate == RDFS.label), "")
        groups[vocabulary].append(External(iri, kinds[0], label, sorted(used_by.get(iri, ()), key=str.lower)))
    return [
        (vocabulary, VOCABULARY_NAMES.get(vocabulary, vocabulary or "other"), sorted(items, key=lambda e: e.iri))
        for vocabulary, items in sorted(groups.items(), key=lambda item: VOCABULARY_NAMES.get(item[0], item[0]))
    ]


# Uses of a term in the data: constant queries, the term bound to ?this as an IRI term (never text),
# on the default graph (the facts). One row per use and label, so a few more rows than are shown.
LABEL = "OPTIONAL {{ ?{0} rdfs:label ?{0}_label FILTER (LANG(?{0}_label) IN ('en', '')) }}"
INSTANCES = f"SELECT ?this ?s ?s_label WHERE {{ ?s a ?this {LABEL.format('s')} }} LIMIT {4 * USES_SHOWN}"
STATEMENTS = (
    f"SELECT ?this ?s ?o ?s_label ?o_label WHERE {{ ?s ?this ?o {LABEL.format('s')} {LABEL.format('o')} }} "
    f"LIMIT {4 * USES_SHOWN}"
)
MENTIONS = (
    f"SELECT ?this ?s ?p ?s_label ?p_label WHERE {{ ?s ?p ?this FILTER (?p != rdf:type && ?p != skos:inScheme) "
    f"{LABEL.format('s')} {LABEL.format('p')} }} LIMIT {4 * USES_SHOWN}"
)
QUERIES = (INSTANCES, STATEMENTS, MENTIONS)


def _add_uses(terms: Iterable[Term]) -> None:
    """A few uses of each term from the store: instances of a class, statements with a property,
    what refers to a concept."""
    for term in terms:
        if term.kind == "class":
            query, other = INSTANCES, None
        elif term.kind.endswith("property"):
            query, other = STATEMENTS, "o"
        elif term.kind == "individual":
            query, other = MENTIONS, "p"
        else:
            continue
        seen: dict[tuple[str, str], Use] = {}
        for row in _select(query, {"this": ox.NamedNode(term.iri)}):
            subject = row["s"]
            if subject["type"] != "uri" or "/.well-known/genid/" in subject["value"]:
                continue  # a blank node, or the shapes' skolemised ones: not a use in the data
            value = row.get(other) if other else None
            key = (subject["value"], json.dumps(value, sort_keys=True))
            if key not in seen:
                seen[key] = Use(
                    subject["value"],
                    row.get("s_label", {}).get("value", ""),
                    value,
                    row.get(f"{other}_label", {}).get("value", "") if other else "",
                )
        uses = list(seen.values())
        term.uses = uses[:USES_SHOWN]
        term.more_uses = len(uses) > USES_SHOWN


def _select(sparql: str, bindings: dict[str, ox.NamedNode]) -> list[dict[str, dict[str, str]]]:
    answer = execute(QueryJob(sparql, ResultFormat.SPARQL_JSON, None, base_prefixes(), bindings=bindings))
    g.query_ms = round(getattr(g, "query_ms", 0) + answer.engine_ms, 2)
    rows: list[dict[str, dict[str, str]]] = json.loads(answer.body)["results"]["bindings"]
    return rows


# --- the mapping set and the shapes, as pages ---------------------------------------------------


@dataclass
class Row:
    """A property of a subject on a document's page, with its values; a blank node's value is shown
    inline, with its own rows (a shape's property constraint)."""

    predicate: str
    values: list[tuple[dict[str, str], list[Row]]]


def statements(document: Document) -> list[tuple[str, list[Row]]]:
    """The document's triples by IRI subject (the document itself first), blank nodes inline where
    they are used: what the pages of the mapping set and of the shapes list."""
    by_subject: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for triple in document.triples:
        if not isinstance(triple.object, ox.Triple):
            by_subject[str(triple.subject)][triple.predicate.value].append(triple.object)

    def rows(subject: str, depth: int) -> list[Row]:
        found = by_subject.get(subject, {})
        return [
            Row(
                predicate,
                [
                    (_json(v), rows(str(v), depth + 1) if isinstance(v, ox.BlankNode) and depth < 8 else [])
                    for v in values
                ],
            )
            for predicate, values in sorted(found.items(), key=lambda item: (item[0] != RDF.uri("type"), item[0]))
        ]

    iris = sorted((s for s in by_subject if s.startswith("<")), key=lambda s: (s != f"<{document.iri}>", s))
    return [(s[1:-1], rows(s, 0)) for s in iris]


def _json(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    """A term as a SPARQL JSON result term, as the templates show values."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value
