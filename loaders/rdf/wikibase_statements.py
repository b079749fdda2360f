"""The claims again, in the Wikibase RDF model, so that Wikidata's own query idioms run on them.

Each triple a claim asserts becomes a ``wikibase:Statement`` (the model of Wikidata's RDF dumps and
its query service)::

    id:hyesan p:P131 <claim/…#statement-1> .
    <claim/…#statement-1> a wikibase:Statement ; ps:P131 id:ryanggang-province ;
        wikibase:rank wikibase:NormalRank ; prov:wasDerivedFrom <claim/…#reference> .
    <claim/…#reference> a wikibase:Reference ; pr:P248 <doc/…> ; pr:P1683 "…the exact quote…"@en ;
        pr:P854 <https://…> ; pr:P577 "2024-02-01"^^xsd:date .
    id:hyesan wdt:P131 id:ryanggang-province .      # truthy: best-rank statements only

**Properties.** A predicate the mapping set (``ontology/mappings.sssom.tsv``) maps to a verified
Wikidata property uses Wikidata's ``p:``/``ps:``/``pq:``/``pr:``/``wdt:`` names for it (``rdf:type`` →
P31, ``dkg:locatedIn`` → P131 …); any other predicate of the ontology keeps its own name in the same
pattern under ``https://w3id.org/dprk-kg/prop/`` (``dkgp:``, ``dkgps:``, ``dkgpq:``, ``dkgpr:``,
``dkgwdt:``). Labels (``rdfs:label``, ``skos:altLabel`` …) are Wikibase terms, not statements, and
are left out. The value of ``rdf:type`` is the Wikidata class where the class is an exact match
(``?x wdt:P31 wd:Q5``), else the ontology's class.

**References.** One a claim: ``pr:P248`` (stated in) the source document; ``pr:P1683`` (quotation)
each exact quote, tagged with the document's language; ``pr:P854`` (reference URL) the document's
address, which the loader accepts only with the note of where it was verified; ``pr:P577``
(publication date) the document's date when it gives one. No ``pr:P813`` (retrieved): the documents
record no retrieval date, and none is invented.

**Ranks, from the claim's status.** A claim a text states or a source reports as fact (the claims of
the default graph) gives *normal*-rank statements, which are also ``wikibase:BestRank`` and have
truthy ``wdt:`` triples: no source outranks another here, so nothing is *preferred*. A non-factual
claim — a curator's inference, an opinion, or what a text calls uncertain, possible, planned, expected
or instructed — gives *deprecated*-rank statements, without truthy triples, in a graph of their own
typed ``dkg:NonFactual``: like the claims themselves, they are out of the default graph and found
through the complete and non-factual views. The factual statements' graph is merged into the default
graph, so the WDQS pattern ``?s p:P131 ?st . ?st ps:P131 ?o ; prov:wasDerivedFrom/pr:P1683 ?quote``
runs unchanged on the endpoint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from dprk_kg.iris import Iris
from dprk_kg.loaders.rdf.terms import iri, text, value_of
from dprk_kg.loaders.sources.sssom import MappingSet
from dprk_kg.vocabulary import DCTERMS, DKG, OA, PROV, RDF, SCHEMA, WD, WIKIBASE

WIKIDATA_PROP = "http://www.wikidata.org/prop/"
OWN_PROP = "https://w3id.org/dprk-kg/prop/"  # the prefixes: vocabulary.WIKIDATA_STATEMENTS, OWN_STATEMENTS
FACTUAL_GRAPH = "wikibase-statements"
NON_FACTUAL_GRAPH = "wikibase-statements-non-factual"
REFERENCE_TERMS = {  # the reference's parts: the term of ours that the mapping set maps to a PID
    "stated_in": PROV.uri("wasDerivedFrom"),
    "url": SCHEMA.uri("url"),
    "published": DCTERMS.uri("issued"),
    "quotation": OA.uri("exact"),
}


@dataclass
class _Claim:
    """What a claim's statements need, gathered from its provenance graph and its own graph."""

    document: str = ""
    factual: bool = True
    targets: list[str] = field(default_factory=list)  # its evidence nodes
    triples: list[ox.Triple] = field(default_factory=list)


@dataclass
class _Document:
    language: str = "en"
    url: ox.NamedNode | None = None
    issued: ox.Literal | None = None


class StatementNames:
    """The statement pattern's property IRIs for one property: Wikidata's where it is mapped, else ours."""

    def __init__(self, mappings: MappingSet) -> None:
        self.pids = mappings.property_ids()
        self.classes = mappings.class_ids()

    def key(self, predicate: str) -> tuple[str, str] | None:
        """(namespace root, local name) of a predicate's statements; None for a label."""
        if predicate in self.pids:
            return WIKIDATA_PROP, self.pids[predicate]
        if predicate.startswith(DKG.iri):
            return OWN_PROP, predicate.removeprefix(DKG.iri)
        return None

    def reference(self, term: str) -> ox.NamedNode:
        return iri(f"{WIKIDATA_PROP}reference/{self.pids[REFERENCE_TERMS[term]]}")


NEEDED = frozenset(
    {
        DKG.uri("evidence"),
        RDF.uri("type"),
        PROV.uri("wasDerivedFrom"),
        OA.uri("hasSelector"),
        OA.uri("exact"),
        DCTERMS.uri("language"),
        SCHEMA.uri("url"),
        DCTERMS.uri("issued"),
    }
)


class StatementSource:
    """Gathers, batch by batch, the loaded quads the statements are made of (the claims' graphs and the
    parts of their provenance they need), so that a large build does not hold every quad twice."""

    def __init__(self, mappings: MappingSet, iris: Iris) -> None:
        self.mappings, self.iris = mappings, iris
        self.quads: list[ox.Quad] = []

    def collect(self, nquads: bytes) -> None:
        claims = self.iris.claim_prefix
        for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and (graph.value.startswith(claims) or quad.predicate.value in NEEDED):
                self.quads.append(quad)

    def statements(self) -> list[ox.Quad]:
        return wikibase_quads(self.quads, self.mappings, self.iris)


def wikibase_quads(quads: Iterable[ox.Quad], mappings: MappingSet, iris: Iris) -> list[ox.Quad]:
    """The statements of every claim among the quads (the loaded documents' named graphs)."""
    names = StatementNames(mappings)
    claims: dict[str, _Claim] = defaultdict(_Claim)
    documents: dict[str, _Document] = defaultdict(_Document)
    quotes: dict[str, str] = {}  # quote selector → exact words
    selectors: dict[str, list[str]] = defaultdict(list)  # evidence target → its selectors
    claim_prefix = iris.claim_prefix
    for quad in quads:
        s, p, o, g = value_of(quad.subject), quad.predicate.value, quad.object, quad.graph_name
        if isinstance(g, ox.NamedNode) and g.value.startswith(claim_prefix):
            claims[g.value].triples.append(quad.triple)
        elif p == DKG.uri("evidence"):
            claims[s].targets.append(value_of(o))
        elif p == RDF.uri("type") and o == DKG.NonFactual:
            claims[s].factual = False
        elif p == PROV.uri("wasDerivedFrom") and s.startswith(claim_prefix):
            claims[s].document = value_of(o)
        elif p == OA.uri("hasSelector"):
            selectors[s].append(value_of(o))
        elif p == OA.uri("exact"):
            quotes[s] = value_of(o)
        elif p == DCTERMS.uri("language"):
            documents[s].language = value_of(o)
        elif p == SCHEMA.uri("url") and isinstance(o, ox.NamedNode):
            documents[s].url = o
        elif p == DCTERMS.uri("issued") and isinstance(o, ox.Literal):
            documents[s].issued = o
    factual_graph, hidden_graph = iri(iris.graph(FACTUAL_GRAPH)), iri(iris.graph(NON_FACTUAL_GRAPH))
    out: list[ox.Quad] = []
    for name in sorted(claims):
        claim = claims[name]
        if not claim.document or not claim.triples:
            continue
        graph = factual_graph if claim.factual else hidden_graph
        document = documents[claim.document]
        reference = iri(f"{name}#reference")
        made = 0
        for triple in sorted(claim.triples, key=str):
            key = names.key(triple.predicate.value)
            if key is None:
                continue
            made += 1
            out.extend(_statement(triple, key, iri(f"{name}#statement-{made}"), reference, claim.factual, names, graph))
        if made:
            words = [quotes[q] for target in claim.targets for q in selectors[target] if q in quotes]
            out.extend(_reference(reference, claim.document, document, words, names, graph))
    if any(q.graph_name == hidden_graph for q in out):
        out.append(ox.Quad(hidden_graph, RDF.type, DKG.NonFactual, factual_graph))
    return list(dict.fromkeys(out))  # a truthy triple that two claims state is one quad


def _statement(
    triple: ox.Triple,
    key: tuple[str, str],
    node: ox.NamedNode,
    reference: ox.NamedNode,
    factual: bool,
    names: StatementNames,
    graph: ox.NamedNode,
) -> list[ox.Quad]:
    root, local = key
    value = triple.object
    if triple.predicate == RDF.type and value_of(value) in names.classes:
        value = WD[names.classes[value_of(value)]]
    quads = [
        ox.Quad(triple.subject, iri(f"{root}{local}"), node, graph),
        ox.Quad(node, RDF.type, WIKIBASE.Statement, graph),
        ox.Quad(node, iri(f"{root}statement/{local}"), value, graph),
        ox.Quad(node, WIKIBASE.rank, WIKIBASE.NormalRank if factual else WIKIBASE.DeprecatedRank, graph),
        ox.Quad(node, PROV.wasDerivedFrom, reference, graph),
    ]
    if factual:  # normal rank is the best here: nothing is preferred (see the module's docstring)
        quads.append(ox.Quad(node, RDF.type, WIKIBASE.BestRank, graph))
        quads.append(ox.Quad(triple.subject, iri(f"{root}direct/{local}"), value, graph))
    return quads


def _reference(
    node: ox.NamedNode, document: str, doc: _Document, words: list[str], names: StatementNames, graph: ox.NamedNode
) -> list[ox.Quad]:
    quads = [
        ox.Quad(node, RDF.type, WIKIBASE.Reference, graph),
        ox.Quad(node, names.reference("stated_in"), iri(document), graph),
    ]
    quads += [ox.Quad(node, names.reference("quotation"), text(w, doc.language), graph) for w in sorted(set(words))]
    if doc.url is not None:  # the loader takes an address only with where it was verified
        quads.append(ox.Quad(node, names.reference("url"), doc.url, graph))
    if doc.issued is not None:
        quads.append(ox.Quad(node, names.reference("published"), doc.issued, graph))
    return quads
